// ClientSession framing and bookkeeping: reading reply lines, sending commands and the message,
// recording per-recipient outcomes. The reply handlers (the dialogue) are in client_replies.cpp.
#include "protocols/smtp/client_session.h"

#include <cstring>

#include "protocols/mail/text.h"

namespace maillab::smtp {

std::string_view to_string(ClientState state) {
  switch (state) {
    case ClientState::waiting_for_greeting: return "waiting_for_greeting";
    case ClientState::waiting_ehlo_reply: return "waiting_ehlo_reply";
    case ClientState::waiting_helo_reply: return "waiting_helo_reply";
    case ClientState::waiting_starttls_reply: return "waiting_starttls_reply";
    case ClientState::tls_handshake: return "tls_handshake";
    case ClientState::waiting_auth_reply: return "waiting_auth_reply";
    case ClientState::waiting_mail_reply: return "waiting_mail_reply";
    case ClientState::waiting_rcpt_reply: return "waiting_rcpt_reply";
    case ClientState::waiting_data_reply: return "waiting_data_reply";
    case ClientState::waiting_message_reply: return "waiting_message_reply";
    case ClientState::waiting_quit_reply: return "waiting_quit_reply";
    case ClientState::finished: return "finished";
  }
  return "unknown";
}

std::string_view to_string(RecipientStatus status) {
  switch (status) {
    case RecipientStatus::pending: return "pending";
    case RecipientStatus::accepted: return "accepted";
    case RecipientStatus::delivered: return "delivered";
    case RecipientStatus::temporary_failure: return "temporary_failure";
    case RecipientStatus::permanent_failure: return "permanent_failure";
  }
  return "unknown";
}

std::string_view to_string(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::in_progress: return "in_progress";
    case DeliveryOutcome::delivered: return "delivered";
    case DeliveryOutcome::temporary_failure: return "temporary_failure";
    case DeliveryOutcome::permanent_failure: return "permanent_failure";
  }
  return "unknown";
}

namespace {

// Appends `canonical` (CRLF lines, ending in CRLF, or empty) dot-stuffed, then the final ".":
// RFC 5321 §4.5.2, a line that starts with "." gets one more. Returns the lines appended. The text
// goes out in runs between such lines (most messages have none: one append); memchr finds each
// line end only to count it and to look at the octet after it.
std::size_t append_dot_stuffed(std::string& out, std::string_view canonical) {
  out.reserve(out.size() + canonical.size() + 16);
  std::size_t lines = 1;  // the "." line
  const char* const end = canonical.data() + canonical.size();
  const char* run = canonical.data();  // the first octet not appended yet
  for (const char* line = run; line < end;) {
    if (*line == '.') {
      out.append(run, line);
      out += '.';
      run = line;
    }
    const auto* newline = static_cast<const char*>(std::memchr(line, '\n', static_cast<std::size_t>(end - line)));
    if (!newline) break;
    ++lines;
    line = newline + 1;
  }
  out.append(run, end);
  out += ".\r\n";
  return lines;
}

}  // namespace

std::string dot_stuff(std::string_view message) {
  std::string canonical = mail::to_crlf(message);
  if (!canonical.empty() && !canonical.ends_with("\r\n")) canonical += "\r\n";
  std::string result;
  append_dot_stuffed(result, canonical);
  return result;
}

namespace {

// The text the session sends: `text` itself when it is canonical already, as the MTA's queued
// messages are (no copy per relay attempt), else a canonical copy.
std::shared_ptr<const std::string> canonical_message(std::shared_ptr<const std::string> text) {
  if (!text) return std::make_shared<const std::string>();
  const bool ends_in_crlf = text->empty() || text->ends_with("\r\n");
  if (ends_in_crlf && mail::is_crlf(*text)) return text;
  std::string canonical = mail::to_crlf(*text);
  if (!canonical.empty() && !canonical.ends_with("\r\n")) canonical += "\r\n";
  return std::make_shared<const std::string>(std::move(canonical));
}

}  // namespace

ClientSession::ClientSession(ClientOptions options, Envelope envelope, std::string message)
    : ClientSession(std::move(options), std::move(envelope), std::make_shared<const std::string>(std::move(message))) {}

ClientSession::ClientSession(ClientOptions options, Envelope envelope, std::shared_ptr<const std::string> message)
    : options_(std::move(options)), envelope_(std::move(envelope)), message_(canonical_message(std::move(message))) {
  tls_ = options_.tls_active;
  for (const auto& address : envelope_.recipients) {
    RecipientOutcome outcome;
    outcome.address = address;
    recipients_.push_back(std::move(outcome));
  }
  expected_.push_back(Expected{ClientState::waiting_for_greeting});
}

ClientState ClientSession::state() const {
  if (finished_) return ClientState::finished;
  if (tls_handshake_) return ClientState::tls_handshake;
  if (expected_.empty()) return ClientState::finished;
  return expected_.front().state;
}

void ClientSession::handle_bytes(std::string_view bytes) {
  if (finished_) return;
  input_.feed(bytes);
  // RFC 5321 §4.5.3.1.5 allows a server 512 octets per reply line; we take far longer ones from
  // lenient servers, but 64 KiB without a line end is not SMTP. A bare LF ends a line too.
  const common::LineLimit reply_line{65536};
  while (!finished_) {
    auto line = input_.next(reply_line);
    if (!line) break;
    if (line->too_long) {
      fail_undecided(Reply{}, "protocol", "reply line too long", "4.5.0");
      finish();
      break;
    }
    if (options_.line_events) events_.push_back(ReplyReceived{std::string(line->text)});
    auto parsed = parser_.handle_line(line->text);
    if (!parsed.ok()) {
      fail_undecided(Reply{}, "protocol", "the server sent something that is not an SMTP reply: " + parsed.error(),
                     "4.5.0");
      finish();
      break;
    }
    if (parsed.value()) handle_reply(*parsed.value());
  }
}

