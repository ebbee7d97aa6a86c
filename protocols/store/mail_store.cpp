#include "protocols/store/mail_store.h"

#include <algorithm>
#include <cctype>

#include "protocols/common/ascii_case.h"

namespace maillab::store {

namespace {

// A folder name is usable if it is non-empty, has no empty hierarchy level, and no control
// characters. "*" and "%" are LIST wildcards (RFC 3501 §6.3.8) so they are refused too.
bool valid_folder_name(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  if (name.find("//") != std::string_view::npos) return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '*' || c == '%') return false;
  }
  return true;
}

const char* default_folders[] = {"INBOX", "Sent", "Junk", "Drafts", "Trash"};

}  // namespace

std::string flags_to_text(Flags flags) {
  static const std::pair<Flag, const char*> names[] = {{flag_seen, "\\Seen"},
                                                       {flag_answered, "\\Answered"},
                                                       {flag_flagged, "\\Flagged"},
                                                       {flag_deleted, "\\Deleted"},
                                                       {flag_draft, "\\Draft"}};
  std::string out;
  for (const auto& [flag, name] : names) {
    if (flags & flag) {
      if (!out.empty()) out += ' ';
      out += name;
    }
  }
  return out;
}

std::optional<Flag> flag_from_name(std::string_view name) {
  const std::string l = common::to_lower(name);
  if (l == "\\seen") return flag_seen;
  if (l == "\\answered") return flag_answered;
  if (l == "\\flagged") return flag_flagged;
  if (l == "\\deleted") return flag_deleted;
  if (l == "\\draft") return flag_draft;
  return std::nullopt;
}

const Message* Folder::find(std::uint32_t uid) const {
  auto it = std::lower_bound(messages.begin(), messages.end(), uid,
                             [](const Message& m, std::uint32_t u) { return m.uid < u; });
  return (it != messages.end() && it->uid == uid) ? &*it : nullptr;
}

Message* Folder::find(std::uint32_t uid) {
  return const_cast<Message*>(static_cast<const Folder&>(*this).find(uid));
}

std::uint64_t Folder::size_bytes() const {
  std::uint64_t total = 0;
  for (const auto& m : messages) total += m.bytes.size();
  return total;
}

const char* describe(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::no_such_user: return "no such user";
    case Status::no_such_folder: return "no such mailbox";
    case Status::no_such_message: return "no such message";
    case Status::folder_exists: return "mailbox already exists";
    case Status::invalid_name: return "invalid mailbox name";
    case Status::cannot_delete_inbox: return "INBOX cannot be deleted";
    case Status::has_children: return "mailbox has inferior hierarchical names";
    case Status::quota_exceeded: return "quota exceeded";
    case Status::bad_password: return "bad password";
    case Status::storage_failed: return "mail storage failed";
  }
  return "unknown";
}

MailStore::MailStore() = default;

// ---- users ------------------------------------------------------------------------------------

MailStore::User* MailStore::find_user(std::string_view name) {
  auto it = users_.find(common::to_lower(name));
  return it == users_.end() ? nullptr : &it->second;
}

const MailStore::User* MailStore::find_user(std::string_view name) const {
  auto it = users_.find(common::to_lower(name));
  return it == users_.end() ? nullptr : &it->second;
}

bool MailStore::add_user(const std::string& name, const std::string& password,
                         std::uint64_t quota_bytes) {
  const std::string key = common::to_lower(name);
  if (key.empty() || users_.count(key) || aliases_.count(key)) return false;
  User& user = users_[key];
  user.name = name;
  user.password = password;
  user.quota_bytes = quota_bytes;
  for (const char* folder : default_folders) make_folder(user, folder);
  return true;
}

bool MailStore::has_user(std::string_view name) const { return find_user(name) != nullptr; }

bool MailStore::check_password(std::string_view name, std::string_view password) const {
  const User* user = find_user(name);
  return user && user->password == password;
}

std::optional<std::string> MailStore::password(std::string_view name) const {
  const User* user = find_user(name);
  if (!user) return std::nullopt;
  return user->password;
}

void MailStore::set_quota(std::string_view name, std::uint64_t quota_bytes) {
  if (User* user = find_user(name)) user->quota_bytes = quota_bytes;
}

