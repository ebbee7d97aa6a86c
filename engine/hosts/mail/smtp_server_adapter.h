// Drives one smtp::ServerSession (protocols/smtp/server_session.h) over an accepted virtual TCP
// connection for the MTA: bytes in and out, one `protocol` trace record per command line received
// and per reply line sent (node = the line's sender, peer = its receiver, with the connection
// id), real TLS (engine/hosts/tls) after STARTTLS (RFC 3207) or from the start on port 465 (RFC 8314), an idle
// timeout (RFC 5321 §4.5.3.2), and the verdict points handed to the MtaService.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/hosts/command_rate.h"
#include "engine/hosts/mail/mta_policy.h"
#include "engine/hosts/mail/reverse_dns.h"
#include "engine/net/host.h"
#include "protocols/mail/header.h"
#include "protocols/smtp/server_session.h"

namespace maillab::engine {

class MtaService;

class SmtpServerConnection : public std::enable_shared_from_this<SmtpServerConnection> {
 public:
  // What the MTA learns during one mail transaction (reset at each MAIL).
  struct Transaction {
    std::vector<PolicyVerdict> mail_from_verdicts;
    PolicyVerdict message_verdict;  // headers to prepend and folder, from the message checks
    std::uint64_t declared_size = 0;  // SIZE= of MAIL FROM (RFC 1870), 0 when not given
    std::string queue_id;           // reserved when the message is about to be accepted
    // The text the end-of-DATA verdict was asked about, and its header fields (views into it),
    // read once there and used again when the message is accepted.
    smtp::SharedMessage message;
    std::optional<mail::HeaderIndex> headers;
  };

  SmtpServerConnection(MtaService& mta, Host& host, std::shared_ptr<StreamConnection> connection,
                       smtp::ServerOptions options, Time idle_timeout);

  void start();
  // The host crashed: the connection is already gone; forget everything without a word.
  void drop();

  std::uint64_t id() const { return id_; }
  Host& host() { return host_; }
  const std::string& peer_name() const { return peer_name_; }
  Address peer_address() const { return peer_address_; }
  // Does the client run an MTA of this simulation? Then the message is already in the ledger.
  bool peer_is_mta() const { return peer_is_mta_; }
  Transaction& transaction() { return transaction_; }
  // The reverse-DNS outcome when the MTA has reverse_dns on (set before the greeting), else empty.
  const std::optional<ClientHostname>& client_hostname() const { return client_hostname_; }
  const smtp::ServerSession& session() const { return session_; }

 private:
  void greet();  // start the SMTP session: the 220 greeting
  void install_handlers();
  void start_tls();  // port 465 from the first byte, or after the 220 to STARTTLS (RFC 3207 §4)
  void on_data(std::string_view bytes);
  void pump();
  void handle_event(smtp::ServerEvent& event);
  // The verdict is applied only if the session still waits for this very verdict.
  std::function<void(smtp::Reply)> decider(bool count_refusal);
  void arm_timer();
  void wait_idle(Time wait);
  void close_down();
  // Past the MTA's command rate: the connection is not read until the bucket holds a command.
  void hold_to_rate(std::size_t commands);
  void resume_reading();
  void cancel_timers();  // the idle timer and the command rate's

  MtaService& mta_;
  Host& host_;
  std::shared_ptr<StreamConnection> connection_;
  smtp::ServerSession session_;
  Time idle_timeout_;
  std::uint64_t id_ = 0;
  Address peer_address_ = 0;
  std::string peer_name_;
  bool peer_is_mta_ = false;
  Transaction transaction_;
  std::uint64_t verdict_generation_ = 0;
  bool awaiting_mail_reply_ = false;  // MAIL read; a refusal by the session itself counts
  std::string last_refused_reply_;
  Simulator::EventId timer_ = 0;
  Time idle_since_ = 0;  // the last byte from the client (or the connection)
  CommandBucket commands_;
  Simulator::EventId resume_timer_ = 0;  // reading paused until it fires
  bool closed_ = false;
  bool greeted_ = false;
  // Port 465: the 220 is the first application data and waits for the handshake (RFC 8314 §3).
  bool handshake_pending_ = false;
  bool greet_when_established_ = false;
  std::string early_input_;  // bytes the client sent before the greeting
  std::optional<ClientHostname> client_hostname_;
};

}  // namespace maillab::engine
