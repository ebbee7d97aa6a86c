// The SMTP server side of one connection, sans-I/O (RFC 5321, with RFC 1870 SIZE, RFC 2034
// ENHANCEDSTATUSCODES, RFC 2920 PIPELINING, RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 6152 8BITMIME).
//
// The engine owns the connection and drives the session like quinn-proto:
//   start()              queue the 220 greeting
//   handle_bytes(b)      bytes from the client (any split: partial lines, pipelined commands)
//   poll_output()        bytes to send to the client (replies)
//   poll_event()         what happened: each command line and reply line (for the trace),
//                        verdicts needed, a message accepted, TLS started, closed ...
//   decide(reply)        answer a pending verdict (MAIL FROM, RCPT TO, end of DATA)
//   handle_close()       the connection dropped; closed() says when to close it from this side
//
// Input is framed by common::LineReader (512-octet commands, 1000-octet text lines, CRLF only
// inside DATA). Policy (relay rules, unknown users, quota, SPF, DMARC) is the caller's: the
// session stops at each verdict point (states waiting_*_verdict), keeps buffering pipelined
// input, and continues when decide() is called — possibly later, after a simulated DNS lookup.
// With ServerOptions::policy set, the verdicts are asked synchronously instead.
//
// State diagram (commands that are always allowed — RSET NOOP VRFY HELP QUIT — left out):
//
//   not_started --start()--> waiting_for_hello --EHLO/HELO--> ready <----------------------+
//                               ^                              | AUTH -> auth_* -> ready     |
//                               +---- STARTTLS (220, reset) ---+                            |
//   ready --MAIL--> waiting_sender_verdict --2xx--> sender_accepted                         |
//   sender_accepted/recipients_accepted --RCPT--> waiting_recipient_verdict                 |
//          --2xx--> recipients_accepted  (4xx/5xx: back where it was)                       |
//   recipients_accepted --DATA (354)--> receiving_data --"."--> waiting_message_verdict ----+
//   any --QUIT (221) / shutdown() (421) / too many errors (421)--> closed
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <deque>
#include <memory>
#include <variant>

#include "protocols/common/event_queue.h"
#include "protocols/common/line_reader.h"
#include "protocols/smtp/reply.h"
#include "protocols/smtp/session_types.h"