void MailStore::set_password(std::string_view name, std::string password) {
  if (User* user = find_user(name)) user->password = std::move(password);
}

std::uint64_t MailStore::quota(std::string_view name) const {
  const User* user = find_user(name);
  return user ? user->quota_bytes : 0;
}

std::uint64_t MailStore::total_size(const User& user) {
  std::uint64_t total = 0;
  for (const auto& [name, folder] : user.folders) total += folder.size_bytes();
  return total;
}

std::uint64_t MailStore::used_bytes(std::string_view name) const {
  const User* user = find_user(name);
  return user ? total_size(*user) : 0;
}

std::vector<std::string> MailStore::users() const {
  std::vector<std::string> out;
  for (const auto& [key, user] : users_) out.push_back(user.name);
  return out;
}

// ---- aliases and forwarding -------------------------------------------------------------------

bool MailStore::add_alias(const std::string& alias, std::vector<std::string> targets) {
  const std::string key = common::to_lower(alias);
  if (key.empty() || users_.count(key)) return false;
  auto& list = aliases_[key];
  for (auto& target : targets) list.push_back(std::move(target));
  return true;
}

void MailStore::set_forward(const std::string& name, std::vector<std::string> addresses,
                            bool keep_local_copy) {
  forwards_[common::to_lower(name)] = ForwardRule{std::move(addresses), keep_local_copy};
}

void MailStore::resolve_into(std::string_view name, Recipients& out,
                             std::set<std::string>& visiting) const {
  const std::string key = common::to_lower(name);
  if (!visiting.insert(key).second) return;  // alias loop: each name expands once
  bool deliver_locally = true;
  if (auto fw = forwards_.find(key); fw != forwards_.end()) {
    out.found = true;  // a forward alone makes the name deliverable
    for (const auto& address : fw->second.addresses) {
      if (std::find(out.forward_to.begin(), out.forward_to.end(), address) == out.forward_to.end())
        out.forward_to.push_back(address);
    }
    deliver_locally = fw->second.keep_local_copy;
  }
  if (auto user = users_.find(key); user != users_.end()) {
    out.found = true;
    if (deliver_locally && std::find(out.local_users.begin(), out.local_users.end(),
                                     user->second.name) == out.local_users.end())
      out.local_users.push_back(user->second.name);
    return;
  }
  if (auto alias = aliases_.find(key); alias != aliases_.end()) {
    out.found = true;
    if (!deliver_locally) return;
    for (const auto& target : alias->second) {
      // A target with '@' that is not local is an external forward.
      if (target.find('@') != std::string::npos) {
        out.forward_to.push_back(target);
      } else {
        resolve_into(target, out, visiting);
      }
    }
  }
}

Recipients MailStore::resolve(std::string_view name) const {
  Recipients out;
  std::set<std::string> visiting;
  resolve_into(name, out, visiting);
  return out;
}

// ---- delivery ---------------------------------------------------------------------------------

DeliveryResult MailStore::deliver(std::string_view user_name, std::string_view folder_name,
                                  MessageBytes bytes, std::int64_t internal_date, Flags flags) {
  User* user = find_user(user_name);
  if (!user) return {Status::no_such_user, 0, "no such user: " + std::string(user_name)};
  Folder* folder = find_folder(*user, folder_name);
  if (!folder) return {Status::no_such_folder, 0, "no such mailbox: " + std::string(folder_name)};
  // Summing the mailbox walks every message the user has: only a user with a quota pays for it.
  if (user->quota_bytes != 0) {
    const std::uint64_t used = total_size(*user);
    if (used + bytes.size() > user->quota_bytes)
      return {Status::quota_exceeded, 0,
              "quota exceeded: " + std::to_string(used) + " + " + std::to_string(bytes.size()) +
                  " bytes > " + std::to_string(user->quota_bytes) + " bytes"};
  }
  Message message;
  if (spool_) {
    MessageSpool::Stored stored = spool_->append(bytes.view());
    if (!stored.error.empty()) return {Status::storage_failed, 0, std::move(stored.error)};
    message.bytes = MessageBytes::spooled(stored.bytes);
  } else {
    message.bytes = std::move(bytes);
  }
  message.uid = folder->uid_next++;
  message.internal_date = internal_date;
  message.flags = flags & all_flags;
  message.recent = true;
  folder->messages.push_back(std::move(message));
  const std::uint32_t uid = folder->messages.back().uid;
  notify(*user, Change::Kind::delivered, folder->name);
  return {Status::ok, uid, ""};
}

