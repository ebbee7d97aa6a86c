#pragma once
// An IMAP client session for the simulated mail client (MUA), sans-I/O. The caller queues
// operations; the session logs in first, then runs them in order, one command at a time:
//
//   sync()          SELECT mailbox (or NOOP when already selected), UID SEARCH UID <last+1>:* for new messages,
//                   UID FETCH <new> (UID FLAGS RFC822.SIZE BODY.PEEK[]) (or ENVELOPE),
//                   UID FETCH 1:* (UID FLAGS) to pick up flags set and messages removed elsewhere
//   mark_seen(uid)  UID STORE uid +FLAGS (\Seen)          (the user read it)
//   set_flag(...)   UID STORE uid +FLAGS/-FLAGS (flag)
//   create_folder   CREATE name
//   move(uid, to)   UID COPY uid to, UID STORE uid +FLAGS.SILENT (\Deleted), EXPUNGE
//   noop()          NOOP (collects untagged EXISTS/EXPUNGE/FETCH updates)
//   logout()        LOGOUT
//
// Untagged updates keep the local view (UID -> flags, size, bytes) current at any time.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/imap/events.h"

namespace maillab::imap {

struct ClientOptions {
  std::string user;
  std::string password;
  std::string mailbox = "INBOX";
  bool fetch_bodies = true;  // false: fetch ENVELOPE only for new messages (headers view)
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

  // ---- operations (queued; they run after login, in order) ----
  void sync();
  void mark_seen(std::uint32_t uid);
  void set_flag(std::uint32_t uid, const std::string& flag, bool add);
  void create_folder(const std::string& name);
  void move(std::uint32_t uid, const std::string& folder);
  void noop();
  void logout();

  // ---- I/O ----
  void handle_bytes(std::string_view bytes);  // bytes from the server
  void handle_close();
  std::string poll_output();                  // bytes to send
  std::optional<Event> poll_event();

  // ---- results ----
  bool logged_in() const { return logged_in_; }
  bool busy() const { return current_.has_value() || !queue_.empty() || !greeted_; }
  bool finished() const { return finished_; }
  bool failed() const { return failed_; }
  const std::string& error() const { return error_; }
  std::uint32_t uid_validity() const { return uid_validity_; }
  const std::map<std::uint32_t, LocalMessage>& messages() const { return messages_; }
  // UIDs of messages fetched since the last call (new mail for the user to see).
  std::vector<std::uint32_t> take_new_messages();

 private:
  enum class StepKind { login, select, sync_noop, search_new, fetch_new, fetch_flags, store, create, copy,
                        store_deleted, expunge, noop, logout };
  struct Step {
    explicit Step(StepKind kind_ = StepKind::noop, std::uint32_t uid_ = 0, std::string text_ = {},
                  bool add_ = true)
        : kind(kind_), uid(uid_), text(std::move(text_)), add(add_) {}
    StepKind kind;
    std::uint32_t uid;
    std::string text;   // flag or folder name
    bool add;
  };

  void enqueue(Step step);
  void start_next();
  void send_command(const std::string& command, const std::string& shown);
  void handle_response(const std::string& response);
  void handle_untagged(const std::string& text);
  void handle_fetch(std::uint32_t sequence, std::string_view attributes);
  void handle_completion(const std::string& status, const std::string& text);
  void fail(const std::string& reason);
  void expunge_sequence(std::uint32_t sequence);

  ClientOptions options_;
  std::string input_;
  std::string pending_response_;  // lines + literals of a response being assembled
  std::uint64_t literal_remaining_ = 0;
  std::string output_;
  std::deque<Event> events_;

  bool greeted_ = false;
  bool logged_in_ = false;
  bool selected_ = false;
  bool finished_ = false;
  bool failed_ = false;
  std::string error_;
  std::deque<Step> queue_;
  std::optional<Step> current_;
  std::string current_tag_;
  unsigned next_tag_ = 1;

  std::uint32_t uid_validity_ = 0;
  std::map<std::uint32_t, LocalMessage> messages_;
  std::vector<std::uint32_t> sequence_to_uid_;  // index = sequence number - 1
  std::vector<std::uint32_t> search_results_;
  std::set<std::uint32_t> flag_sync_seen_;
  std::vector<std::uint32_t> new_messages_;
};

}  // namespace maillab::imap
