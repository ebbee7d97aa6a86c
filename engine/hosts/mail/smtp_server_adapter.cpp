#include "engine/hosts/mail/smtp_server_adapter.h"

#include "engine/hosts/mail/mail_trace.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/tls/tls_stream.h"
#include "engine/net/network.h"
#include "protocols/mail/text.h"

#include <utility>

namespace maillab::engine {
namespace {

int reply_code(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    code = code * 10 + (line[i] - '0');
  }
  return code;
}

bool is_last_reply_line(std::string_view line) { return line.size() == 3 || (line.size() > 3 && line[3] == ' '); }

}  // namespace

SmtpServerConnection::SmtpServerConnection(MtaService& mta, Host& host, std::shared_ptr<StreamConnection> connection,
                                           smtp::ServerOptions options, Time idle_timeout)
    : mta_(mta),
      host_(host),
      connection_(std::move(connection)),
      session_(std::move(options), format_address(connection_->remote().address),
               // Without reverse_dns the client's host name stands in for its PTR record; with
               // it, start() looks the name up (reverse_dns.h) and sets it before the greeting.
               mta.config().reverse_dns || mta.config().require_reverse_dns
                   ? std::string()
                   : host_label(host, connection_->remote().address)),
      idle_timeout_(idle_timeout),
      id_(connection_->id()),
      peer_address_(connection_->remote().address),
      peer_name_(host_label(host, connection_->remote().address)) {
  if (Host* peer = host.network().host_at(peer_address_)) peer_is_mta_ = peer->find_service<MtaService>() != nullptr;
}

void SmtpServerConnection::start() {
  if (session_.options().tls_active) {  // port 465 (RFC 8314 §3)
    handshake_pending_ = true;
    start_tls();
  }
  install_handlers();
  std::weak_ptr<SmtpServerConnection> weak = shared_from_this();
  arm_timer();
  if (!mta_.config().reverse_dns && !mta_.config().require_reverse_dns) return greet();
  // Postfix's smtpd looks the client up before its 220 (the lookup ends in a few seconds at
  // most: the stub's tries and timeout), so every later verdict can use the name.
  lookup_client_hostname(host_, mta_.resolver(), peer_address_, peer_name_, [weak](const ClientHostname& found) {
    auto self = weak.lock();
    if (!self || self->closed_) return;
    self->client_hostname_ = found;
    self->session_.set_client_name(found.name);
    self->greet();
  });
}

void SmtpServerConnection::start_tls() {
  auto stream = TlsStream::server(host_, connection_, session_.options().hostname);
  std::weak_ptr<SmtpServerConnection> weak = shared_from_this();
  stream->on_established = [weak](const tls::HandshakeDone& done) {
    auto self = weak.lock();
    if (!self) return;
    self->session_.set_tls_summary(tls::describe_protocol_and_cipher(done));
    self->handshake_pending_ = false;
    if (std::exchange(self->greet_when_established_, false)) self->greet();
  };
  connection_ = std::move(stream);
}

void SmtpServerConnection::install_handlers() {
  std::weak_ptr<SmtpServerConnection> weak = shared_from_this();
  connection_->on_data = [weak](std::string_view bytes) {
    if (auto self = weak.lock()) self->on_data(bytes);
  };
  connection_->on_closed = [weak](CloseReason) {
    auto self = weak.lock();
    if (!self || self->closed_) return;
    self->session_.handle_close();
    self->pump();
    self->close_down();
  };
}

void SmtpServerConnection::greet() {
  if (handshake_pending_) {
    greet_when_established_ = true;
    return;
  }
  greeted_ = true;
  session_.start();
  if (!early_input_.empty()) session_.handle_bytes(std::exchange(early_input_, {}));
  pump();
}

void SmtpServerConnection::drop() {
  closed_ = true;
  cancel_timers();
}

void SmtpServerConnection::cancel_timers() {
  for (Simulator::EventId* timer : {&timer_, &resume_timer_}) {
    host_.simulator().cancel_timer(*timer);
  }
}

void SmtpServerConnection::on_data(std::string_view bytes) {
  if (closed_) return;
  arm_timer();
  if (!greeted_) {  // talking before the greeting: kept for the session once it starts
    early_input_.append(bytes);
    return;
  }
  session_.handle_bytes(bytes);
  pump();
}

void SmtpServerConnection::pump() {
  if (closed_) return;
  std::size_t commands = 0;
  for (;;) {
    // Replies first, so that the 220 to STARTTLS leaves in plain text before TLS is switched on.
    if (auto output = session_.poll_output(); !output.empty() && connection_->is_open()) connection_->send(output);
    auto event = session_.poll_event();
    if (!event) break;
    if (std::holds_alternative<smtp::CommandReceived>(*event)) ++commands;
    handle_event(*event);
    if (closed_) return;
  }
  if (commands > 0) hold_to_rate(commands);
  if (session_.closed()) {
    if (connection_->is_open()) connection_->close();
    close_down();
  }
}