RecipientDelivery MailStore::deliver_to(std::string_view recipient, MessageBytes bytes, std::int64_t internal_date) {
  RecipientDelivery out;
  Recipients recipients = resolve(recipient);
  out.found = recipients.found;
  out.forward_to = recipients.forward_to;
  for (const auto& user : recipients.local_users) {
    out.deliveries.emplace_back(user, deliver(user, "INBOX", bytes, internal_date));
  }
  return out;
}

// ---- folders ----------------------------------------------------------------------------------

std::string MailStore::canonical_folder_name(std::string_view name) {
  if (common::equals_ignoring_case(name, "INBOX")) return "INBOX";
  // "inbox/child": the INBOX prefix is case-insensitive too.
  if (name.size() > 6 && common::equals_ignoring_case(name.substr(0, 6), "INBOX/"))
    return "INBOX/" + std::string(name.substr(6));
  return std::string(name);
}

Folder* MailStore::find_folder(User& user, std::string_view name) {
  auto it = user.folders.find(canonical_folder_name(name));
  return it == user.folders.end() ? nullptr : &it->second;
}

Folder& MailStore::make_folder(User& user, const std::string& name) {
  Folder& folder = user.folders[name];
  folder.name = name;
  folder.uid_validity = next_uid_validity_++;
  folder.uid_next = 1;
  folder.messages.clear();
  return folder;
}

std::vector<std::string> MailStore::folder_names(std::string_view user_name) const {
  std::vector<std::string> out;
  const User* user = find_user(user_name);
  if (!user) return out;
  out.push_back("INBOX");
  for (const auto& [name, folder] : user->folders) {
    if (name != "INBOX") out.push_back(name);
  }
  return out;
}

const Folder* MailStore::folder(std::string_view user_name, std::string_view name) const {
  const User* user = find_user(user_name);
  if (!user) return nullptr;
  auto it = user->folders.find(canonical_folder_name(name));
  return it == user->folders.end() ? nullptr : &it->second;
}

Status MailStore::create_folder(std::string_view user_name, std::string_view raw_name) {
  User* user = find_user(user_name);
  if (!user) return Status::no_such_user;
  if (!valid_folder_name(raw_name)) return Status::invalid_name;
  const std::string name = canonical_folder_name(raw_name);
  if (user->folders.count(name)) return Status::folder_exists;
  // Superiors first ("a/b/c" makes "a" and "a/b").
  for (std::size_t slash = name.find('/'); slash != std::string::npos;
       slash = name.find('/', slash + 1)) {
    const std::string superior = name.substr(0, slash);
    if (!user->folders.count(superior)) make_folder(*user, superior);
  }
  make_folder(*user, name);
  notify(*user, Change::Kind::folder_created, name);
  return Status::ok;
}

Status MailStore::delete_folder(std::string_view user_name, std::string_view raw_name) {
  User* user = find_user(user_name);
  if (!user) return Status::no_such_user;
  const std::string name = canonical_folder_name(raw_name);
  if (name == "INBOX") return Status::cannot_delete_inbox;
  auto it = user->folders.find(name);
  if (it == user->folders.end()) return Status::no_such_folder;
  const std::string prefix = name + "/";
  for (const auto& [other, folder] : user->folders) {
    if (other.compare(0, prefix.size(), prefix) == 0) return Status::has_children;
  }
  user->folders.erase(it);
  notify(*user, Change::Kind::folder_deleted, name);
  return Status::ok;
}

