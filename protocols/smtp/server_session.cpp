// ServerSession core: reading lines, dispatch through the command table, verdicts, output.
// The command handlers themselves are in server_commands.cpp.
#include "protocols/smtp/server_session.h"

#include "protocols/common/ascii_case.h"
#include "protocols/mail/text.h"

#include <utility>

namespace maillab::smtp {

std::string_view to_string(ServerState state) {
  switch (state) {
    case ServerState::not_started: return "not_started";
    case ServerState::waiting_for_hello: return "waiting_for_hello";
    case ServerState::ready: return "ready";
    case ServerState::waiting_sender_verdict: return "waiting_sender_verdict";
    case ServerState::sender_accepted: return "sender_accepted";
    case ServerState::waiting_recipient_verdict: return "waiting_recipient_verdict";
    case ServerState::recipients_accepted: return "recipients_accepted";
    case ServerState::receiving_data: return "receiving_data";
    case ServerState::waiting_message_verdict: return "waiting_message_verdict";
    case ServerState::auth_plain_response: return "auth_plain_response";
    case ServerState::auth_login_username: return "auth_login_username";
    case ServerState::auth_login_password: return "auth_login_password";
    case ServerState::closed: return "closed";
  }
  return "unknown";
}

Reply ServerPolicy::check_sender(const SenderVerdictNeeded&) { return make_reply(250, "2.1.0", "Ok"); }
Reply ServerPolicy::check_recipient(const RecipientVerdictNeeded&) { return make_reply(250, "2.1.5", "Ok"); }
Reply ServerPolicy::check_message(const MessageVerdictNeeded&) { return make_reply(250, "2.0.0", "Ok: queued"); }

ServerSession::ServerSession(ServerOptions config, std::string client_address, std::string client_name)
    : options_(std::move(config)) {
  if (options_.mode == ServerMode::implicit_tls) options_.tls_active = true;
  // RFC 1870 §4: "SIZE" with the fixed maximum, or bare when there is none.
  size_keyword_ = options_.max_message_size > 0 ? "SIZE " + std::to_string(options_.max_message_size) : "SIZE";
  session_ = std::make_shared<SessionInfo>();
  session_->server_hostname = options_.hostname;
  session_->mode = options_.mode;
  session_->client_address = std::move(client_address);
  session_->client_name = std::move(client_name);
  session_->tls = options_.tls_active;
}

void ServerSession::start() {
  if (state_ != ServerState::not_started) return;
  enter_state(ServerState::waiting_for_hello);
  // RFC 5321 §4.2 / §3.1: the greeting starts with the server's name; no enhanced code (RFC 2034 §3).
  send(Reply{220, "", {options_.hostname + " " + options_.greeting}});
  process();  // a client that talked before the greeting is read now
}

void ServerSession::handle_bytes(std::string_view bytes) {
  if (closed()) return;
  input_.feed(bytes);
  process();
}

bool ServerSession::waiting_for_verdict() const {
  return state_ == ServerState::waiting_sender_verdict || state_ == ServerState::waiting_recipient_verdict ||
         state_ == ServerState::waiting_message_verdict;
}

void ServerSession::decide(Reply reply) {
  if (!waiting_for_verdict()) return;  // nothing is pending: a late or duplicate decision
  apply_verdict(std::move(reply));
  process();
}

void ServerSession::accept() { decide(default_verdict()); }

Reply ServerSession::default_verdict() const {
  ServerPolicy defaults;
  switch (state_) {
    case ServerState::waiting_sender_verdict: return defaults.check_sender({});
    case ServerState::waiting_recipient_verdict: return defaults.check_recipient({});
    default: return defaults.check_message({});
  }
}

void ServerSession::shutdown(std::string_view reason) {
  if (closed()) return;
  // RFC 5321 §3.8: a server that must close sends 421 and closes.
  send(make_reply(421, "4.3.2", options_.hostname + " " +
                                    (reason.empty() ? std::string("Service not available, closing transmission channel")
                                                    : std::string(reason))));
  close("server shutting down");
}

SessionInfo& ServerSession::change_session() {
  // Copy on write: an event still held by the caller keeps the facts as they were when it was made.
  if (session_.use_count() > 1) session_ = std::make_shared<SessionInfo>(*session_);
  return *session_;
}

void ServerSession::enter_state(ServerState state) {
  if (state == state_) return;
  state_ = state;
  events_.push_back(StateChanged{state});
}

void ServerSession::handle_close() {
  if (!closed()) close("connection closed by the client");
}

std::string ServerSession::poll_output() {
  // A copy of exactly the queued bytes; output_ keeps its storage for the next replies, where
  // handing it over would have it grow again from nothing, a reallocation every few lines.
  std::string bytes = output_;
  output_.clear();
  return bytes;
}

std::optional<ServerEvent> ServerSession::poll_event() {
  return common::take_front(events_);
}

void ServerSession::process() {
  // RFC 5321 §4.5.3.1.4: command lines are at most 512 octets with their CRLF; §4.5.3.1.6: text
  // lines 1000. Message text ends lines with CRLF only: a bare LF is content, never a line end,
  // so that "<LF>.<LF>" cannot end the data early (the 2023 "SMTP smuggling" attacks).
  const common::LineLimit command_line{options_.max_command_line, true};
  const common::LineLimit text_line{options_.max_text_line, true, true};
  const common::LineLimit auth_line{options_.max_auth_line, true};  // RFC 4954 §4
  while (state_ != ServerState::not_started && !closed() && !waiting_for_verdict()) {
    if (state_ == ServerState::receiving_data) {
      auto line = input_.next(text_line);
      if (!line) break;
      if (line->too_long) {
        message_line_too_long_ = true;  // answered after the final "." (no replies inside DATA)
        continue;
      }
      handle_data_line(line->text);
    } else if (state_ == ServerState::auth_plain_response || state_ == ServerState::auth_login_username ||
               state_ == ServerState::auth_login_password) {
      auto line = input_.next(auth_line);
      if (!line) break;
      if (line->too_long) {
        events_.push_back(CommandReceived{"(authentication line too long)", true});
        enter_state(ServerState::ready);
        send_error(500, "5.5.6", "Authentication Exchange line is too long");  // RFC 4954 §4
        continue;
      }
      handle_auth_response(line->text);
    } else {
      auto line = input_.next(command_line);
      if (!line) break;
      if (line->too_long) {
        events_.push_back(CommandReceived{"(command line too long)", false});
        send_error(500, "5.5.2", "Line too long (RFC 5321 4.5.3.1.4: at most 512 octets)");
        continue;
      }
      handle_command_line(line->text);
    }
  }
}

void ServerSession::handle_command_line(std::string_view line) {
  std::string_view text = line;
  bool sensitive = common::starts_with_ignoring_case(text, "AUTH ");
  events_.push_back(CommandReceived{std::string(line), sensitive});
  std::size_t space = text.find(' ');
  std::string_view verb = text.substr(0, space);
  std::string_view argument = space == std::string_view::npos ? std::string_view() : mail::trim(text.substr(space + 1));
  for (const auto& command : command_table()) {
    if (!common::equals_ignoring_case(command.verb, verb)) continue;
    if ((command.allowed_states & state_bit(state_)) == 0) {
      // RFC 5321 §4.1.4 command order; 503 "Bad sequence of commands".
      std::string why;
      if (state_ == ServerState::waiting_for_hello) {
        why = "Send HELO/EHLO first";
      } else if (command.verb == "MAIL") {
        why = "Nested MAIL command";
      } else if (command.verb == "RCPT") {
        why = "Need MAIL before RCPT";
      } else if (command.verb == "DATA") {
        why = "Need MAIL command";
      } else {
        why = std::string(command.verb) + " not allowed during a mail transaction";
      }
      send_error(503, "5.5.1", "Bad sequence of commands: " + why);
      return;
    }
    (this->*command.handler)(argument);
    return;
  }
  send_error(500, "5.5.2", "Command unrecognized");  // RFC 5321 §4.2.4
}

void ServerSession::handle_data_line(std::string_view line) {
  if (line == ".") {  // RFC 5321 §4.1.1.4: CRLF.CRLF ends the mail data
    if (message_too_big_) {
      Reply reply = make_reply(552, "5.3.4", "Message too big for system");  // RFC 1870 §6.3
      send(reply);
      events_.push_back(MessageRefused{envelope_, reply, session_});
      reset_transaction();
      enter_state(ServerState::ready);
    } else if (message_line_too_long_) {
      // RFC 5321 §4.5.3.1.6 limits text lines to 1000 octets with CRLF.
      Reply reply = make_reply(500, "5.5.6", "Line too long (RFC 5321 4.5.3.1.6: at most 1000 octets)");
      send(reply);
      events_.push_back(MessageRefused{envelope_, reply, session_});
      reset_transaction();
      enter_state(ServerState::ready);
    } else {
      enter_state(ServerState::waiting_message_verdict);
      received_ = std::make_shared<const std::string>(std::exchange(message_, {}));
      request_verdict(MessageVerdictNeeded{envelope_, received_, session_});
    }
    return;
  }
  if (message_too_big_) return;
  std::string_view content = line;
  if (!content.empty() && content.front() == '.') content.remove_prefix(1);  // §4.5.2 dot-unstuffing
  if (options_.max_message_size > 0 && message_.size() + content.size() + 2 > options_.max_message_size) {
    message_too_big_ = true;
    message_.clear();
    message_.shrink_to_fit();
    return;
  }
  message_ += content;
  message_ += "\r\n";
}

void ServerSession::request_verdict(ServerEvent request) {
  if (options_.policy == nullptr) {
    events_.push_back(std::move(request));
    return;
  }
  Reply reply;
  if (auto* sender = std::get_if<SenderVerdictNeeded>(&request)) {
    reply = options_.policy->check_sender(*sender);
  } else if (auto* recipient = std::get_if<RecipientVerdictNeeded>(&request)) {
    reply = options_.policy->check_recipient(*recipient);
  } else if (auto* message = std::get_if<MessageVerdictNeeded>(&request)) {
    reply = options_.policy->check_message(*message);
  }
  apply_verdict(std::move(reply));
}

void ServerSession::apply_verdict(Reply reply) {
  if (reply.code < 200 || reply.code >= 600 || reply.is_intermediate()) {
    // A verdict must accept or refuse; anything else is a caller bug that must not wedge the client.
    reply = make_reply(451, "4.3.0", "Local error in processing");
  }
  bool accepted = reply.is_positive();
  switch (state_) {
    case ServerState::waiting_sender_verdict:
      enter_state(accepted ? ServerState::sender_accepted : ServerState::ready);
      if (!accepted) reset_transaction();
      send(std::move(reply));
      break;
    case ServerState::waiting_recipient_verdict:
      if (accepted) {
        envelope_.recipients.push_back(pending_recipient_);
        envelope_.recipient_dsn.push_back(pending_recipient_dsn_);
      }
      pending_recipient_.clear();
      pending_recipient_dsn_ = {};
      enter_state(envelope_.recipients.empty() ? ServerState::sender_accepted : ServerState::recipients_accepted);
      send(std::move(reply));
      break;
    case ServerState::waiting_message_verdict:
      send(reply);
      if (accepted) {
        // The transaction ends here (reset below): its envelope and text move into the event.
        events_.push_back(MessageAccepted{std::move(envelope_), std::move(received_), session_, reply});
      } else {
        events_.push_back(MessageRefused{envelope_, reply, session_});
      }
      reset_transaction();
      enter_state(ServerState::ready);
      break;
    default:
      break;
  }
}

void ServerSession::send(Reply reply) {
  // RFC 2034 §3: enhanced codes on every reply once the client used EHLO (not after HELO),
  // except the greeting and the EHLO/HELO replies (those are built without one).
  bool helo_client = !session_->helo.empty() && !session_->esmtp;
  if (!options_.enhanced_status_codes || helo_client) reply.enhanced_status.clear();
  for (std::size_t index = 0; index < reply.wire_line_count(); ++index) {
    const std::size_t start = output_.size();
    reply.append_wire_line(output_, index);
    end_reply_line(start);
  }
}

void ServerSession::end_reply_line(std::size_t start) {
  events_.push_back(ReplySent{output_.substr(start)});
  output_ += "\r\n";
}

void ServerSession::send_error(int code, std::string_view status, std::string_view text) {
  send(make_reply(code, status, text));
  if (++errors_ >= options_.max_errors && !closed()) {
    send(make_reply(421, "4.7.0", options_.hostname + " Error: too many errors"));
    close("too many errors");
  }
}

void ServerSession::reset_transaction() {
  envelope_ = Envelope{};
  parameters_ = MailParameters{};
  recipients_attempted_ = 0;
  pending_recipient_.clear();
  pending_recipient_dsn_ = {};
  message_.clear();
  received_.reset();
  message_too_big_ = false;
  message_line_too_long_ = false;
}

void ServerSession::close(std::string_view reason) {
  bool open_transaction = state_ == ServerState::sender_accepted || state_ == ServerState::waiting_sender_verdict ||
                          state_ == ServerState::waiting_recipient_verdict ||
                          state_ == ServerState::recipients_accepted || state_ == ServerState::receiving_data ||
                          state_ == ServerState::waiting_message_verdict;
  enter_state(ServerState::closed);
  reset_transaction();
  input_.clear();
  events_.push_back(SessionClosed{std::string(reason), open_transaction});
}

bool ServerSession::auth_offered() const { return options_.mode != ServerMode::relay || options_.offer_auth_on_relay; }

ServerSession::OfferedExtensions ServerSession::offered_extensions() const {
  OfferedExtensions offered;
  auto offer = [&offered](std::string_view keyword) { offered.keywords[offered.count++] = keyword; };
  offer("PIPELINING");  // RFC 2920
  offer(size_keyword_);  // RFC 1870
  if (options_.offer_starttls && !session_->tls) offer("STARTTLS");  // RFC 3207 §4.2
  if (auth_offered() && (session_->tls || options_.advertise_auth_without_tls) && session_->authenticated_user.empty()) {
    offer("AUTH PLAIN LOGIN");  // RFC 4954
  }
  if (options_.enhanced_status_codes) offer("ENHANCEDSTATUSCODES");  // RFC 2034
  offer("8BITMIME");  // RFC 6152
  if (options_.offer_dsn) offer("DSN");  // RFC 3461 §4
  return offered;
}

std::vector<std::string> ServerSession::extensions() const {
  const OfferedExtensions offered = offered_extensions();
  return {offered.keywords.begin(), offered.keywords.begin() + static_cast<std::ptrdiff_t>(offered.count)};
}

}  // namespace maillab::smtp
