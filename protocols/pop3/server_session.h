#pragma once
// A POP3 server session (RFC 1939, with CAPA from RFC 2449), sans-I/O: the caller feeds the bytes
// the client sent with handle_bytes(), sends whatever poll_output() returns, and reads events for
// the trace with poll_event(). One session per TCP connection (port 110, or 995 under TLS, which
// is the host's business).
//
// States (RFC 1939 §3):
//   AUTHORIZATION --USER/PASS or APOP ok--> TRANSACTION --QUIT--> UPDATE --> closed
//   AUTHORIZATION --QUIT--> closed (nothing changes)
//   any state --connection dropped (handle_close)--> closed, no deletion applied (§6)
// Deletions (DELE) are only marks until QUIT in TRANSACTION enters UPDATE; RSET clears them.
// The maildrop is locked from a successful login until the session ends (§8), so a second POP3
// session for the same user gets "-ERR [IN-USE] ...".

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/common/ascii_case.h"
#include "protocols/common/line_reader.h"
#include "protocols/pop3/events.h"
#include "protocols/store/mail_store.h"

namespace maillab::pop3 {

struct ServerOptions {
  std::string hostname = "pop.example";
  // The APOP timestamp in the greeting (RFC 1939 §7), e.g. "<1896.697170952@pop.example>". The
  // host makes it unique per connection (from the simulated clock and a counter). Empty: no APOP.
  std::string greeting_timestamp;
  std::size_t max_line_length = 512;  // RFC 2449 §4 allows 255 octets for a command; be generous
  // RFC 1939 §3: an inactivity autologout timer, if any, "MUST be of at least 10 minutes'
  // duration". The session owns no clock: the host runs the timer and calls handle_idle_timeout().
  std::int64_t idle_timeout_seconds = 10 * 60;
  // RFC 2595 §4: offer STLS in AUTHORIZATION (the host sets it when it can do TLS), and whether
  // the connection is already under TLS (port 995, RFC 8314 §3).
  bool starttls = false;
  bool tls_active = false;
  // RFC 2595 §4: no password in the clear. Until TLS is on, CAPA leaves out USER and USER gets
  // "-ERR [AUTH]" (APOP, which sends no password, still works). Dovecot's disable_plaintext_auth.
  bool login_requires_tls = false;
};

enum class ServerState { authorization, transaction, update, closed };
const char* to_string(ServerState state);
constexpr std::uint32_t state_bit(ServerState state) { return 1u << static_cast<unsigned>(state); }

// A command line as the handlers get it.
struct CommandArguments {
  std::string line;                // as received (PASS keeps the spaces of its password, §7)
  std::vector<std::string> words;  // the words after the keyword
};

class ServerSession;

// One row of the command table: the keyword, where the rules are, and the states it is valid in
// (otherwise "-ERR command not valid in ... state").
struct ServerCommand {
  std::string_view keyword;
  std::string_view reference;
  std::string_view summary;
  std::uint32_t allowed_states;  // state_bit()s
  void (ServerSession::*handler)(const CommandArguments& command);
};

class ServerSession {
 public:
  ServerSession(store::MailStore& store, ServerOptions options = {});
  ~ServerSession();  // releases the maildrop lock; applies no deletions
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Bytes from the client; partial lines are kept until their CRLF (a bare LF is accepted).
  void handle_bytes(std::string_view bytes);
  // The connection dropped (or was aborted): no UPDATE, the lock is released (RFC 1939 §6).
  void handle_close();
  // No command for options.idle_timeout_seconds: closed without a reply and without UPDATE
  // (RFC 1939 §3), the lock released. The caller closes the connection.
  void handle_idle_timeout();

  std::string poll_output();            // bytes to send to the client (empty if none)
  std::optional<Event> poll_event();    // one trace event at a time

  ServerState state() const { return state_; }
  // True once QUIT has been answered: send the remaining output, then close the connection.
  bool closed() const { return state_ == ServerState::closed; }
  const std::string& user() const { return user_; }
  // True once, right after STLS was answered "+OK": the host sends the output it has, then
  // starts the TLS handshake. Input that came with STLS is discarded (nothing sent in the clear
  // may count after it; CVE-2011-0411).
  bool take_tls_request() { return std::exchange(tls_requested_, false); }
  bool tls_active() const { return options_.tls_active; }
  bool login_disabled() const { return options_.login_requires_tls && !options_.tls_active; }

  static std::span<const ServerCommand> command_table();

 private:
  struct Entry {
    std::uint32_t uid = 0;
    std::uint64_t size = 0;
    bool deleted = false;
  };

  void handle_line(const std::string& line);  // dispatch through command_table()
  void reply(const std::string& line);        // one line, CRLF added
  void send_multiline(const std::string& first_line, const std::string& body);  // stuffed, "."
  void emit(EventKind kind, std::string text);
  void enter_state(ServerState state);
  void end_without_update(const std::string& why);  // lock released, DELE marks dropped (§6)

  // ---- commands (server_commands.cpp) ----
  void command_user(const CommandArguments& command);
  void command_pass(const CommandArguments& command);
  void command_apop(const CommandArguments& command);
  void command_capa(const CommandArguments& command);
  void command_stls(const CommandArguments& command);
  void command_stat(const CommandArguments& command);
  void command_list(const CommandArguments& command);
  void command_uidl(const CommandArguments& command);
  void command_retr(const CommandArguments& command);
  void command_top(const CommandArguments& command);
  void command_dele(const CommandArguments& command);
  void command_rset(const CommandArguments& command);
  void command_noop(const CommandArguments& command);
  void command_quit(const CommandArguments& command);
  void list_messages(const std::vector<std::string>& arguments, bool unique_ids);  // LIST, UIDL
  void send_message(const std::vector<std::string>& arguments, bool top);          // RETR, TOP
  bool open_maildrop(const std::string& user);  // lock + snapshot; replies on failure
  // Parses a message number and checks it exists and is not deleted; replies -ERR otherwise.
  Entry* message_argument(const std::string& argument);
  std::string uidl_of(const Entry& entry) const;

  store::MailStore& store_;
  ServerOptions options_;
  ServerState state_ = ServerState::authorization;
  common::LineReader input_;
  std::string output_;
  std::deque<Event> events_;
  std::string pending_user_;   // from USER, waiting for PASS
  std::string user_;           // the logged-in user
  bool holds_lock_ = false;
  bool tls_requested_ = false;  // STLS answered; the host has not started TLS yet
  std::uint32_t uid_validity_ = 0;
  std::vector<Entry> maildrop_;  // snapshot of INBOX at login; message n is maildrop_[n-1]
};

// Byte-stuffs a message for a multi-line response (RFC 1939 §3): CRLF line ends, a leading "."
// doubled, ends with CRLF (the terminating ".\r\n" is not included).
std::string byte_stuff(std::string_view message);
// The inverse for a client: undoubles leading "." (the terminator line is not included).
std::string byte_unstuff(std::string_view stuffed);

}  // namespace maillab::pop3
