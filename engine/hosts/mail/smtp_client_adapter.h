// One SMTP delivery attempt over a virtual TCP connection: connect, drive an smtp::ClientSession
// (protocols/smtp/client_session.h) until it finishes, close, report. Used by the MTA to relay
// and by the submission client of scripted `send:` actions.
//
// The SMTP lines themselves are traced by the server side (smtp_server_adapter.h), which sees
// both directions; this side traces only what the server cannot see (a connect failure, a
// timeout). TLS (engine/hosts/tls): from the start on port 465, and after the server's 220 to
// STARTTLS otherwise; the certificate is checked for options.server_name, and a failure the
// options do not accept ends the attempt with 4.7.5.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/net/host.h"
#include "protocols/smtp/client_session.h"

namespace maillab::engine {

struct AttemptResult {
  bool connected = false;       // false: the TCP connection failed (connect_error says why)
  std::string connect_error;    // "refused", "timeout", "unreachable"
  bool timed_out = false;       // the server went silent for longer than the idle timeout
  bool interrupted = false;     // our own host crashed: the attempt is void
  smtp::ClientResult result;    // the session's verdict (outcome in_progress if never connected)
  std::vector<smtp::RecipientOutcome> recipients;  // per recipient, in envelope order
  bool server_offered_dsn = false;  // its EHLO listed DSN (RFC 3461): it reports from here on
};

class SmtpClientAttempt : public std::enable_shared_from_this<SmtpClientAttempt> {
 public:
  using Done = std::function<void(const AttemptResult&)>;

  // Starts at once; `done` is called exactly once, from a simulator event. The attempt reads
  // `message` and holds it until it ends: the MTA passes its queue entry's text (queued_text.h),
  // which a retry or a second exchanger then sends again without a copy.
  static std::shared_ptr<SmtpClientAttempt> start(Host& host, Endpoint server, smtp::ClientOptions options,
                                                  smtp::Envelope envelope, std::shared_ptr<const std::string> message,
                                                  Time idle_timeout, std::string trace_message_id, Done done);

  SmtpClientAttempt(Host& host, Endpoint server, smtp::ClientOptions options, smtp::Envelope envelope,
                    std::shared_ptr<const std::string> message, Time idle_timeout, std::string trace_message_id,
                    Done done);

 private:
  void connect();
  void on_connected(std::shared_ptr<StreamConnection> connection);
  void install_handlers();
  // RFC 8314 §3 on 465, or after the server's 220 to STARTTLS (RFC 3207 §4): the handshake runs
  // on the same connection; the session hears when it is done or why it failed.
  void start_tls();
  void pump();
  void arm_timer();
  void wait_idle(Time wait);
  void on_timeout();
  void finish(AttemptResult result);

  Host& host_;
  Endpoint server_;
  smtp::ClientOptions options_;
  std::string trace_message_id_;
  Time idle_timeout_;
  smtp::ClientSession session_;
  std::shared_ptr<StreamConnection> connection_;
  Simulator::EventId timer_ = 0;
  Time idle_since_ = 0;  // the last byte from the server (or the connection)
  bool finished_ = false;
  bool timed_out_ = false;
  Done done_;
};

}  // namespace maillab::engine
