#include "engine/hosts/client/device_store.h"

#include <algorithm>
#include <sstream>

#include "engine/hosts/mail_ledger.h"
#include "protocols/mail/message.h"
#include "protocols/common/ascii_case.h"

namespace maillab::engine {
namespace {

// The first words of the body a list view shows, skipping quoted lines ("> ...").
std::string first_words(const std::string& body, std::size_t max_words = 8) {
  std::istringstream lines(body);
  std::string line, out;
  std::size_t words = 0;
  while (words < max_words && std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '>') continue;
    std::istringstream in(line);
    std::string word;
    while (words < max_words && in >> word) out += (out.empty() ? "" : " ") + word, ++words;
  }
  return out;
}

}  // namespace

void summarize_message(DeviceMessage& message) {
  auto parsed = mail::parse_message(message.bytes);
  if (!parsed.ok()) return;
  const mail::Message& m = parsed.value();
  message.from = m.headers.get("From").value_or("");
  auto from = m.from();
  message.from_address = from.empty() ? message.from : from.front().addr_spec();
  message.to = m.headers.get("To").value_or("");
  message.subject = m.subject();
  message.date = m.date();
  message.message_id = m.message_id();
  message.in_reply_to = m.headers.get("In-Reply-To").value_or("");
  message.references = m.headers.get("References").value_or("");
  message.tracking_id = m.headers.get(std::string(tracking_header)).value_or("");
  message.preview = first_words(m.body);
}

void set_flags_from_imap(DeviceMessage& message, const std::vector<std::string>& flags) {
  message.seen = message.answered = message.flagged = message.deleted = false;
  for (const auto& flag : flags) {
    const std::string name = common::to_lower(flag);
    if (name == "\\seen") message.seen = true;
    else if (name == "\\answered") message.answered = true;
    else if (name == "\\flagged") message.flagged = true;
    else if (name == "\\deleted") message.deleted = true;
  }
}

std::string flags_text(const DeviceMessage& message) {
  std::string out = message.seen ? "read" : "unread";
  if (message.answered) out += ", answered";
  if (message.flagged) out += ", flagged";
  if (message.deleted) out += ", deleted";
  return out;
}

DeviceMessage& DeviceStore::add(DeviceMessage message) {
  message.local_id = next_id_++;
  folders_.insert(message.folder);
  messages_.push_back(std::move(message));
  return messages_.back();
}

void DeviceStore::remove(std::uint64_t local_id) {
  messages_.erase(std::remove_if(messages_.begin(), messages_.end(),
                                 [&](const DeviceMessage& m) { return m.local_id == local_id; }),
                  messages_.end());
}

std::vector<const DeviceMessage*> DeviceStore::in_folder(const std::string& folder) const {
  std::vector<const DeviceMessage*> out;
  for (const auto& m : messages_)
    if (m.folder == folder) out.push_back(&m);
  return out;
}

DeviceMessage* DeviceStore::find(std::uint64_t local_id) {
  for (auto& m : messages_)
    if (m.local_id == local_id) return &m;
  return nullptr;
}

DeviceMessage* DeviceStore::find_by_subject(const std::string& subject, const std::string& folder) {
  DeviceMessage* best = nullptr;
  for (auto& m : messages_) {
    if (m.subject != subject) continue;
    if (!folder.empty() && m.folder != folder) continue;
    // Prefer INBOX over other folders (a reply in Sent has another subject anyway), then newest.
    if (!best || (best->folder != "INBOX" && m.folder == "INBOX") ||
        ((best->folder == "INBOX") == (m.folder == "INBOX") && m.local_id > best->local_id))
      best = &m;
  }
  return best;
}

DeviceMessage* DeviceStore::find_imap(std::size_t account, const std::string& folder, std::uint32_t uid) {
  for (auto& m : messages_)
    if (m.account == account && m.folder == folder && m.uid == uid) return &m;
  return nullptr;
}

}  // namespace maillab::engine
