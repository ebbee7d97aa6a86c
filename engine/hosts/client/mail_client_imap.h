// Internal to the mail client (mail_client_imap.cpp, mail_client_idle.cpp): one IMAP connection
// of a device, driving the sans-I/O imap::CommandRunner, and what a folder sync found on it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/hosts/client/mail_client_service.h"
#include "protocols/imap/command_runner.h"

namespace maillab::engine {

struct MailClientService::Imap {
  std::size_t account = 0;
  std::unique_ptr<imap::CommandRunner> queue;  // sans-I/O: protocols/imap/command_runner.h
  std::shared_ptr<StreamConnection> connection;
  bool finished = false;
  // What a sync found (imap_sync_folder), for the narration.
  std::size_t new_in_inbox = 0, new_elsewhere = 0, flag_changes = 0, removed = 0;
  std::vector<std::string> new_subjects;
  std::vector<std::string> new_tracking_ids;
  // The same, message by message (the IDLE connection tells each one).
  std::vector<std::uint64_t> new_inbox_ids;      // local ids of new INBOX messages
  std::vector<std::uint64_t> flag_changed_ids;   // local ids whose flags the server changed
  struct Gone {
    std::string folder, subject, tracking_id;
  };
  std::vector<Gone> gone;                        // messages no longer on the server

  void pump() {
    if (!connection) return;
    std::string out = queue->poll_output();
    if (!out.empty() && connection->is_open()) connection->send(out);
  }
  // Forgets what the last sync found (the IDLE connection syncs again and again).
  void clear_findings() {
    new_in_inbox = new_elsewhere = flag_changes = removed = 0;
    new_subjects.clear();
    new_tracking_ids.clear();
    new_inbox_ids.clear();
    flag_changed_ids.clear();
    gone.clear();
  }
};

}  // namespace maillab::engine
