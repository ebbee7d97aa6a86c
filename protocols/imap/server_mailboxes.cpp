// IMAP server session, authenticated state: SELECT/EXAMINE, mailbox management, LIST/LSUB,
// STATUS, APPEND, IDLE (RFC 3501 §6.3, IDLE from RFC 2177, APPENDUID from RFC 4315).

#include <algorithm>
#include <vector>

#include "protocols/imap/server_session.h"

namespace maillab::imap {

namespace {

const char* const system_flags_list = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";

// LIST pattern matching (RFC 3501 §6.3.8): "*" matches anything, "%" anything but the delimiter.
// One pass over the pattern keeping the set of name prefixes matched so far: no recursion (a
// client's pattern can be a 16 MiB literal) and no backtracking blow-up on "*a*a*a...".
bool matches(std::string_view pattern, std::string_view name) {
  std::vector<char> reachable(name.size() + 1, 0);  // reachable[i]: name[0, i) matched
  std::vector<char> next(name.size() + 1, 0);
  reachable[0] = 1;
  char previous = 0;
  for (const char symbol : pattern) {
    const bool is_wildcard = symbol == '*' || symbol == '%';
    // "**", "*%" and "%%" match what their first wildcard matches: skip the repeats, so the
    // work is bounded by the name, not by the pattern's length.
    if (is_wildcard && (previous == '*' || (symbol == '%' && previous == '%'))) continue;
    previous = symbol;
    if (is_wildcard) {
      bool open = false;  // some earlier prefix can stretch to here through this wildcard
      for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i > 0 && symbol == '%' && name[i - 1] == '/') open = false;
        open = open || reachable[i];
        next[i] = open;
      }
    } else {
      next[0] = 0;
      for (std::size_t i = 1; i <= name.size(); ++i)
        next[i] = reachable[i - 1] && name[i - 1] == symbol;
    }
    reachable.swap(next);
    if (std::none_of(reachable.begin(), reachable.end(), [](char r) { return r != 0; })) return false;
  }
  return reachable[name.size()] != 0;
}

}  // namespace

void ServerSession::deselect() {
  selected_.clear();
  view_.clear();
  read_only_ = false;
  if (state_ == ServerState::selected) enter_state(ServerState::authenticated);
}

void ServerSession::command_select(Command& command, bool read_only) {
  const char* verb = read_only ? "EXAMINE" : "SELECT";
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, std::string("BAD usage: ") + verb + " mailbox");
  deselect();  // §6.3.1: a failed SELECT leaves no mailbox selected
  const store::Folder* folder = store_.folder(user_, command.arguments[0].text);
  if (!folder) return tagged(command.tag, "NO [NONEXISTENT] no such mailbox");
  selected_ = folder->name;
  read_only_ = read_only;
  std::size_t recent = 0;
  std::size_t first_unseen = 0;
  for (const auto& message : folder->messages) {
    ViewEntry entry{message.uid, message.flags, false, false};
    // EXAMINE must not change \Recent (§6.3.2): it only looks.
    entry.recent = read_only ? message.recent : store_.claim_recent(user_, selected_, message.uid);
    if (entry.recent) ++recent;
    view_.push_back(entry);
    if (!first_unseen && !(message.flags & store::flag_seen)) first_unseen = view_.size();
  }
  untagged(std::string("FLAGS ") + system_flags_list);
  untagged(std::to_string(view_.size()) + " EXISTS");
  untagged(std::to_string(recent) + " RECENT");
  if (first_unseen) {
    untagged("OK [UNSEEN " + std::to_string(first_unseen) + "] message " +
             std::to_string(first_unseen) + " is the first unseen");
  }
  untagged(std::string("OK [PERMANENTFLAGS ") + (read_only ? "()" : system_flags_list) +
           "] " + (read_only ? "no permanent flags permitted" : "flags permitted"));
  untagged("OK [UIDVALIDITY " + std::to_string(folder->uid_validity) + "] UIDs valid");
  untagged("OK [UIDNEXT " + std::to_string(folder->uid_next) + "] predicted next UID");
  enter_state(ServerState::selected);
  tagged(command.tag, std::string("OK [") + (read_only ? "READ-ONLY" : "READ-WRITE") + "] " +
                          verb + " completed");
}