Status MailStore::rename_folder(std::string_view user_name, std::string_view raw_from,
                                std::string_view raw_to) {
  User* user = find_user(user_name);
  if (!user) return Status::no_such_user;
  const std::string from = canonical_folder_name(raw_from);
  const std::string to = canonical_folder_name(raw_to);
  if (!user->folders.count(from)) return Status::no_such_folder;
  if (!valid_folder_name(raw_to) || to == "INBOX") return Status::invalid_name;
  if (user->folders.count(to)) return Status::folder_exists;
  if (to.compare(0, from.size() + 1, from + "/") == 0) return Status::invalid_name;  // into itself

  if (from == "INBOX") {
    // RFC 3501 §6.3.5: move all messages to the new name, INBOX stays and is empty.
    if (Status s = create_folder(user_name, to); s != Status::ok) return s;
    Folder& inbox = user->folders["INBOX"];
    Folder& target = user->folders[to];
    for (auto& message : inbox.messages) {
      message.uid = target.uid_next++;
      target.messages.push_back(std::move(message));
    }
    inbox.messages.clear();
    notify(*user, Change::Kind::expunged, "INBOX");
    notify(*user, Change::Kind::folder_renamed, to);
    return Status::ok;
  }
  // Superiors of the new name are created; the folder and its children move.
  for (std::size_t slash = to.find('/'); slash != std::string::npos;
       slash = to.find('/', slash + 1)) {
    const std::string superior = to.substr(0, slash);
    if (!user->folders.count(superior)) make_folder(*user, superior);
  }
  std::vector<std::string> moving;
  const std::string prefix = from + "/";
  for (const auto& [name, folder] : user->folders) {
    if (name == from || name.compare(0, prefix.size(), prefix) == 0) moving.push_back(name);
  }
  for (const auto& old_name : moving) {
    auto node = user->folders.extract(old_name);
    const std::string new_name = to + old_name.substr(from.size());
    node.key() = new_name;
    node.mapped().name = new_name;
    user->folders.insert(std::move(node));
  }
  notify(*user, Change::Kind::folder_renamed, to);
  return Status::ok;
}

Status MailStore::set_subscribed(std::string_view user_name, std::string_view name, bool subscribed) {
  User* user = find_user(user_name);
  if (!user) return Status::no_such_user;
  Folder* folder = find_folder(*user, name);
  if (!folder) return Status::no_such_folder;
  folder->subscribed = subscribed;
  return Status::ok;
}

// ---- messages ---------------------------------------------------------------------------------

const Message* MailStore::message(std::string_view user_name, std::string_view folder_name,
                                  std::uint32_t uid) const {
  const Folder* f = folder(user_name, folder_name);
  return f ? f->find(uid) : nullptr;
}

Status MailStore::change_flags(std::string_view user_name, std::string_view folder_name,
                               std::uint32_t uid, FlagChange how, Flags flags) {
  User* user = find_user(user_name);
  if (!user) return Status::no_such_user;
  Folder* folder = find_folder(*user, folder_name);
  if (!folder) return Status::no_such_folder;
  Message* message = folder->find(uid);
  if (!message) return Status::no_such_message;
  flags &= all_flags;
  Flags updated = message->flags;
  switch (how) {
    case FlagChange::replace: updated = flags; break;
    case FlagChange::add: updated |= flags; break;
    case FlagChange::remove: updated &= ~flags; break;
  }
  if (updated != message->flags) {
    message->flags = updated;
    notify(*user, Change::Kind::flags, folder->name);
  }
  return Status::ok;
}

std::vector<std::uint32_t> MailStore::expunge(std::string_view user_name,
                                              std::string_view folder_name) {
  std::vector<std::uint32_t> removed;
  User* user = find_user(user_name);
  if (!user) return removed;
  Folder* folder = find_folder(*user, folder_name);
  if (!folder) return removed;
  for (const auto& m : folder->messages) {
    if (m.flags & flag_deleted) removed.push_back(m.uid);
  }
  return remove_messages(user_name, folder_name, removed);
}

std::vector<std::uint32_t> MailStore::remove_messages(std::string_view user_name,
                                                      std::string_view folder_name,
                                                      const std::vector<std::uint32_t>& uids) {
  std::vector<std::uint32_t> removed;
  User* user = find_user(user_name);
  if (!user) return removed;
  Folder* folder = find_folder(*user, folder_name);
  if (!folder) return removed;
  const std::set<std::uint32_t> wanted(uids.begin(), uids.end());
  auto& messages = folder->messages;
  auto keep = std::stable_partition(messages.begin(), messages.end(), [&](const Message& m) {
    return !wanted.count(m.uid);
  });
  for (auto it = keep; it != messages.end(); ++it) removed.push_back(it->uid);
  messages.erase(keep, messages.end());
  std::sort(removed.begin(), removed.end());
  if (!removed.empty()) notify(*user, Change::Kind::expunged, folder->name);
  return removed;
}