void SmtpServerConnection::handle_event(smtp::ServerEvent& event) {
  const std::string& me = host_.name();
  if (auto* command = std::get_if<smtp::CommandReceived>(&event)) {
    record_smtp_line(host_, peer_name_, me, id_, command->line);
    if (mail::starts_with_ignoring_case(command->line, "MAIL")) awaiting_mail_reply_ = true;
  } else if (auto* reply = std::get_if<smtp::ReplySent>(&event)) {
    record_smtp_line(host_, me, peer_name_, id_, reply->line);
    const int code = reply_code(reply->line);
    if (awaiting_mail_reply_ && is_last_reply_line(reply->line)) {
      awaiting_mail_reply_ = false;
      // MAIL refused by the session itself (530 5.7.0 no AUTH on 587, 552 5.3.4 SIZE, syntax).
      if (code >= 400) {
        smtp::Reply refused;
        refused.code = code;
        auto [status, text] = smtp::split_enhanced_status(code, reply->line.size() > 4 ? reply->line.substr(4) : "");
        refused.enhanced_status = status;
        refused.lines = {text};
        mta_.note_rejection(*this, "MAIL FROM", refused, 1);
      }
    }
  } else if (auto* sender = std::get_if<smtp::SenderVerdictNeeded>(&event)) {
    awaiting_mail_reply_ = false;
    transaction_ = Transaction{};
    mta_.verdict_sender(*this, *sender, decider(true));
  } else if (auto* recipient = std::get_if<smtp::RecipientVerdictNeeded>(&event)) {
    mta_.verdict_recipient(*this, *recipient, decider(true));
  } else if (auto* message = std::get_if<smtp::MessageVerdictNeeded>(&event)) {
    record_smtp_data(host_, peer_name_, me, id_, *message->message);
    mta_.verdict_message(*this, *message, decider(false));
  } else if (auto* accepted = std::get_if<smtp::MessageAccepted>(&event)) {
    mta_.message_accepted(*this, *accepted);
  } else if (auto* refused = std::get_if<smtp::MessageRefused>(&event)) {
    mta_.note_rejection(*this, "end of DATA", refused->reply, refused->envelope.recipients.size());
  } else if (std::holds_alternative<smtp::TlsStarted>(event)) {
    // The 220 is already queued on the plain connection; the client's ClientHello comes next.
    start_tls();
    install_handlers();
  } else if (auto* failed = std::get_if<smtp::AuthenticationFailed>(&event)) {
    record_mail(host_, {}, "rejected: authentication failed for '" + failed->user + "' (" + failed->mechanism + ")",
                peer_name_);
  }
}

std::function<void(smtp::Reply)> SmtpServerConnection::decider(bool count_refusal) {
  std::weak_ptr<SmtpServerConnection> weak = shared_from_this();
  const std::uint64_t generation = ++verdict_generation_;
  const smtp::ServerState waiting = session_.state();
  return [weak, generation, waiting, count_refusal](smtp::Reply reply) {
    auto self = weak.lock();
    if (!self || self->closed_ || self->verdict_generation_ != generation || self->session_.state() != waiting) return;
    if (!count_refusal || reply.code < 400) {  // the usual answer: nothing to keep a copy of
      self->session_.decide(std::move(reply));
      return self->pump();
    }
    const smtp::Reply given = reply;
    self->session_.decide(std::move(reply));
    self->pump();
    const bool at_mail = waiting == smtp::ServerState::waiting_sender_verdict;
    self->mta_.note_rejection(*self, at_mail ? "MAIL FROM" : "RCPT TO", given, 1);
  };
}

// As the client's (smtp_client_adapter.cpp): one pending timer per connection, which waits out the
// rest of the idle time from the last byte when it comes due, not one per line received.
void SmtpServerConnection::arm_timer() {
  idle_since_ = host_.simulator().now();
  if (!timer_) wait_idle(idle_timeout_);
}

void SmtpServerConnection::wait_idle(Time wait) {
  std::weak_ptr<SmtpServerConnection> weak = shared_from_this();
  timer_ = host_.simulator().schedule_in(wait, [weak] {
    auto self = weak.lock();
    if (!self || self->closed_) return;
    self->timer_ = 0;
    const Time due = self->idle_since_ + self->idle_timeout_;
    if (const Time now = self->host_.simulator().now(); now < due) return self->wait_idle(due - now);
    // RFC 5321 §4.5.3.2: the server should wait at least 5 minutes, then it may give up.
    self->session_.shutdown("idle timeout");
    self->pump();
  });
}

void SmtpServerConnection::hold_to_rate(std::size_t commands) {
  const CommandRate& rate = mta_.command_rate();
  if (!rate.limits()) return;
  Simulator& simulator = host_.simulator();
  const Time wait = commands_.charge(rate, commands, simulator.now());
  if (wait == 0 || resume_timer_ || !connection_->is_open()) return;
  TraceRecord record;
  record.time = simulator.now();
  record.kind = TraceKind::transport;
  record.node = host_.name();
  record.peer = peer_name_;
  record.protocol = "SMTP";
  record.summary = "command rate: more than " + rate.describe() + " from " + peer_name_ + "; not reading for " +
                   format_seconds(wait);
  record.connection = id_;
  simulator.trace().record(std::move(record));
  connection_->pause_reading();
  std::weak_ptr<SmtpServerConnection> weak = shared_from_this();
  resume_timer_ = simulator.schedule_in(wait, [weak] {
    if (auto self = weak.lock()) self->resume_reading();
  });
}

void SmtpServerConnection::resume_reading() {
  resume_timer_ = 0;
  if (closed_) return;
  std::weak_ptr<SmtpServerConnection> weak = shared_from_this();
  if (const Time wait = commands_.charge(mta_.command_rate(), 0, host_.simulator().now()); wait > 0) {
    resume_timer_ = host_.simulator().schedule_in(wait, [weak] {
      if (auto self = weak.lock()) self->resume_reading();
    });
    return;
  }
  connection_->resume_reading();
}

void SmtpServerConnection::close_down() {
  if (closed_) return;
  closed_ = true;
  cancel_timers();
  mta_.connection_closed(id_);
}

}  // namespace maillab::engine
