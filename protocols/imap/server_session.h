#pragma once
// An IMAP4rev1 server session (a documented subset of RFC 3501, see README.md), sans-I/O: feed the
// client's bytes to handle_bytes(), send poll_output(), read poll_event() for the trace. One
// session per connection (port 143, or 993 under TLS, which is the host's business).
//
// States (RFC 3501 §3):
//   not authenticated --LOGIN/AUTHENTICATE--> authenticated --SELECT/EXAMINE--> selected
//   selected --CLOSE/UNSELECT/failed SELECT--> authenticated;  any --LOGOUT--> logout
//
// Other sessions of the same user change the store; this session keeps its own view of the
// selected mailbox (sequence number -> UID, flags) and reports the difference as untagged
// EXPUNGE / EXISTS / RECENT / FETCH (FLAGS) before each tagged reply (§5.2, §7), never EXPUNGE
// during FETCH, STORE or SEARCH (§7.4.1). While idling (RFC 2177) the host calls poll_updates()
// when the store changed (MailStore observer) so the updates are pushed at once.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/common/line_reader.h"
#include "protocols/imap/events.h"
#include "protocols/imap/syntax.h"
#include "protocols/store/mail_store.h"

namespace maillab::imap {

struct ServerOptions {
  std::string hostname = "imap.example";
  std::size_t max_line_length = 8192;          // per line, literals excluded (RFC 7162 §4 advice)
  std::size_t max_literal_size = 16u << 20;     // bytes in one literal
  // A whole command, lines and literals together. Before login only LOGIN and AUTHENTICATE
  // make sense, so an unknown client may not make the server hold more than this.
  std::size_t max_command_size_before_login = 16u << 10;
  std::size_t max_command_size = (16u << 20) + (64u << 10);  // one 16 MiB APPEND and its line
  // RFC 3501 §5.4: an inactivity autologout timer "MUST be at least 30 minutes"; an IDLE-ing
  // client is inactive too (RFC 2177 §3: it re-issues IDLE every 29 minutes). The session owns no
  // clock: the host runs the timer and calls handle_idle_timeout().
  std::int64_t idle_timeout_seconds = 30 * 60;
  // RFC 3501 §6.2.1: offer STARTTLS before login (the host sets it when it can do TLS), and
  // whether the connection is already under TLS (port 993, RFC 8314 §3).
  bool starttls = false;
  bool tls_active = false;
  // RFC 3501 §6.2.3, §11.1: no password in the clear. Until TLS is on, CAPABILITY says
  // LOGINDISABLED (and no AUTH=PLAIN), and LOGIN and AUTHENTICATE get NO [PRIVACYREQUIRED]
  // (RFC 5530 §3). Dovecot's disable_plaintext_auth.
  bool login_requires_tls = false;
};

enum class ServerState { not_authenticated, authenticated, selected, logout };
const char* to_string(ServerState state);
constexpr std::uint32_t state_bit(ServerState state) { return 1u << static_cast<unsigned>(state); }

// A parsed command line, literals included.
struct Command {
  std::string tag;
  std::string name;  // upper case; "UID FETCH" style for UID commands
  std::vector<Value> arguments;
};

class ServerSession;

// One row of the command table (server_commands.cpp): the name, where the rules are, and the
// states it is valid in; otherwise NO (RFC 3501 §6: each command belongs to a state).
struct ServerCommand {
  std::string_view name;
  std::string_view reference;  // e.g. "RFC 3501 §6.3.1"
  std::string_view summary;
  std::uint32_t allowed_states;  // state_bit()s
  void (*run)(ServerSession& session, Command& command);
};

class ServerSession {
 public:
  ServerSession(store::MailStore& store, ServerOptions options = {});
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // The simulated clock in seconds since the epoch: APPEND without a date uses it.
  void set_clock(std::int64_t now_seconds) { now_seconds_ = now_seconds; }

  void handle_bytes(std::string_view bytes);  // partial lines and literals are buffered
  void handle_close();                        // the connection dropped
  // No command for options.idle_timeout_seconds: "* BYE" and logout (RFC 3501 §7.1.5
  // autologout), also in the middle of an IDLE. The caller sends the output, then closes.
  void handle_idle_timeout();
  // The store changed (observer): while idling, push the untagged updates now.
  void poll_updates();

  std::string poll_output();
  std::optional<Event> poll_event();