namespace maillab::smtp {

enum class ServerState : std::uint8_t {
  not_started,                // constructed; start() sends the greeting
  waiting_for_hello,          // greeted (or after STARTTLS): EHLO or HELO expected
  ready,                      // introduced, no mail transaction open
  waiting_sender_verdict,     // MAIL FROM read; the caller decides
  sender_accepted,            // MAIL accepted; RCPT expected
  waiting_recipient_verdict,  // RCPT TO read; the caller decides
  recipients_accepted,        // at least one RCPT accepted; RCPT or DATA expected
  receiving_data,             // 354 sent; message lines until a line with only "."
  waiting_message_verdict,    // the whole message read; the caller decides (queue it or refuse)
  auth_plain_response,        // "334 " sent; the base64 PLAIN response is expected (RFC 4616)
  auth_login_username,        // "334 VXNlcm5hbWU6" (Username:) sent
  auth_login_password,        // "334 UGFzc3dvcmQ6" (Password:) sent
  closed,                     // after QUIT, 421, or the connection dropping
};
std::string_view to_string(ServerState state);

// --- Events (poll_event) ---
struct CommandReceived {  // one line from the client, as received (without CRLF)
  std::string line;
  bool sensitive = false;  // AUTH data (base64 credentials): show with care
};
struct ReplySent {  // one reply line (without CRLF); a multi-line reply gives several
  std::string line;
};
// What the server knew about its client when an event was made, shared by the events of a session
// rather than copied into each (six strings; four events a message): the session changes its own
// copy only when no event still holds it (change_session()), so each event keeps its view.
using SharedSessionInfo = std::shared_ptr<const SessionInfo>;
struct SenderVerdictNeeded {  // MAIL FROM: accept (2xx) or refuse (4xx/5xx) with decide()
  std::string reverse_path;   // "" for <>
  MailParameters parameters;
  SharedSessionInfo session;
};
struct RecipientVerdictNeeded {  // RCPT TO: e.g. 550 5.1.1 unknown user, 554 5.7.1 relay denied
  std::string reverse_path;
  std::string recipient;
  RecipientDsn dsn;  // NOTIFY/ORCPT it carried (RFC 3461)
  std::size_t recipients_accepted = 0;  // before this one
  SharedSessionInfo session;
};
// The text of one received message, unstuffed, CRLF line endings, ending with CRLF. Shared, not
// copied: the verdict may come long after the end of DATA (a policy waits for DNS) and after the
// connection and its session are gone, so the event owns the text rather than viewing the
// session's buffer; MessageAccepted hands on the very same text, one copy per message.
using SharedMessage = std::shared_ptr<const std::string>;
struct MessageVerdictNeeded {  // end of DATA: e.g. 250 queued, 550 5.7.1 DMARC, 552 5.2.2 quota
  Envelope envelope;
  SharedMessage message;
  SharedSessionInfo session;
};
struct MessageAccepted {  // the caller's verdict was 2xx: the MTA is now responsible (§6.1)
  Envelope envelope;
  SharedMessage message;  // the text the verdict was asked about
  SharedSessionInfo session;
  Reply reply;
};
struct MessageRefused {  // end of DATA refused (by the verdict, or 552 size / line too long)
  Envelope envelope;
  Reply reply;
  SharedSessionInfo session;
};
struct TlsStarted {};  // 220 to STARTTLS was queued: the engine marks the connection TLS now
struct AuthenticationSucceeded {
  std::string user;
  std::string mechanism;  // "PLAIN" or "LOGIN"
};
struct AuthenticationFailed {
  std::string user;
  std::string mechanism;
};
struct SessionClosed {
  std::string reason;
  bool transaction_aborted = false;  // a mail transaction was open (nothing was accepted)
};
// The session moved to `state` (one event per change, from enter_state(), as POP3's and IMAP's
// state_changed). The mail host records none of them: its trace tells the dialogue by its command
// and reply lines, and shipped traces have no such records (CONTRIBUTING.md, "A protocol session").
struct StateChanged {
  ServerState state;
};
using ServerEvent = std::variant<CommandReceived, ReplySent, SenderVerdictNeeded, RecipientVerdictNeeded,
                                 MessageVerdictNeeded, MessageAccepted, MessageRefused, TlsStarted,
                                 AuthenticationSucceeded, AuthenticationFailed, SessionClosed, StateChanged>;

// A synchronous policy, for callers that can decide at once. The defaults accept everything.
class ServerPolicy {
 public:
  virtual ~ServerPolicy() = default;
  virtual Reply check_sender(const SenderVerdictNeeded& request);
  virtual Reply check_recipient(const RecipientVerdictNeeded& request);
  virtual Reply check_message(const MessageVerdictNeeded& request);
};

struct ServerOptions {
  std::string hostname = "localhost";
  ServerMode mode = ServerMode::relay;
  std::uint64_t max_message_size = 10 * 1024 * 1024;  // octets (RFC 1870 SIZE); 0 = no limit
  std::size_t max_recipients = 100;                    // RFC 5321 §4.5.3.1.8: at least 100
  std::size_t max_command_line = 512;                  // with CRLF, RFC 5321 §4.5.3.1.4
  std::size_t max_text_line = 1000;                    // with CRLF, RFC 5321 §4.5.3.1.6
  std::size_t max_auth_line = 12288;                   // RFC 4954 §4
  std::size_t max_errors = 20;  // then 421 and close, so junk cannot keep a session forever
  bool offer_starttls = true;   // advertise STARTTLS (until TLS is active)
  bool tls_active = false;      // TLS from the start (implicit_tls mode sets this too)
  bool offer_auth_on_relay = false;  // AUTH is offered on submission/implicit_tls; on port 25 only if set
  // RFC 4954 §4 lets a server hide AUTH until TLS is on; default advertise (and accept) it anyway.
  bool advertise_auth_without_tls = true;
  bool enhanced_status_codes = true;  // RFC 2034
  bool offer_dsn = true;              // RFC 3461: advertise DSN, take RET/ENVID/NOTIFY/ORCPT
  std::string greeting = "ESMTP maillab";
  // User name and password check for AUTH; empty = every attempt fails (535).
  std::function<bool(std::string_view user, std::string_view password)> check_credentials;
  ServerPolicy* policy = nullptr;  // not owned; when set, verdicts are asked synchronously
};

class ServerSession;

// One row of the command table (OpenSMTPD style; POP3 and IMAP have the same shape): the verb, where
// it may be used, and who handles it. The same table answers HELP; tests/smtp checks it.
struct ServerCommand {
  std::string_view verb;
  std::string_view reference;  // where the rules are, e.g. "RFC 5321 §4.1.1.2"
  std::string_view summary;
  std::uint32_t allowed_states;  // bit (1 << ServerState); otherwise 503 5.5.1 bad sequence
  void (ServerSession::*handler)(std::string_view argument);
};
constexpr std::uint32_t state_bit(ServerState state) { return 1u << static_cast<unsigned>(state); }

class ServerSession {
 public:
  ServerSession(ServerOptions config, std::string client_address, std::string client_name = "");

