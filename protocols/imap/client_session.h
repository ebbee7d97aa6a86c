#pragma once
// An IMAP client session for the simulated mail client (MUA), sans-I/O, built on CommandRunner
// (command_runner.h: framing, tags, LOGIN). The caller queues operations; they run after login,
// in order, each one's commands before the next operation starts:
//
//   sync()          SELECT mailbox (or NOOP when already selected), UID SEARCH UID <last+1>:* for new messages,
//                   UID FETCH <new> (UID FLAGS RFC822.SIZE BODY.PEEK[]) (or ENVELOPE),
//                   UID FETCH 1:* (UID FLAGS) to pick up flags set and messages removed elsewhere
//   mark_seen(uid)  UID STORE uid +FLAGS (\Seen)          (the user read it)
//   set_flag(...)   UID STORE uid +FLAGS/-FLAGS (flag)
//   create_folder   CREATE name
//   list_folders()  LIST "" "*"                           (folders() afterwards)
//   append(...)     APPEND folder [(flags)] {n+} bytes    (e.g. a copy in Sent; LITERAL+, RFC 7888)
//   move(uid, to)   UID COPY uid to, UID STORE uid +FLAGS.SILENT (\Deleted), EXPUNGE
//   expunge()       EXPUNGE in the mailbox (SELECT first when none is selected)
//   noop()          NOOP (collects untagged EXISTS/EXPUNGE/FETCH updates)
//   logout()        LOGOUT
//
// Untagged updates keep the local view (UID -> flags, size, bytes) current at any time.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/imap/client_responses.h"
#include "protocols/imap/command_runner.h"
#include "protocols/imap/events.h"

namespace maillab::imap {

struct ClientOptions {
  std::string user;
  std::string password;
  std::string mailbox = "INBOX";
  bool fetch_bodies = true;  // false: fetch ENVELOPE only for new messages (headers view)
  bool starttls = false;     // STARTTLS before LOGIN, or no login at all (CommandRunner)
};

struct LocalMessage {
  std::uint32_t uid = 0;
  std::set<std::string> flags;  // e.g. "\\Seen"
  std::uint64_t size = 0;
  std::string bytes;            // BODY.PEEK[] when fetch_bodies
  std::string envelope;         // the raw ENVELOPE text when !fetch_bodies
};

class ClientSession {
 public:
  explicit ClientSession(ClientOptions options);
  // The runner's callbacks point at this session: it stays where it was made.
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // ---- operations (queued; they run after login, in order) ----
  void sync();
  void mark_seen(std::uint32_t uid);
  void set_flag(std::uint32_t uid, const std::string& flag, bool add);
  void create_folder(const std::string& name);
  void list_folders();
  // `flags` is a space-separated list such as "\\Seen" (empty: none).
  void append(const std::string& folder, const std::string& bytes, const std::string& flags = {});
  void move(std::uint32_t uid, const std::string& folder);
  void expunge();
  void noop();
  void logout();

  // ---- I/O ----
  void handle_bytes(std::string_view bytes);  // bytes from the server
  void handle_close();
  std::string poll_output();                  // bytes to send
  std::optional<Event> poll_event();
  // STARTTLS was answered OK: start TLS now (once), then call one of these.
  bool take_tls_request() { return runner_.take_tls_request(); }
  void handle_tls_established() { runner_.handle_tls_established(); }
  void handle_tls_failed(const std::string& reason) { runner_.handle_tls_failed(reason); }

  // ---- results ----
  bool logged_in() const { return runner_.logged_in(); }
  bool busy() const { return operation_running_ || !operations_.empty() || !runner_.idle(); }
  bool finished() const { return runner_.logged_out() || runner_.failed(); }
  bool failed() const { return runner_.failed(); }
  const std::string& error() const { return runner_.error(); }
  std::uint32_t uid_validity() const { return uid_validity_; }
  const std::map<std::uint32_t, LocalMessage>& messages() const { return messages_; }
  // Selectable folders from the last list_folders(), in the server's order.
  const std::vector<std::string>& folders() const { return folders_; }
  // UIDs of messages fetched since the last call (new mail for the user to see).
  std::vector<std::uint32_t> take_new_messages();

 private:
  using Operation = std::function<void()>;  // sends an operation's first command

  void enqueue(Operation operation);
  void start_next();
  bool aborted(const CommandCompletion& done);
  void report(const std::string& what, const CommandCompletion& done);
  void finish_operation(const std::string& what, const CommandCompletion& done);
  void simple_operation(std::string command, std::string what);
  void search_new();
  void fetch_flags();
  void handle_untagged(const std::string& text);
  void handle_fetch(const FetchedItems& fetched);
  void expunge_sequence(std::uint32_t sequence);

  ClientOptions options_;
  CommandRunner runner_;
  std::deque<Event> events_;
  std::deque<Operation> operations_;
  bool operation_running_ = false;
  bool selected_ = false;

  std::uint32_t uid_validity_ = 0;
  std::map<std::uint32_t, LocalMessage> messages_;
  std::vector<std::uint32_t> sequence_to_uid_;  // index = sequence number - 1
  bool flag_sync_running_ = false;
  std::set<std::uint32_t> flag_sync_seen_;
  std::vector<std::uint32_t> new_messages_;
  std::vector<std::string> folders_;
};

}  // namespace maillab::imap