  ServerState state() const { return state_; }
  bool idling() const { return !idle_tag_.empty(); }
  bool closed() const { return state_ == ServerState::logout; }  // close after sending output
  const std::string& user() const { return user_; }
  const std::string& selected_mailbox() const { return selected_; }
  // True once, right after STARTTLS was answered "OK": the host sends the output it has, then
  // starts the TLS handshake on the connection. Input that came with STARTTLS is discarded
  // (RFC 3501 §6.2.1: nothing sent in the clear may count after it; CVE-2011-0411).
  bool take_tls_request() { return std::exchange(tls_requested_, false); }
  bool tls_active() const { return options_.tls_active; }
  bool login_disabled() const { return options_.login_requires_tls && !options_.tls_active; }
  // Bytes of client input held between calls (a partial line, a command being assembled): the
  // limits above bound it.
  std::size_t buffered_bytes() const { return input_.buffered() + command_text_.size(); }

  static std::span<const ServerCommand> command_table();

 private:
  // This session's picture of the selected mailbox: message n is view_[n-1].
  struct ViewEntry {
    std::uint32_t uid = 0;
    store::Flags flags = 0;
    bool recent = false;
    bool gone = false;  // expunged by someone else, EXPUNGE not yet reported
  };

  // ---- input (server_input.cpp) ----
  void process_input();
  std::size_t command_size_limit() const;
  // Answers an oversized command with BAD [TOOBIG]; closes when its literal's bytes are coming.
  void refuse_command(const std::string& reason, bool bytes_are_coming);
  void handle_command_text(const std::string& text);
  void handle_idle_line(const std::string& line);
  void handle_authenticate_line(const std::string& line);
  void dispatch(Command& command);  // through command_table() (server_commands.cpp)

  // ---- output ----
  void untagged(const std::string& text);           // "* " + text + CRLF
  void tagged(const std::string& tag, const std::string& text);
  void continuation(const std::string& text);       // "+ " + text + CRLF
  void emit(EventKind kind, std::string text);
  void enter_state(ServerState state);
  std::string capabilities() const;
  static std::string first_line(std::string_view text);  // for the trace: a literal's bytes are not shown

  // ---- any state and not authenticated (server_commands.cpp) ----
  void command_capability(Command& command);
  void command_noop(Command& command);  // NOOP and CHECK
  void command_logout(Command& command);
  void command_starttls(Command& command);
  void command_login(Command& command);
  void command_authenticate(Command& command);
  void finish_plain_login(const std::string& tag, const std::string& decoded);

  // ---- authenticated (server_mailboxes.cpp) ----
  void command_select(Command& command, bool read_only);
  void command_create(Command& command);
  void command_delete(Command& command);
  void command_rename(Command& command);
  void command_subscribe(Command& command, bool subscribe);
  void command_list(Command& command, bool subscribed_only);
  void command_status(Command& command);
  void command_append(Command& command);
  void command_idle(Command& command);
  void deselect();

  // ---- selected (server_messages.cpp, server_fetch.cpp, server_search.cpp) ----
  void command_fetch(Command& command, bool by_uid);
  bool mark_seen(ViewEntry& entry, const store::Message& message);  // false: \Seen already, or read-only
  void command_store(Command& command, bool by_uid);
  void command_search(Command& command, bool by_uid);
  void command_copy(Command& command, bool by_uid, bool move);
  void command_expunge(Command& command, bool by_uid);  // UID EXPUNGE: RFC 4315 §2.1
  void command_close(Command& command, bool expunge);
  // View indexes (0-based) of live messages in a sequence set (by number or by UID).
  std::optional<std::vector<std::size_t>> resolve_set(const Value& value, bool by_uid);

  // Reports what changed in the store since the view was taken (see the header comment).
  void send_updates(bool allow_expunge);
  const store::Folder* selected_folder() const;

  store::MailStore& store_;
  ServerOptions options_;
  ServerState state_ = ServerState::not_authenticated;
  std::int64_t now_seconds_ = 0;
  std::string user_;

  common::LineReader input_;
  std::string command_text_;             // the command being assembled (lines + literals)
  std::uint64_t literal_remaining_ = 0;  // literal bytes still expected for command_text_

  std::string output_;
  std::deque<Event> events_;

  bool tls_requested_ = false;           // STARTTLS answered; the host has not started TLS yet

  std::string idle_tag_;                 // non-empty while idling
  std::string authenticate_tag_;         // non-empty while waiting for an AUTHENTICATE response

  std::string selected_;
  bool read_only_ = false;
  std::vector<ViewEntry> view_;
};

}  // namespace maillab::imap