  // --- Commands from the engine ---
  void start();                               // queues "220 host ESMTP ..."
  // The client's reverse-DNS name, when the engine looks it up only after the connection was
  // made (before start(), as Postfix does before its greeting); "" for unknown.
  void set_client_name(std::string name) { change_session().client_name = std::move(name); }
  // The engine's TLS handshake finished: version and cipher, for the Received header.
  void set_tls_summary(std::string summary) { change_session().tls_summary = std::move(summary); }
  void handle_bytes(std::string_view bytes);  // client bytes, split anywhere
  void decide(Reply reply);                   // answer the pending verdict (2xx accepts)
  void accept();                              // decide() with the default positive reply
  void shutdown(std::string_view reason = "");  // 421 4.3.2 and close (RFC 5321 §3.8)
  void handle_close();                        // the client went away

  // --- Output ---
  std::string poll_output();              // bytes to send (empty when none)
  std::optional<ServerEvent> poll_event();  // next event, in order

  // --- Getters ---
  ServerState state() const { return state_; }
  bool waiting_for_verdict() const;
  bool closed() const { return state_ == ServerState::closed; }
  const SessionInfo& session() const { return *session_; }
  const Envelope& envelope() const { return envelope_; }  // the open transaction
  const ServerOptions& options() const { return options_; }
  // Client input held between calls (a partial line): the line limits in ServerOptions bound it.
  std::size_t buffered_bytes() const { return input_.buffered(); }
  std::vector<std::string> extensions() const;  // the EHLO keywords offered right now

  static std::span<const ServerCommand> command_table();

 private:
  // Command handlers (RFC verbs), listed in the command table.
  void handle_ehlo(std::string_view argument);
  void handle_helo(std::string_view argument);
  void handle_mail(std::string_view argument);
  void handle_rcpt(std::string_view argument);
  void handle_data(std::string_view argument);
  void handle_rset(std::string_view argument);
  void handle_noop(std::string_view argument);
  void handle_quit(std::string_view argument);
  void handle_vrfy(std::string_view argument);
  void handle_expn(std::string_view argument);
  void handle_help(std::string_view argument);
  void handle_starttls(std::string_view argument);
  void handle_auth(std::string_view argument);

  void process();  // run buffered input until it runs out, a verdict is pending, or closed
  // Each line views the reader's buffer: used before the next input_ call, never kept.
  void handle_command_line(std::string_view line);
  void handle_data_line(std::string_view line);
  void handle_auth_response(std::string_view line);  // a line while in an auth_* state
  void apply_auth_response(std::string_view line);   // also used for an initial response
  void finish_authentication(std::string user, std::string password, std::string_view mechanism);
  // Every state change goes through here (smoltcp's set_state): one place to watch them, and one
  // StateChanged event per change (none when the state stays, e.g. RSET while ready).
  void enter_state(ServerState state);
  // Every change to session_ goes through here: a copy first while an event still shares it.
  SessionInfo& change_session();
  void request_verdict(ServerEvent request);
  void apply_verdict(Reply reply);
  void send(Reply reply);
  // The reply line just written at output_[start, end) is reported (ReplySent) and ended by CRLF.
  void end_reply_line(std::size_t start);
  void send_error(int code, std::string_view status, std::string_view text);
  void reset_transaction();
  void close(std::string_view reason);
  bool auth_offered() const;
  // The EHLO keywords offered right now, in the reply's order: views of literals and of
  // size_keyword_, so that an EHLO builds no list of strings.
  struct OfferedExtensions {
    std::array<std::string_view, 7> keywords;
    std::size_t count = 0;
  };
  OfferedExtensions offered_extensions() const;
  Reply default_verdict() const;

  ServerOptions options_;
  std::string size_keyword_;  // "SIZE 10485760" (RFC 1870 §4), made once from options_
  ServerState state_ = ServerState::not_started;
  std::shared_ptr<SessionInfo> session_;  // handed to events as SharedSessionInfo
  Envelope envelope_;
  MailParameters parameters_;
  std::size_t recipients_attempted_ = 0;
  std::string pending_recipient_;
  RecipientDsn pending_recipient_dsn_;
  std::string message_;  // the DATA lines so far
  SharedMessage received_;  // message_ once the final "." came, while its verdict is pending
  bool message_too_big_ = false;
  bool message_line_too_long_ = false;
  std::string auth_login_user_;
  std::size_t errors_ = 0;
  // RFC 5321 §4.5.3.1.4-6: an over-long line is answered when its CRLF arrives, after the client
  // has finished sending it (inside DATA, after the final ".").
  common::LineReader input_{common::LineReader::ReportTooLong::at_line_end};
  std::string output_;
  common::EventQueue<ServerEvent> events_;
};

}  // namespace maillab::smtp
