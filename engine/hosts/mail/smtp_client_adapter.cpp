#include "engine/hosts/mail/smtp_client_adapter.h"

#include "engine/hosts/mail/mail_trace.h"
#include "engine/hosts/tls/tls_stream.h"

namespace maillab::engine {

std::shared_ptr<SmtpClientAttempt> SmtpClientAttempt::start(Host& host, Endpoint server, smtp::ClientOptions options,
                                                            smtp::Envelope envelope,
                                                            std::shared_ptr<const std::string> message,
                                                            Time idle_timeout, std::string trace_message_id,
                                                            Done done) {
  auto attempt = std::make_shared<SmtpClientAttempt>(host, server, std::move(options), std::move(envelope),
                                                     std::move(message), idle_timeout, std::move(trace_message_id),
                                                     std::move(done));
  attempt->connect();
  return attempt;
}

namespace {

// The session's lines are traced by the server side, which sees both directions (the header
// comment): the attempt asks for none of the line events it would only throw away.
smtp::ClientOptions without_line_events(smtp::ClientOptions options) {
  options.line_events = false;
  return options;
}

}  // namespace

SmtpClientAttempt::SmtpClientAttempt(Host& host, Endpoint server, smtp::ClientOptions options, smtp::Envelope envelope,
                                     std::shared_ptr<const std::string> message, Time idle_timeout,
                                     std::string trace_message_id, Done done)
    : host_(host),
      server_(server),
      options_(options),
      trace_message_id_(std::move(trace_message_id)),
      idle_timeout_(idle_timeout),
      session_(without_line_events(std::move(options)), std::move(envelope), std::move(message)),
      done_(std::move(done)) {}

void SmtpClientAttempt::connect() {
  auto self = shared_from_this();
  host_.connect(server_, ConnectHandlers{
      [self](std::shared_ptr<StreamConnection> connection) { self->on_connected(std::move(connection)); },
      [self](ConnectError error) {
        AttemptResult result;
        result.connect_error = std::string(to_string(error));
        result.interrupted = !self->host_.up();
        self->finish(std::move(result));
      }});
}

void SmtpClientAttempt::on_connected(std::shared_ptr<StreamConnection> connection) {
  connection_ = std::move(connection);
  if (options_.tls_active) start_tls();  // port 465: TLS from the first byte (RFC 8314)
  install_handlers();
  arm_timer();
  pump();
}

void SmtpClientAttempt::start_tls() {
  auto stream = TlsStream::client(host_, connection_, {options_.server_name, options_.verify_certificate});
  std::weak_ptr<SmtpClientAttempt> weak = shared_from_this();
  stream->on_established = [weak](const tls::HandshakeDone&) {
    auto self = weak.lock();
    if (!self || self->finished_) return;
    self->session_.handle_tls_established();  // on 465 the session is already in TLS: no-op
    self->pump();
  };
  stream->on_failed = [weak](const std::string& reason) {
    auto self = weak.lock();
    if (!self || self->finished_) return;
    self->session_.handle_tls_failed(reason);
    self->pump();
  };
  connection_ = std::move(stream);
}

void SmtpClientAttempt::install_handlers() {
  auto self = shared_from_this();
  connection_->on_data = [self](std::string_view bytes) {
    if (self->finished_) return;
    self->arm_timer();
    self->session_.handle_bytes(bytes);
    self->pump();
  };
  connection_->on_closed = [self](CloseReason reason) {
    if (self->finished_) return;
    if (reason == CloseReason::host_down) {
      AttemptResult result;
      result.connected = true;
      result.interrupted = true;
      return self->finish(std::move(result));
    }
    self->session_.handle_close();
    self->pump();
  };
}

void SmtpClientAttempt::pump() {
  while (!finished_) {
    bool progressed = false;
    if (auto output = session_.poll_output(); !output.empty()) {
      if (connection_ && connection_->is_open()) connection_->send(output);
      progressed = true;
    }
    while (auto event = session_.poll_event()) {
      progressed = true;
      if (std::holds_alternative<smtp::StartTlsRequested>(*event) && connection_) {
        start_tls();  // RFC 3207 §4: the handshake starts now; EHLO again once it is done
        install_handlers();
      }
    }
    if (session_.finished()) {
      AttemptResult result;
      result.connected = true;
      result.timed_out = timed_out_;
      result.result = session_.result();
      result.recipients = session_.recipients();
      result.server_offered_dsn = session_.capabilities().dsn;
      if (connection_ && connection_->is_open()) connection_->close();
      return finish(std::move(result));
    }
    if (!progressed) return;
  }
}

// Every byte from the server restarts the idle wait. The pending timer is not cancelled and made
// again each time (each would stay queued for the whole timeout: ~20 per message, bench/README.md
// "memory per message"): when it comes due it waits out the rest of the wait from the last byte,
// and so fires exactly `idle_timeout_` after it, as a fresh timer would.
void SmtpClientAttempt::arm_timer() {
  idle_since_ = host_.simulator().now();
  if (!timer_) wait_idle(idle_timeout_);
}

void SmtpClientAttempt::wait_idle(Time wait) {
  std::weak_ptr<SmtpClientAttempt> weak = shared_from_this();
  timer_ = host_.simulator().schedule_in(wait, [weak] {
    auto self = weak.lock();
    if (!self) return;
    const Time due = self->idle_since_ + self->idle_timeout_;
    if (const Time now = self->host_.simulator().now(); now < due) return self->wait_idle(due - now);
    self->on_timeout();
  });
}

void SmtpClientAttempt::on_timeout() {
  timer_ = 0;
  if (finished_) return;
  timed_out_ = true;
  record_mail(host_, trace_message_id_,
              "timeout: " + host_label(host_, server_.address) + " said nothing for " + format_seconds(idle_timeout_) +
                  " s; giving up this connection",
              host_label(host_, server_.address));
  if (connection_ && connection_->is_open()) connection_->abort();
  session_.handle_close();
  pump();
}

void SmtpClientAttempt::finish(AttemptResult result) {
  if (finished_) return;
  finished_ = true;
  host_.simulator().cancel_timer(timer_);
  // Let the connection drop our handlers after the callback that is running now (they hold us).
  auto connection = connection_;
  auto done = std::move(done_);
  host_.simulator().schedule_in(0, [connection, done = std::move(done), result = std::move(result)] {
    if (connection) {
      connection->on_data = nullptr;
      connection->on_closed = nullptr;
    }
    if (done) done(result);
  });
}

}  // namespace maillab::engine