namespace {

std::string store_failure(store::Status status) {
  switch (status) {
    case store::Status::no_such_folder: return "NO [NONEXISTENT] no such mailbox";
    case store::Status::folder_exists: return "NO [ALREADYEXISTS] mailbox already exists";
    case store::Status::quota_exceeded: return "NO [OVERQUOTA] quota exceeded";
    case store::Status::invalid_name: return "NO [CANNOT] invalid mailbox name";
    case store::Status::cannot_delete_inbox: return "NO [CANNOT] INBOX cannot be deleted";
    case store::Status::has_children:
      return "NO [INUSE] mailbox has inferior hierarchical names: delete them first";
    default: return std::string("NO ") + store::describe(status);
  }
}

}  // namespace

void ServerSession::command_create(Command& command) {
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, "BAD usage: CREATE mailbox");
  std::string name = command.arguments[0].text;
  if (!name.empty() && name.back() == '/') name.pop_back();  // "a/" means a (§6.3.3)
  const store::Status status = store_.create_folder(user_, name);
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, "OK CREATE completed");
}

void ServerSession::command_delete(Command& command) {
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, "BAD usage: DELETE mailbox");
  const std::string name = store::MailStore::canonical_folder_name(command.arguments[0].text);
  const store::Status status = store_.delete_folder(user_, name);
  if (status == store::Status::ok && name == selected_) deselect();
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, "OK DELETE completed");
}

void ServerSession::command_rename(Command& command) {
  if (command.arguments.size() != 2 || !command.arguments[0].is_astring() ||
      !command.arguments[1].is_astring())
    return tagged(command.tag, "BAD usage: RENAME old-name new-name");
  const std::string from = store::MailStore::canonical_folder_name(command.arguments[0].text);
  const store::Status status = store_.rename_folder(user_, from, command.arguments[1].text);
  if (status == store::Status::ok && from == selected_ && from != "INBOX") deselect();
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, "OK RENAME completed");
}

void ServerSession::command_subscribe(Command& command, bool subscribe) {
  if (command.arguments.size() != 1 || !command.arguments[0].is_astring())
    return tagged(command.tag, subscribe ? "BAD usage: SUBSCRIBE mailbox" : "BAD usage: UNSUBSCRIBE mailbox");
  const store::Status status = store_.set_subscribed(user_, command.arguments[0].text, subscribe);
  if (state_ == ServerState::selected) send_updates(true);
  if (status != store::Status::ok) return tagged(command.tag, store_failure(status));
  tagged(command.tag, subscribe ? "OK SUBSCRIBE completed" : "OK UNSUBSCRIBE completed");
}

void ServerSession::command_list(Command& command, bool subscribed_only) {
  const char* verb = subscribed_only ? "LSUB" : "LIST";
  if (command.arguments.size() != 2 || !command.arguments[0].is_astring() ||
      !command.arguments[1].is_astring())
    return tagged(command.tag, std::string("BAD usage: ") + verb + " reference pattern");
  const std::string& reference = command.arguments[0].text;
  const std::string& pattern = command.arguments[1].text;
  if (pattern.empty()) {
    // §6.3.8: an empty pattern asks for the hierarchy delimiter and the root.
    untagged(std::string(verb) + " (\\Noselect) \"/\" \"\"");
  } else {
    const std::string full = reference + pattern;
    const std::vector<std::string> names = store_.folder_names(user_);
    for (const auto& name : names) {
      // INBOX matches case-insensitively (§5.1).
      const std::string candidate_pattern =
          to_upper(full.substr(0, 5)) == "INBOX" ? "INBOX" + full.substr(5) : full;
      if (!matches(candidate_pattern, name)) continue;
      const store::Folder* folder = store_.folder(user_, name);
      if (subscribed_only && (!folder || !folder->subscribed)) continue;
      const bool has_children =
          std::any_of(names.begin(), names.end(), [&](const std::string& other) {
            return other.size() > name.size() + 1 && other.compare(0, name.size() + 1, name + "/") == 0;
          });
      std::string attributes = has_children ? "\\HasChildren" : "\\HasNoChildren";
      // Special-use attributes (RFC 6154) for the default folders.
      if (name == "Sent" || name == "Junk" || name == "Drafts" || name == "Trash")
        attributes += " \\" + name;
      untagged(std::string(verb) + " (" + attributes + ") \"/\" " + astring(name));
    }
  }
  if (state_ == ServerState::selected) send_updates(true);
  tagged(command.tag, std::string("OK ") + verb + " completed");
}

