// The SMTP client side of one delivery attempt, sans-I/O (RFC 5321 §3, with PIPELINING RFC 2920,
// STARTTLS RFC 3207, AUTH PLAIN/LOGIN RFC 4954, SIZE RFC 1870, 8BITMIME RFC 6152).
//
// The engine connects, then drives it like the server:
//   handle_bytes(b)            bytes from the server (any split)
//   poll_output()              bytes to send
//   poll_event()               each command line sent and reply line received (for the trace),
//                              StartTlsRequested, MessageSent, DeliveryFinished
//   handle_tls_established()   after StartTlsRequested, once the engine's TLS handshake is done
//   handle_tls_failed(reason)  instead, when that handshake failed
//   handle_close()             the connection dropped (or the engine timed out and closed it)
// When finished(), close the connection; recipients() tells, per recipient, delivered /
// temporary failure (retry later) / permanent failure (bounce), with the server's reply.
//
// The dialogue, one state per reply awaited:
//   waiting_for_greeting -220-> EHLO -250-> [STARTTLS -220-> tls_handshake -> EHLO again]
//     [AUTH -235->] MAIL -250-> RCPT (each) -> DATA -354-> message + "." -250-> QUIT -221-> finished
//   EHLO answered 5xx: HELO instead. With PIPELINING: MAIL, every RCPT and DATA go in one batch
//   and the replies are matched in order (RFC 2920 §3.1). A 421 at any point ends the session
//   (temporary failure for everyone not yet delivered); any other 4xx/5xx ends the transaction
//   and the client says QUIT.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/common/event_queue.h"
#include "protocols/common/line_reader.h"
#include "protocols/smtp/reply.h"
#include "protocols/smtp/session_types.h"

namespace maillab::smtp {

enum class ClientState : std::uint8_t {
  waiting_for_greeting,    // connected; the server's 220 is expected
  waiting_ehlo_reply,      // EHLO sent
  waiting_helo_reply,      // HELO sent (the server refused EHLO)
  waiting_starttls_reply,  // STARTTLS sent
  tls_handshake,           // 220 to STARTTLS received; the engine switches TLS on
  waiting_auth_reply,      // AUTH (or a LOGIN step) sent
  waiting_mail_reply,      // MAIL FROM sent
  waiting_rcpt_reply,      // RCPT TO sent
  waiting_data_reply,      // DATA sent; 354 expected
  waiting_message_reply,   // the message and its "." sent; 250 means the server took it
  waiting_quit_reply,      // QUIT sent
  finished,                // done: close the connection
};
std::string_view to_string(ClientState state);

struct ClientOptions {
  std::string hostname = "localhost";  // our name for EHLO/HELO
  bool use_starttls = true;            // STARTTLS when the server offers it (opportunistic)
  bool require_tls = false;            // fail (temporarily) when STARTTLS is not available
  bool tls_active = false;             // TLS from the start (port 465)
  std::string server_name = {};        // the name we believe we talk to: TLS SNI and certificate check
  bool verify_certificate = false;     // a certificate that does not verify ends TLS and the attempt
  bool use_pipelining = true;          // batch MAIL/RCPT/DATA when the server offers PIPELINING
  // CommandSent and ReplyReceived events, one per line: for a host that traces the client's side
  // of the dialogue. The MTA's relay does not (its server side traces both directions) and saves
  // a string per line; the verdict (recipients(), result(), DeliveryFinished) is the same.
  bool line_events = true;
  // The strings say `= {}` so that a designated initializer may leave them out without GCC's
  // -Wmissing-field-initializers (it warns only for members with no initializer of their own).
  std::string auth_user = {};          // non-empty: authenticate (PLAIN, else LOGIN) before MAIL
  std::string auth_password = {};
};

// What the server told us in its EHLO reply.
struct ServerCapabilities {
  bool esmtp = false;
  bool pipelining = false;
  bool starttls = false;
  bool enhanced_status_codes = false;
  bool eight_bit_mime = false;
  bool dsn = false;  // RFC 3461: NOTIFY/ORCPT/RET/ENVID may be sent
  bool size = false;
  std::uint64_t max_size = 0;  // 0 = not announced / unlimited
  std::vector<std::string> auth_mechanisms;  // upper case, e.g. {"PLAIN", "LOGIN"}
};

enum class RecipientStatus : std::uint8_t {
  pending,            // not answered yet
  accepted,           // RCPT got 2xx; the message is not through yet
  delivered,          // the server accepted the message for this recipient (250 after ".")
  temporary_failure,  // 4xx, 421, connection lost: try again later
  permanent_failure,  // 5xx: bounce
};
std::string_view to_string(RecipientStatus status);

struct RecipientOutcome {
  std::string address;
  RecipientStatus status = RecipientStatus::pending;
  Reply reply;                  // the server reply that decided it; code 0 when none (e.g. dropped)
  std::string enhanced_status;  // from the reply, else derived ("4.4.2" for a lost connection)
  std::string stage;            // "greeting", "EHLO", "STARTTLS", "AUTH", "MAIL FROM", "RCPT TO",
                                // "DATA", "end of data", "connection" ...
  std::string reason;           // one line for people, e.g. "connection lost while waiting for ..."
};

enum class DeliveryOutcome : std::uint8_t {
  in_progress,
  delivered,          // the server accepted the message for at least one recipient (see recipients())
  temporary_failure,  // nothing delivered; at least one recipient may be retried
  permanent_failure,  // nothing delivered; every recipient failed permanently
};
std::string_view to_string(DeliveryOutcome outcome);

struct ClientResult {
  DeliveryOutcome outcome = DeliveryOutcome::in_progress;
  std::string stage;   // where the first failure happened ("" when none)
  Reply reply;         // that failure's reply (code 0 when none)
  std::string reason;  // one line for people
};

// --- Events (poll_event) ---
struct CommandSent {  // one command line (without CRLF)
  std::string line;
  bool sensitive = false;  // AUTH credentials
};
struct ReplyReceived {  // one reply line (without CRLF)
  std::string line;
};
struct MessageSent {  // the message went out after 354 (dot-stuffed, with the final ".")
  std::size_t octets = 0;  // bytes on the wire for the message, including the "." line
  std::size_t lines = 0;
};
struct StartTlsRequested {};  // switch the connection to TLS, then call handle_tls_established()
struct DeliveryFinished {
  ClientResult result;
};
using ClientEvent = std::variant<CommandSent, ReplyReceived, MessageSent, StartTlsRequested, DeliveryFinished>;

// RFC 5321 §4.5.2: CRLF line endings, a "." doubled at the start of any line, a final CRLF, and the
// terminating ".\r\n".
std::string dot_stuff(std::string_view message);

class ClientSession {
 public:
  // The message is read, never changed: a text already in canonical form (CRLF line ends, a final
  // CRLF) is kept as given and shared with the caller, which may let go of it at once; any other
  // text is made canonical in a copy of the session's own (RFC 5321 §2.3.8, §4.1.1.4).
  ClientSession(ClientOptions options, Envelope envelope, std::shared_ptr<const std::string> message);
  ClientSession(ClientOptions options, Envelope envelope, std::string message);

