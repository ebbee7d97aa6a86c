#pragma once
// The lower-level IMAP client, sans-I/O (no sockets, no clock): it frames the server's responses
// (lines and literals), waits for the greeting, logs in, then sends queued commands one at a
// time with tags A1, A2, ... and hands each command's untagged responses and tagged completion to
// a callback, which may queue further commands. Any command of the server's subset
// (README.md) can be sent: the mail client host uses it for LIST, SELECT, UID FETCH, UID STORE,
// UID MOVE, APPEND and EXPUNGE, and imap::ClientSession builds its fixed operations on it.
//
// IDLE (RFC 2177) is the one command that waits for a "+" continuation: idle() sends it, the
// server answers "+ idling" and then pushes untagged EXISTS/EXPUNGE/FETCH (on_untagged) until
// end_idle() sends the bare line "DONE"; the tagged "OK IDLE terminated" completes it.
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
#include <utility>
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
  // With `starttls`, STARTTLS (RFC 3501 §6.2.1) goes first: after its OK the host starts TLS on
  // the connection (take_tls_request()) and calls handle_tls_established(), and only then is
  // LOGIN sent. A server that does not offer STARTTLS gets no password: the session fails.
  CommandRunner(std::string user, std::string password, bool starttls = false);

  // Queues a command: without tag and CRLF; it may carry a non-synchronizing literal
  // "{n+}\r\n<n bytes>" (LITERAL+, RFC 7888), since only IDLE waits for a "+" continuation.
  // `shown` is what the command_sent event says (empty: the command's first line).
  void command(std::string text, Then then = {}, std::string shown = {});

  // Queues IDLE (RFC 2177 §3). `idling` is called when the server's "+" continuation arrives;
  // from then on untagged responses come through on_untagged as the server pushes them. `then`
  // gets the tagged completion after end_idle() (or a refusal, or the failure).
  void idle(std::function<void()> idling, Then then);
  // Ends IDLE with "DONE": at once when idling, else as soon as the "+" arrives (if IDLE is
  // queued or sent). Does nothing when no IDLE is pending.
  void end_idle();

  // ---- I/O ----
  void handle_bytes(std::string_view bytes);  // bytes from the server
  void handle_close();                        // the connection closed
  std::string poll_output();                  // bytes to send
  bool take_tls_request() { return std::exchange(tls_requested_, false); }
  void handle_tls_established();
  void handle_tls_failed(const std::string& reason);

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
  // Between the "+" continuation of IDLE and our DONE.
  bool idling() const { return idling_; }
  // What the server announced, from the greeting's or a tagged OK's [CAPABILITY ...] response
  // code or an untagged CAPABILITY response (RFC 3501 §7.1, §7.2.1); the latest wins (the list
  // may change at login). Empty until the server said any.
  const std::vector<std::string>& capabilities() const { return capabilities_; }
  bool has_capability(std::string_view name) const;

 private:
  struct Pending {
    std::string text;
    std::string shown;
    Then then;
    std::function<void()> continued;  // IDLE only: the "+" arrived
  };
  void send_next();
  void handle_response(const std::string& response);
  void handle_tagged(const std::string& response);
  void fail(const std::string& reason);
  void emit(EventKind kind, std::string text);
  void handle_continuation();
  void send_done();
  void learn_capabilities(const std::string& text, bool untagged);
  void start_tls_or_fail();  // after the greeting, with starttls_

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
  bool idling_ = false;
  bool done_requested_ = false;  // end_idle() came before the "+"
  std::vector<std::string> capabilities_;
  bool starttls_ = false;
  bool tls_wait_ = false;       // STARTTLS answered OK; nothing is sent until TLS is up
  bool tls_requested_ = false;  // for take_tls_request()
};

}  // namespace maillab::imap
