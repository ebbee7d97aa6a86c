#pragma once
// The lower-level IMAP client, sans-I/O (no sockets, no clock): it frames the server's responses
// (lines and literals), waits for the greeting, logs in, then sends queued commands one at a
// time with tags A1, A2, ... and hands each command's untagged responses and tagged completion to
// a callback, which may queue further commands. Any command of the server's subset
// (README.md) can be sent: the mail client host uses it for LIST, SELECT, UID FETCH, UID STORE,
// UID MOVE, APPEND and EXPUNGE, and imap::ClientSession builds its fixed operations on it.
//
// Failure (greeting refused, LOGIN refused, an unsolicited BYE, the connection closing) is final:
// every waiting callback is called once with an empty status, so callers can finish their
// bookkeeping, and later commands are answered the same way at once.
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/imap/events.h"

namespace maillab::imap {

struct CommandCompletion {
  std::string status;                 // "OK", "NO", "BAD", or "" when the session failed first
  std::string text;                   // the rest of the tagged line (or the failure reason)
  std::vector<std::string> untagged;  // "* " stripped; literals kept inline ("{n}\r\n" + bytes)
  bool ok() const { return status == "OK"; }
  bool aborted() const { return status.empty(); }
};

class CommandRunner {
 public:
  using Then = std::function<void(const CommandCompletion&)>;

  // Queues LOGIN (RFC 3501 §6.2.3) as the first command; it is sent once the greeting arrives.
  CommandRunner(std::string user, std::string password);

  // Queues a command: without tag and CRLF; it may carry a non-synchronizing literal
  // "{n+}\r\n<n bytes>" (LITERAL+, RFC 7888), since the runner never waits for "+" continuations.
  // `shown` is what the command_sent event says (empty: the command's first line).
  void command(std::string text, Then then = {}, std::string shown = {});

  // ---- I/O ----
  void handle_bytes(std::string_view bytes);  // bytes from the server
  void handle_close();                        // the connection closed
  std::string poll_output();                  // bytes to send

  // Called for every untagged response as it arrives (after the greeting), before the
  // command's completion: for state that untagged data updates at any time (EXISTS, EXPUNGE,
  // FETCH flags, RFC 3501 §7). The same lines are also collected into the completion.
  std::function<void(const std::string&)> on_untagged;
  // Trace events: command_sent (LOGIN password masked), response_received (first line),
  // state_changed "AUTHENTICATED", error. Dropped when unset.
  std::function<void(Event)> on_event;

  // ---- state ----
  bool greeted() const { return greeted_; }
  bool logged_in() const { return logged_in_; }
  bool logged_out() const { return logged_out_; }  // a LOGOUT was answered
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  // Greeted, nothing sent and unanswered, nothing queued.
  bool idle() const { return greeted_ && !in_flight_ && queue_.empty(); }

 private:
  struct Pending {
    std::string text;
    std::string shown;
    Then then;
  };
  void send_next();
  void handle_response(const std::string& response);
  void handle_tagged(const std::string& response);
  void fail(const std::string& reason);
  void emit(EventKind kind, std::string text);

  std::string input_;
  std::string pending_response_;  // lines + literals of a response being assembled
  std::uint64_t literal_remaining_ = 0;
  std::string output_;
  std::deque<Pending> queue_;
  std::optional<Pending> in_flight_;
  std::string in_flight_tag_;
  std::vector<std::string> untagged_;
  unsigned next_tag_ = 1;
  bool greeted_ = false;
  bool logged_in_ = false;
  bool logged_out_ = false;
  bool failed_ = false;
  std::string error_;
};

}  // namespace maillab::imap