void ClientSession::handle_tls_established() {
  if (!tls_handshake_ || finished_) return;
  tls_handshake_ = false;
  tls_ = true;
  // RFC 3207 §4.2: forget what the server said before TLS and ask again.
  capabilities_ = ServerCapabilities{};
  send_command("EHLO " + options_.hostname, ClientState::waiting_ehlo_reply);
}

void ClientSession::handle_tls_failed(std::string_view reason) {
  if (finished_) return;
  fail_undecided(Reply{}, "TLS", "TLS refused: " + std::string(reason), "4.7.5");
  finish();
}

void ClientSession::handle_close() {
  if (finished_) return;
  ClientState waiting = state();
  if (waiting != ClientState::waiting_quit_reply) {
    std::string reason = "connection lost while in state " + std::string(to_string(waiting));
    if (waiting == ClientState::waiting_message_reply) {
      // RFC 5321 §6.1 / RFC 1047: the server may have the message; retrying risks a duplicate,
      // which is better than losing it.
      reason += " (the message may have arrived; it will be sent again)";
    }
    fail_undecided(Reply{}, "connection", reason, "4.4.2");
  }
  finish();
}

std::string ClientSession::poll_output() {
  return std::exchange(output_, {});
}

std::optional<ClientEvent> ClientSession::poll_event() {
  return common::take_front(events_);
}

void ClientSession::send_command(std::string line, ClientState expect, std::size_t recipient, bool sensitive) {
  output_ += line;
  output_ += "\r\n";
  if (options_.line_events) events_.push_back(CommandSent{std::move(line), sensitive});
  expected_.push_back(Expected{expect, recipient});
}

void ClientSession::send_message() {
  // message_ is already canonical (the constructor made it so): stuffed straight into the output.
  const std::size_t before = output_.size();
  const std::size_t lines = append_dot_stuffed(output_, *message_);
  events_.push_back(MessageSent{output_.size() - before, lines});
  expected_.push_back(Expected{ClientState::waiting_message_reply});
}

void ClientSession::quit() {
  decide_result();
  if (quit_sent_) return;
  quit_sent_ = true;
  send_command("QUIT", ClientState::waiting_quit_reply);
}

void ClientSession::finish() {
  if (finished_) return;
  fail_undecided(Reply{}, "connection", "the session ended before the server answered", "4.4.2");
  decide_result();
  finished_ = true;
  tls_handshake_ = false;
  expected_.clear();
  events_.push_back(DeliveryFinished{result_});
}

void ClientSession::set_failure(RecipientOutcome& recipient, const Reply& reply, std::string_view stage,
                                std::string_view reason, std::string_view enhanced_status) {
  // Without a reply (code 0: a local decision or a dropped connection) the given code's class decides.
  bool permanent = reply.code != 0 ? reply.is_permanent_failure() : enhanced_status.starts_with("5");
  recipient.status = permanent ? RecipientStatus::permanent_failure : RecipientStatus::temporary_failure;
  recipient.reply = reply;
  recipient.stage = std::string(stage);
  recipient.reason = reason.empty() ? "the server answered " + reply.summary() + " to " + std::string(stage)
                                    : std::string(reason);
  if (!reply.enhanced_status.empty()) {
    recipient.enhanced_status = reply.enhanced_status;
  } else if (!enhanced_status.empty()) {
    recipient.enhanced_status = std::string(enhanced_status);
  } else {
    // No enhanced code from the server: the class alone (RFC 3463 §3.1, "x.0.0").
    recipient.enhanced_status = permanent ? "5.0.0" : "4.0.0";
  }
  if (result_.stage.empty()) {
    result_.stage = recipient.stage;
    result_.reply = reply;
    result_.reason = recipient.reason;
  }
}

void ClientSession::fail_undecided(const Reply& reply, std::string_view stage, std::string_view reason,
                                   std::string_view enhanced_status) {
  for (auto& recipient : recipients_) {
    if (recipient.status == RecipientStatus::pending || recipient.status == RecipientStatus::accepted) {
      set_failure(recipient, reply, stage, reason, enhanced_status);
    }
  }
  if (result_.stage.empty()) {  // no recipient left to carry it: still record why the session ended
    result_.stage = std::string(stage);
    result_.reply = reply;
    result_.reason = reason.empty() ? "the server answered " + reply.summary() : std::string(reason);
  }
}

bool ClientSession::any_accepted() const {
  for (const auto& recipient : recipients_) {
    if (recipient.status == RecipientStatus::accepted) return true;
  }
  return false;
}

void ClientSession::decide_result() {
  if (result_.outcome != DeliveryOutcome::in_progress) return;
  bool delivered = false, temporary = false, undecided = false;
  for (const auto& recipient : recipients_) {
    delivered |= recipient.status == RecipientStatus::delivered;
    temporary |= recipient.status == RecipientStatus::temporary_failure;
    undecided |= recipient.status == RecipientStatus::pending || recipient.status == RecipientStatus::accepted;
  }
  if (undecided) return;  // called too early: the dialogue is not over
  result_.outcome = delivered   ? DeliveryOutcome::delivered
                    : temporary ? DeliveryOutcome::temporary_failure
                                : DeliveryOutcome::permanent_failure;
  if (recipients_.empty()) result_.outcome = DeliveryOutcome::permanent_failure;
}

}  // namespace maillab::smtp