void ServerSession::command_status(Command& command) {
  if (command.arguments.size() != 2 || !command.arguments[0].is_astring() ||
      !command.arguments[1].is_list())
    return tagged(command.tag, "BAD usage: STATUS mailbox (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)");
  const store::Folder* folder = store_.folder(user_, command.arguments[0].text);
  if (!folder) return tagged(command.tag, "NO [NONEXISTENT] no such mailbox");
  std::string items;
  for (const auto& item : command.arguments[1].items) {
    const std::string key = item.keyword();
    std::uint64_t value = 0;
    if (key == "MESSAGES") {
      value = folder->messages.size();
    } else if (key == "RECENT") {
      value = static_cast<std::uint64_t>(std::count_if(folder->messages.begin(), folder->messages.end(),
                                                       [](const store::Message& m) { return m.recent; }));
    } else if (key == "UIDNEXT") {
      value = folder->uid_next;
    } else if (key == "UIDVALIDITY") {
      value = folder->uid_validity;
    } else if (key == "UNSEEN") {
      value = static_cast<std::uint64_t>(std::count_if(
          folder->messages.begin(), folder->messages.end(),
          [](const store::Message& m) { return !(m.flags & store::flag_seen); }));
    } else {
      return tagged(command.tag, "BAD unknown STATUS item " + item.text);
    }
    if (!items.empty()) items += ' ';
    items += key + " " + std::to_string(value);
  }
  untagged("STATUS " + astring(folder->name) + " (" + items + ")");
  if (state_ == ServerState::selected) send_updates(true);
  tagged(command.tag, "OK STATUS completed");
}

void ServerSession::command_append(Command& command) {
  // APPEND mailbox [(flags)] ["date-time"] message-literal
  auto& args = command.arguments;
  if (args.size() < 2 || args.size() > 4 || !args[0].is_astring() ||
      args.back().kind != Value::Kind::string)
    return tagged(command.tag, "BAD usage: APPEND mailbox [(flags)] [\"date-time\"] {size}");
  store::Flags flags = 0;
  std::int64_t date = now_seconds_;
  for (std::size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[i].is_list()) {
      for (const auto& flag : args[i].items) {
        if (auto f = store::flag_from_name(flag.text)) flags |= *f;
        else if (!flag.text.empty() && flag.text[0] == '\\')
          return tagged(command.tag, "BAD invalid flag " + flag.text);
      }
    } else if (args[i].kind == Value::Kind::string) {
      const std::optional<std::int64_t> parsed = parse_date_time(args[i].text);
      if (!parsed) return tagged(command.tag, "BAD invalid date-time " + args[i].text);
      date = *parsed;
    } else {
      return tagged(command.tag, "BAD unexpected APPEND argument " + args[i].text);
    }
  }
  const store::DeliveryResult result =
      store_.deliver(user_, args[0].text, args.back().text, date, flags);
  if (state_ == ServerState::selected) send_updates(true);
  if (result.status == store::Status::no_such_folder)
    return tagged(command.tag, "NO [TRYCREATE] no such mailbox");
  if (result.status != store::Status::ok) return tagged(command.tag, store_failure(result.status));
  // RFC 4315 §3: APPENDUID tells the client the new message's UID (no need to search for it).
  const store::Folder* folder = store_.folder(user_, args[0].text);
  tagged(command.tag, "OK [APPENDUID " + std::to_string(folder ? folder->uid_validity : 0) + " " +
                          std::to_string(result.uid) + "] APPEND completed");
}

void ServerSession::command_idle(Command& command) {
  if (!command.arguments.empty()) return tagged(command.tag, "BAD usage: IDLE");
  idle_tag_ = command.tag;
  continuation("idling");
  if (state_ == ServerState::selected) send_updates(true);
}

}  // namespace maillab::imap