Status MailStore::copy_messages(std::string_view user_name, std::string_view from,
                                const std::vector<std::uint32_t>& uids, std::string_view to,
                                std::vector<std::uint32_t>* new_uids) {
  User* user = find_user(user_name);
  if (!user) return Status::no_such_user;
  Folder* source = find_folder(*user, from);
  Folder* target = find_folder(*user, to);
  if (!source || !target) return Status::no_such_folder;
  std::vector<const Message*> picked;
  std::uint64_t added = 0;
  for (std::uint32_t uid : uids) {
    if (const Message* m = source->find(uid)) {
      picked.push_back(m);
      added += m->bytes.size();
    }
  }
  if (user->quota_bytes != 0 && total_size(*user) + added > user->quota_bytes)
    return Status::quota_exceeded;
  // Copy first: source and target may be the same folder, and push_back may reallocate.
  std::vector<Message> copies;
  for (const Message* m : picked) copies.push_back(*m);
  if (new_uids) new_uids->clear();
  for (auto& copy : copies) {
    copy.uid = target->uid_next++;
    copy.recent = true;
    if (new_uids) new_uids->push_back(copy.uid);
    target->messages.push_back(std::move(copy));
  }
  if (!copies.empty()) notify(*user, Change::Kind::delivered, target->name);
  return Status::ok;
}

Status MailStore::move_messages(std::string_view user_name, std::string_view from,
                                const std::vector<std::uint32_t>& uids, std::string_view to,
                                std::vector<std::uint32_t>* new_uids) {
  if (canonical_folder_name(from) == canonical_folder_name(to)) {
    return folder(user_name, from) ? Status::ok : Status::no_such_folder;
  }
  // Quota: a move does not grow the total, so lift the check by copying with the source gone.
  User* user = find_user(user_name);
  if (!user) return Status::no_such_user;
  const std::uint64_t saved_quota = user->quota_bytes;
  user->quota_bytes = 0;
  Status status = copy_messages(user_name, from, uids, to, new_uids);
  user->quota_bytes = saved_quota;
  if (status != Status::ok) return status;
  remove_messages(user_name, from, uids);
  return Status::ok;
}

bool MailStore::claim_recent(std::string_view user_name, std::string_view folder_name,
                             std::uint32_t uid) {
  User* user = find_user(user_name);
  if (!user) return false;
  Folder* folder = find_folder(*user, folder_name);
  if (!folder) return false;
  Message* message = folder->find(uid);
  if (!message || !message->recent) return false;
  message->recent = false;
  return true;
}

// ---- change tracking --------------------------------------------------------------------------

std::uint64_t MailStore::change_counter(std::string_view name) const {
  const User* user = find_user(name);
  return user ? user->change_counter : 0;
}

int MailStore::add_observer(Observer observer) {
  const int id = next_observer_id_++;
  observers_[id] = std::move(observer);
  return id;
}

void MailStore::remove_observer(int id) { observers_.erase(id); }

void MailStore::notify(User& user, Change::Kind kind, const std::string& folder) {
  ++user.change_counter;
  Change change{kind, user.name, folder, user.change_counter};
  // Copy: an observer may add or remove observers while being called.
  auto observers = observers_;
  for (auto& [id, observer] : observers) observer(change);
}

// ---- POP3 maildrop lock -----------------------------------------------------------------------

bool MailStore::lock_maildrop(std::string_view name) {
  User* user = find_user(name);
  if (!user || user->maildrop_locked) return false;
  user->maildrop_locked = true;
  return true;
}

void MailStore::unlock_maildrop(std::string_view name) {
  if (User* user = find_user(name)) user->maildrop_locked = false;
}

bool MailStore::maildrop_locked(std::string_view name) const {
  const User* user = find_user(name);
  return user && user->maildrop_locked;
}

}  // namespace maillab::store