  // --- Input ---
  void handle_bytes(std::string_view bytes);
  void handle_tls_established();
  // The TLS handshake failed (a certificate we refused, or the server's alert): nothing more can
  // be said on this connection; every recipient not yet decided fails temporarily with 4.7.5
  // (RFC 3463 X.7.5, cryptographic failure), so the message stays queued.
  void handle_tls_failed(std::string_view reason);
  void handle_close();

  // --- Output ---
  std::string poll_output();
  std::optional<ClientEvent> poll_event();

  // --- Getters ---
  ClientState state() const;
  bool finished() const { return finished_; }
  const ClientResult& result() const { return result_; }
  const std::vector<RecipientOutcome>& recipients() const { return recipients_; }
  const ServerCapabilities& capabilities() const { return capabilities_; }
  bool tls_active() const { return tls_; }
  const Envelope& envelope() const { return envelope_; }

 private:
  struct Expected {
    ClientState state;
    std::size_t recipient = 0;
  };

  void handle_reply(const Reply& reply);
  void on_greeting(const Reply& reply);
  void on_ehlo(const Reply& reply);
  void on_helo(const Reply& reply);
  void on_starttls(const Reply& reply);
  void on_auth(const Reply& reply);
  void on_mail(const Reply& reply);
  void on_rcpt(const Reply& reply, std::size_t index);
  void on_data(const Reply& reply);
  void on_message(const Reply& reply);

  void after_hello();
  void start_transaction();
  std::string rcpt_command(std::size_t index) const;  // RCPT TO:<...> with its DSN parameters
  void send_command(std::string line, ClientState expect, std::size_t recipient = 0, bool sensitive = false);
  void send_message();
  void quit();
  void finish();
  // Every recipient not yet decided (pending or accepted) fails with this reply.
  void fail_undecided(const Reply& reply, std::string_view stage, std::string_view reason = "",
                      std::string_view enhanced_status = "");
  void set_failure(RecipientOutcome& recipient, const Reply& reply, std::string_view stage,
                   std::string_view reason, std::string_view enhanced_status);
  void decide_result();
  bool any_accepted() const;

  ClientOptions options_;
  Envelope envelope_;
  std::shared_ptr<const std::string> message_;  // canonical (CRLF, final CRLF); never null
  std::vector<RecipientOutcome> recipients_;
  ServerCapabilities capabilities_;
  ClientResult result_;
  ReplyParser parser_;
  std::deque<Expected> expected_;
  common::LineReader input_;  // the server's reply lines
  std::string output_;
  common::EventQueue<ClientEvent> events_;
  bool tls_ = false;
  bool tls_handshake_ = false;
  bool starttls_refused_ = false;
  bool authenticated_ = false;
  bool using_login_ = false;
  int login_step_ = 0;
  bool pipelined_ = false;
  bool transaction_failed_ = false;
  bool quit_sent_ = false;
  bool finished_ = false;
};

}  // namespace maillab::smtp
