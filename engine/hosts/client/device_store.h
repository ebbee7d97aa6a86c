// What one device (laptop, phone, webmail) has stored locally and shows its user: the messages
// it downloaded (POP3) or keeps in sync with the server (IMAP), each with its folder and flags,
// and the folders it knows. With POP3 this is the only copy once the server deleted it; with
// IMAP it is a cache of the server's truth, refreshed by each check.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "engine/core/time.h"

namespace maillab::engine {

struct DeviceMessage {
  std::uint64_t local_id = 0;   // this device's own number for it
  std::size_t account = 0;      // index into the client's accounts
  std::string folder = "INBOX";
  std::uint32_t uid = 0;        // IMAP UID in `folder` (0 for POP3 and local-only copies)
  std::string uidl;             // POP3 unique id ("" for IMAP)
  // What a mail list shows.
  std::string from;             // "Alice <alice@example.com>" as written
  std::string from_address;     // "alice@example.com"
  std::string to;
  std::string subject;
  std::string date;             // the Date header
  std::string preview;          // the first words of the body
  std::string message_id, in_reply_to, references;
  std::string tracking_id;      // the simulator's id for it (X-Maillab-Id, "M1"); "" when none
  bool seen = false, answered = false, flagged = false, deleted = false;
  // This device is deleting or moving it on the server right now: when a sync (an IDLE push on
  // the device's other connection) finds it gone, that is no news to report.
  bool leaving = false;
  Time arrived = 0;             // when this device got it
  std::string bytes;            // the whole message (CRLF)
};

// Fills the display fields of `message` from its bytes (never fails: junk shows as blanks).
void summarize_message(DeviceMessage& message);

// "\Seen \Answered" style flags -> the booleans; and back.
void set_flags_from_imap(DeviceMessage& message, const std::vector<std::string>& flags);
std::string flags_text(const DeviceMessage& message);  // "seen, answered" or "unread"

class DeviceStore {
 public:
  DeviceMessage& add(DeviceMessage message);
  void remove(std::uint64_t local_id);
  void add_folder(const std::string& folder) { folders_.insert(folder); }
  const std::set<std::string>& folders() const { return folders_; }

  std::vector<DeviceMessage>& messages() { return messages_; }
  const std::vector<DeviceMessage>& messages() const { return messages_; }
  std::vector<const DeviceMessage*> in_folder(const std::string& folder) const;
  DeviceMessage* find(std::uint64_t local_id);
  // The newest message with this subject (in `folder`, or anywhere when folder is empty; INBOX
  // is preferred). nullptr when none.
  DeviceMessage* find_by_subject(const std::string& subject, const std::string& folder = {});
  DeviceMessage* find_imap(std::size_t account, const std::string& folder, std::uint32_t uid);

 private:
  std::vector<DeviceMessage> messages_;
  std::set<std::string> folders_{"INBOX", "Sent"};
  std::uint64_t next_id_ = 1;
};

}  // namespace maillab::engine
