#include "protocols/imap/client_session.h"

#include <algorithm>

#include "protocols/common/take_front.h"
#include "protocols/imap/syntax.h"

namespace maillab::imap {

namespace {

// The client maps message sequence numbers to UIDs in a dense table (RFC 3501 §2.3.1.2: they run
// 1..EXISTS). A hostile or broken server must not make it allocate for billions of messages
// (found by fuzz_imap_client: a FETCH numbered 888...882 asked for 16 GB); no real mailbox is near this.
constexpr std::uint32_t max_messages = 1'000'000;

}  // namespace

ClientSession::ClientSession(ClientOptions options)
    : options_(std::move(options)), runner_(options_.user, options_.password, options_.starttls) {
  runner_.on_event = [this](Event event) { events_.push_back(std::move(event)); };
  runner_.on_untagged = [this](const std::string& text) { handle_untagged(text); };
}

// ---- the operation queue ----------------------------------------------------------------------

void ClientSession::enqueue(Operation operation) {
  if (finished()) return;
  operations_.push_back(std::move(operation));
  start_next();
}

void ClientSession::start_next() {
  if (finished() || operation_running_ || operations_.empty()) return;
  Operation operation = std::move(operations_.front());
  operations_.pop_front();
  operation_running_ = true;
  operation();  // its commands wait in the runner behind LOGIN until the session is logged in
}

// The session failed before this command was answered: the runner has said why; drop the rest.
bool ClientSession::aborted(const CommandCompletion& done) {
  if (!done.aborted()) return false;
  operation_running_ = false;
  operations_.clear();
  return true;
}

void ClientSession::report(const std::string& what, const CommandCompletion& done) {
  events_.push_back(Event{done.ok() ? EventKind::operation_done : EventKind::error,
                          what + (done.ok() ? "" : " failed: " + done.status + " " + done.text)});
}

void ClientSession::finish_operation(const std::string& what, const CommandCompletion& done) {
  report(what, done);
  operation_running_ = false;
  start_next();
}

void ClientSession::simple_operation(std::string command, std::string what) {
  enqueue([this, command = std::move(command), what = std::move(what)] {
    runner_.command(command, [this, what](const CommandCompletion& done) {
      if (!aborted(done)) finish_operation(what, done);
    });
  });
}

// ---- operations -------------------------------------------------------------------------------

void ClientSession::sync() {
  enqueue([this] {
    if (selected_) {
      // Already selected: NOOP first, so the server reports new mail (EXISTS) before we
      // search; a search alone only sees what this session was already told about.
      return runner_.command("NOOP", [this](const CommandCompletion& done) {
        if (!aborted(done)) search_new();
      });
    }
    runner_.command("SELECT " + astring(options_.mailbox), [this](const CommandCompletion& done) {
      if (aborted(done)) return;
      if (!done.ok()) return finish_operation("sync " + options_.mailbox, done);
      selected_ = true;
      events_.push_back(Event{EventKind::state_changed, "SELECTED " + options_.mailbox});
      search_new();
    });
  });
}

void ClientSession::search_new() {
  const std::uint32_t last = messages_.empty() ? 0 : messages_.rbegin()->first;
  runner_.command("UID SEARCH UID " + std::to_string(last + 1) + ":*", [this](const CommandCompletion& done) {
    if (aborted(done)) return;
    if (!done.ok()) return finish_operation("sync " + options_.mailbox, done);
    // "n:*" always matches the highest UID even if it is below n (§6.4.8): filter.
    const std::uint32_t last = messages_.empty() ? 0 : messages_.rbegin()->first;
    std::vector<std::uint32_t> wanted;
    for (const auto& line : done.untagged) {
      if (auto found = read_search(line)) {
        wanted.clear();
        for (std::uint32_t uid : *found)
          if (uid > last && !messages_.count(uid)) wanted.push_back(uid);
      }
    }
    if (wanted.empty()) return fetch_flags();
    std::sort(wanted.begin(), wanted.end());
    const std::string items =
        options_.fetch_bodies ? " (UID FLAGS RFC822.SIZE BODY.PEEK[])" : " (UID FLAGS RFC822.SIZE ENVELOPE)";
    runner_.command("UID FETCH " + format_sequence_set(wanted) + items, [this](const CommandCompletion& fetched) {
      if (aborted(fetched)) return;
      if (!fetched.ok()) report("fetch new messages", fetched);
      fetch_flags();
    });
  });
}

void ClientSession::fetch_flags() {
  // Sent at once (nothing else is in flight): the numbering is rebuilt from its answers.
  flag_sync_running_ = true;
  flag_sync_seen_.clear();
  sequence_to_uid_.clear();
  runner_.command("UID FETCH 1:* (UID FLAGS)", [this](const CommandCompletion& done) {
    flag_sync_running_ = false;
    if (aborted(done)) return;
    if (done.ok()) {
      // Messages we hold that the server no longer lists were removed elsewhere.
      for (auto it = messages_.begin(); it != messages_.end();) {
        if (!flag_sync_seen_.count(it->first)) {
          events_.push_back(Event{EventKind::flags_changed, std::to_string(it->first) + " expunged"});
          it = messages_.erase(it);
        } else {
          ++it;
        }
      }
    }
    finish_operation("sync " + options_.mailbox, done);
  });
}

void ClientSession::mark_seen(std::uint32_t uid) { set_flag(uid, "\\Seen", true); }

void ClientSession::set_flag(std::uint32_t uid, const std::string& flag, bool add) {
  const std::string sign = add ? "+" : "-";
  simple_operation("UID STORE " + std::to_string(uid) + " " + sign + "FLAGS (" + flag + ")",
                   "store " + sign + flag + " on UID " + std::to_string(uid));
}

void ClientSession::create_folder(const std::string& name) { simple_operation("CREATE " + astring(name), "create " + name); }

void ClientSession::list_folders() {
  enqueue([this] {
    runner_.command("LIST \"\" \"*\"", [this](const CommandCompletion& done) {
      if (aborted(done)) return;
      if (done.ok()) {
        folders_.clear();
        for (const auto& line : done.untagged)
          if (auto name = read_list_name(line)) folders_.push_back(*name);
      }
      finish_operation("list folders", done);
    });
  });
}

void ClientSession::append(const std::string& folder, const std::string& bytes, const std::string& flags) {
  // RFC 3501 §6.3.11 with a LITERAL+ literal (RFC 7888): the message follows at once.
  std::string command = "APPEND " + astring(folder) + (flags.empty() ? "" : " (" + flags + ")") + " {" +
                        std::to_string(bytes.size()) + "+}\r\n" + bytes;
  simple_operation(std::move(command), "append to " + folder);
}

void ClientSession::move(std::uint32_t uid, const std::string& folder) {
  enqueue([this, uid, folder] {
    const std::string what = "move UID " + std::to_string(uid) + " to " + folder;
    const std::string number = std::to_string(uid);
    runner_.command("UID COPY " + number + " " + astring(folder), [this, what, number](const CommandCompletion& copied) {
      if (aborted(copied)) return;
      if (!copied.ok()) return finish_operation(what, copied);
      runner_.command("UID STORE " + number + " +FLAGS.SILENT (\\Deleted)", [this, what](const CommandCompletion& stored) {
        if (aborted(stored)) return;
        if (!stored.ok()) return finish_operation(what, stored);
        runner_.command("EXPUNGE", [this, what](const CommandCompletion& expunged) {
          if (!aborted(expunged)) finish_operation(what, expunged);
        });
      });
    });
  });
}

void ClientSession::expunge() {
  enqueue([this] {
    auto expunge_now = [this] {
      runner_.command("EXPUNGE", [this](const CommandCompletion& done) {
        if (!aborted(done)) finish_operation("expunge " + options_.mailbox, done);
      });
    };
    if (selected_) return expunge_now();
    // RFC 3501 §6.4.3: EXPUNGE needs a selected mailbox.
    runner_.command("SELECT " + astring(options_.mailbox), [this, expunge_now](const CommandCompletion& done) {
      if (aborted(done)) return;
      if (!done.ok()) return finish_operation("expunge " + options_.mailbox, done);
      selected_ = true;
      events_.push_back(Event{EventKind::state_changed, "SELECTED " + options_.mailbox});
      expunge_now();
    });
  });
}

void ClientSession::noop() { simple_operation("NOOP", "noop"); }
void ClientSession::logout() { simple_operation("LOGOUT", "logout"); }

std::vector<std::uint32_t> ClientSession::take_new_messages() {
  std::vector<std::uint32_t> out;
  out.swap(new_messages_);
  return out;
}

// ---- I/O --------------------------------------------------------------------------------------

void ClientSession::handle_bytes(std::string_view bytes) { runner_.handle_bytes(bytes); }
void ClientSession::handle_close() { runner_.handle_close(); }
std::string ClientSession::poll_output() { return runner_.poll_output(); }

std::optional<Event> ClientSession::poll_event() {
  return common::take_front(events_);
}

// ---- untagged updates -------------------------------------------------------------------------

void ClientSession::expunge_sequence(std::uint32_t sequence) {
  if (sequence == 0 || sequence > sequence_to_uid_.size()) return;
  const std::uint32_t uid = sequence_to_uid_[sequence - 1];
  sequence_to_uid_.erase(sequence_to_uid_.begin() + sequence - 1);
  if (uid && messages_.erase(uid)) {
    events_.push_back(Event{EventKind::flags_changed, std::to_string(uid) + " expunged"});
  }
}

void ClientSession::handle_untagged(const std::string& text) {
  if (auto validity = read_uid_validity(text)) {
    if (uid_validity_ != 0 && *validity != uid_validity_) {
      // RFC 3501 §2.3.1.1: the UIDs we cached mean nothing any more.
      messages_.clear();
      events_.push_back(Event{EventKind::flags_changed, "UIDVALIDITY changed: local cache cleared"});
    }
    uid_validity_ = *validity;
    return;
  }
  if (auto exists = read_exists(text)) {
    if (*exists > max_messages) {
      events_.push_back(Event{EventKind::error, "server reports " + std::to_string(*exists) +
                                                    " messages, more than this client tracks (" +
                                                    std::to_string(max_messages) + ")"});
      return;
    }
    if (*exists > sequence_to_uid_.size()) sequence_to_uid_.resize(*exists, 0);
    return;
  }
  if (auto expunged = read_expunge(text)) return expunge_sequence(*expunged);
  std::string error;
  if (auto fetched = read_fetch(text, &error)) return handle_fetch(*fetched);
  if (!error.empty()) events_.push_back(Event{EventKind::error, "malformed FETCH response: " + error});
}

void ClientSession::handle_fetch(const FetchedItems& fetched) {
  const std::uint32_t sequence = fetched.sequence;
  if (sequence == 0) return;  // not a valid message number
  if (sequence > max_messages) {
    events_.push_back(Event{EventKind::error, "FETCH for message " + std::to_string(sequence) +
                                                  ", more than this client tracks (" + std::to_string(max_messages) + ")"});
    return;
  }
  std::optional<std::uint32_t> uid = fetched.uid;
  if (sequence > sequence_to_uid_.size()) sequence_to_uid_.resize(sequence, 0);
  if (uid) sequence_to_uid_[sequence - 1] = *uid;
  else if (sequence_to_uid_[sequence - 1]) uid = sequence_to_uid_[sequence - 1];
  if (!uid) return;  // an update for a message we cannot name yet; the next flag sync catches it
  if (flag_sync_running_) flag_sync_seen_.insert(*uid);

  auto found = messages_.find(*uid);
  const bool is_new = found == messages_.end();
  if (is_new && !fetched.body && !fetched.has_envelope) return;  // not downloaded yet: the next sync fetches it
  LocalMessage& message = messages_[*uid];
  message.uid = *uid;
  if (fetched.size) message.size = *fetched.size;
  if (fetched.body) message.bytes = *fetched.body;
  if (fetched.has_envelope) message.envelope = "(envelope)";
  if (fetched.flags) {
    const std::set<std::string> flags(fetched.flags->begin(), fetched.flags->end());
    if (flags != message.flags) {
      message.flags = flags;
      if (!is_new) {
        std::string text;
        for (const auto& flag : message.flags) text += (text.empty() ? "" : " ") + flag;
        events_.push_back(Event{EventKind::flags_changed, std::to_string(*uid) + " (" + text + ")"});
      }
    }
  }
  if (is_new) {
    new_messages_.push_back(*uid);
    events_.push_back(Event{EventKind::message_fetched, std::to_string(*uid) + " " + std::to_string(message.size)});
  }
}

}  // namespace maillab::imap
