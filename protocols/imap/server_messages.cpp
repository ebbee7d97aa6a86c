// IMAP server session, selected state: message sets, STORE, COPY/MOVE, EXPUNGE, CLOSE/UNSELECT
// (RFC 3501 §6.4, MOVE from RFC 6851, UNSELECT from RFC 3691, UID EXPUNGE from RFC 4315).
// FETCH is in server_fetch.cpp, SEARCH in server_search.cpp.

#include <algorithm>

#include "protocols/imap/server_session.h"

namespace maillab::imap {

std::optional<std::vector<std::size_t>> ServerSession::resolve_set(const Value& value, bool by_uid) {
  if (!value.is_atom()) return std::nullopt;
  const std::optional<SequenceSet> set = parse_sequence_set(value.text);
  if (!set) return std::nullopt;
  std::vector<std::size_t> indexes;
  if (by_uid) {
    // Non-existent UIDs are ignored (§6.4.8); "*" is the largest UID in use.
    const std::uint32_t largest = view_.empty() ? 0 : view_.back().uid;
    for (std::size_t i = 0; i < view_.size(); ++i) {
      if (!view_[i].gone && sequence_contains(*set, view_[i].uid, largest)) indexes.push_back(i);
    }
    return indexes;
  }
  const auto count = static_cast<std::uint32_t>(view_.size());
  for (const auto& range : *set) {
    if (range.first > count || range.last > count) return std::nullopt;  // no such number
  }
  for (std::uint32_t n = 1; n <= count; ++n) {
    if (!view_[n - 1].gone && sequence_contains(*set, n, count)) indexes.push_back(n - 1);
  }
  return indexes;
}

void ServerSession::command_store(Command& command, bool by_uid) {
  const std::string verb = by_uid ? "UID STORE" : "STORE";
  if (command.arguments.size() < 3 || !command.arguments[1].is_atom())
    return tagged(command.tag, "BAD usage: " + verb + " sequence-set [+|-]FLAGS[.SILENT] (flags)");
  std::string item = command.arguments[1].keyword();
  bool silent = false;
  if (item.size() > 7 && item.compare(item.size() - 7, 7, ".SILENT") == 0) {
    silent = true;
    item.resize(item.size() - 7);
  }
  store::MailStore::FlagChange how;
  if (item == "FLAGS") how = store::MailStore::FlagChange::replace;
  else if (item == "+FLAGS") how = store::MailStore::FlagChange::add;
  else if (item == "-FLAGS") how = store::MailStore::FlagChange::remove;
  else return tagged(command.tag, "BAD unknown STORE item " + command.arguments[1].text);

  std::vector<Value> flag_values;
  if (command.arguments.size() == 3 && command.arguments[2].is_list()) {
    flag_values = command.arguments[2].items;
  } else {
    flag_values.assign(command.arguments.begin() + 2, command.arguments.end());
  }
  store::Flags flags = 0;
  for (const auto& value : flag_values) {
    if (!value.is_atom()) return tagged(command.tag, "BAD flags must be atoms");
    if (auto flag = store::flag_from_name(value.text)) {
      flags |= *flag;
    } else if (!value.text.empty() && value.text[0] == '\\') {
      // \Recent cannot be stored (§2.3.2); other \Names are not flags at all.
      return tagged(command.tag, "BAD invalid flag " + value.text);
    }
    // Keywords ($Forwarded, ...) are accepted and not kept: PERMANENTFLAGS has no \*.
  }
  const auto indexes = resolve_set(command.arguments[0], by_uid);
  if (!indexes) return tagged(command.tag, "BAD invalid sequence set " + command.arguments[0].text);
  if (read_only_) return tagged(command.tag, "NO [READ-ONLY] mailbox is read-only (EXAMINE)");

  for (std::size_t index : *indexes) {
    ViewEntry& entry = view_[index];
    if (store_.change_flags(user_, selected_, entry.uid, how, flags) != store::Status::ok) continue;
    const store::Message* message = store_.message(user_, selected_, entry.uid);
    entry.flags = message->flags;
    if (silent) continue;
    std::string flags_text = store::flags_to_text(entry.flags);
    if (entry.recent) flags_text += flags_text.empty() ? "\\Recent" : " \\Recent";
    untagged(std::to_string(index + 1) + " FETCH (" +
             (by_uid ? "UID " + std::to_string(entry.uid) + " " : std::string()) + "FLAGS (" +
             flags_text + "))");
  }
  send_updates(by_uid);
  tagged(command.tag, "OK " + verb + " completed");
}

void ServerSession::command_copy(Command& command, bool by_uid, bool move) {
  const std::string verb = std::string(by_uid ? "UID " : "") + (move ? "MOVE" : "COPY");
  if (command.arguments.size() != 2 || !command.arguments[1].is_astring())
    return tagged(command.tag, "BAD usage: " + verb + " sequence-set mailbox");
  const auto indexes = resolve_set(command.arguments[0], by_uid);
  if (!indexes) return tagged(command.tag, "BAD invalid sequence set " + command.arguments[0].text);
  if (move && read_only_) return tagged(command.tag, "NO [READ-ONLY] mailbox is read-only (EXAMINE)");
  const std::string& target = command.arguments[1].text;
  if (!store_.folder(user_, target)) {
    // §6.4.7: TRYCREATE tells the client that CREATE would make the COPY work.
    send_updates(true);
    return tagged(command.tag, "NO [TRYCREATE] no such mailbox");
  }
  std::vector<std::uint32_t> uids, new_uids;
  const store::Folder* source = selected_folder();
  for (std::size_t index : *indexes)
    if (source && source->find(view_[index].uid)) uids.push_back(view_[index].uid);  // what will be copied
  const store::Status status = move ? store_.move_messages(user_, selected_, uids, target, &new_uids)
                                    : store_.copy_messages(user_, selected_, uids, target, &new_uids);
  // RFC 4315 §3: COPYUID uidvalidity source-uids target-uids (same order). MOVE sends it untagged
  // before its EXPUNGEs (RFC 6851 §4.3); COPY in the tagged OK.
  std::string copyuid;
  if (status == store::Status::ok && !uids.empty() && new_uids.size() == uids.size()) {
    const store::Folder* destination = store_.folder(user_, target);
    auto uid_list = [](const std::vector<std::uint32_t>& list) {
      std::string text;
      for (std::uint32_t uid : list) text += (text.empty() ? "" : ",") + std::to_string(uid);
      return text;
    };
    copyuid = "[COPYUID " + std::to_string(destination ? destination->uid_validity : 0) + " " + uid_list(uids) +
              " " + uid_list(new_uids) + "] ";
  }
  if (move && !copyuid.empty()) untagged("OK " + copyuid + "moved");
  send_updates(true);  // MOVE reports its EXPUNGEs here (RFC 6851 §3.3)
  if (status == store::Status::quota_exceeded)
    return tagged(command.tag, "NO [OVERQUOTA] quota exceeded: nothing copied");
  if (status != store::Status::ok) return tagged(command.tag, std::string("NO ") + store::describe(status));
  tagged(command.tag, "OK " + (move ? std::string() : copyuid) + verb + " completed");
}

void ServerSession::command_expunge(Command& command, bool by_uid) {
  if (command.arguments.size() != (by_uid ? 1u : 0u))
    return tagged(command.tag, by_uid ? "BAD usage: UID EXPUNGE uid-set" : "BAD usage: EXPUNGE");
  if (read_only_) return tagged(command.tag, "NO [READ-ONLY] mailbox is read-only (EXAMINE)");
  if (by_uid) {
    // RFC 4315 §2.1: only the \Deleted messages among these UIDs go.
    const auto indexes = resolve_set(command.arguments[0], true);
    if (!indexes) return tagged(command.tag, "BAD invalid UID set " + command.arguments[0].text);
    std::vector<std::uint32_t> doomed;
    const store::Folder* folder = selected_folder();
    for (std::size_t index : *indexes) {
      const store::Message* message = folder ? folder->find(view_[index].uid) : nullptr;
      if (message && (message->flags & store::flag_deleted)) doomed.push_back(message->uid);
    }
    store_.remove_messages(user_, selected_, doomed);
  } else {
    store_.expunge(user_, selected_);
  }
  send_updates(true);
  tagged(command.tag, by_uid ? "OK UID EXPUNGE completed" : "OK EXPUNGE completed");
}

void ServerSession::command_close(Command& command, bool expunge) {
  if (!command.arguments.empty())
    return tagged(command.tag, expunge ? "BAD usage: CLOSE" : "BAD usage: UNSELECT");
  // §6.4.2: CLOSE expunges silently (no untagged EXPUNGE) unless the mailbox is read-only.
  if (expunge && !read_only_) store_.expunge(user_, selected_);
  deselect();
  tagged(command.tag, expunge ? "OK CLOSE completed" : "OK UNSELECT completed");
}

}  // namespace maillab::imap
