// The mail client's IMAP driver: a small sans-I/O command runner (no sockets, no clock). It waits
// for the greeting, logs in, then sends queued commands one at a time and hands each command's
// untagged responses and tagged completion to a callback, which may queue the next commands.
//
// Why not imap::ClientSession: the device needs LIST (to learn folders another device created),
// APPEND (a copy in Sent) and EXPUNGE (delete), which that session's fixed operations do not
// offer; this runner lets the client compose any command of the server's subset
// (protocols/imap/README.md) while reusing the shared IMAP syntax code for parsing.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::engine {

struct ImapCompletion {
  std::string status;                  // "OK", "NO", "BAD", or "" when the connection failed
  std::string text;                    // the rest of the tagged line
  std::vector<std::string> untagged;   // "* " stripped; literals kept inline ("{n}\r\n" + bytes)
  bool ok() const { return status == "OK"; }
};

class ImapCommandQueue {
 public:
  using Then = std::function<void(const ImapCompletion&)>;

  ImapCommandQueue(std::string user, std::string password);

  // Queues a command (without tag and CRLF; may carry a non-synchronizing literal "{n+}\r\n...").
  // `shown` is what traces may print (passwords masked); empty means the command itself.
  void command(std::string text, Then then = {});

  void handle_bytes(std::string_view bytes);
  void handle_close();
  std::string poll_output();

  bool logged_in() const { return logged_in_; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  // Nothing sent and unanswered, nothing queued.
  bool idle() const { return greeted_ && !in_flight_ && queue_.empty(); }

 private:
  struct Pending {
    std::string text;
    Then then;
  };
  void send_next();
  void handle_response(const std::string& response);
  void fail(const std::string& reason);

  std::string input_;
  std::string pending_response_;
  std::uint64_t literal_remaining_ = 0;
  std::string output_;
  std::deque<Pending> queue_;
  std::optional<Pending> in_flight_;
  std::string in_flight_tag_;
  std::vector<std::string> untagged_;
  unsigned next_tag_ = 1;
  bool greeted_ = false;
  bool logged_in_ = false;
  bool failed_ = false;
  std::string error_;
};

// Small readers for the responses the client uses.
// `LIST (\HasNoChildren) "/" Archive` -> "Archive"; nullopt for other responses.
std::optional<std::string> imap_list_name(const std::string& untagged);
// `3 EXISTS` -> 3.
std::optional<std::uint32_t> imap_exists(const std::string& untagged);
// `OK [UIDVALIDITY 7] ...` -> 7.
std::optional<std::uint32_t> imap_uid_validity(const std::string& untagged);

struct ImapFetched {
  std::uint32_t uid = 0;
  std::vector<std::string> flags;   // "\\Seen", ... (\Recent left out)
  bool has_flags = false;
  std::optional<std::string> body;  // BODY[] / RFC822
};
// `n FETCH (UID 5 FLAGS (\Seen) BODY[] {12}\r\n...)`; nullopt for other responses.
std::optional<ImapFetched> imap_fetched(const std::string& untagged);

}  // namespace maillab::engine
