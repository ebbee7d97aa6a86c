// Inspector section for kind "mailboxes": the store behind the MDA, POP3 and IMAP — each user's
// space against the quota, their folders, and (opened on demand) each folder's messages.
#include <imgui.h>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/host_sections_rows.h"

namespace maillab::viz {

TableRows mailbox_user_rows(const store::MailStore& store) {
  TableRows rows;
  for (const auto& user : store.users()) {
    std::size_t messages = 0;
    for (const auto& name : store.folder_names(user)) {
      if (const auto* folder = store.folder(user, name)) messages += folder->messages.size();
    }
    const std::uint64_t quota = store.quota(user);
    rows.push_back({user, format_bytes(store.used_bytes(user)), quota ? format_bytes(quota) : "unlimited",
                    std::to_string(messages)});
  }
  return rows;
}

TableRows mailbox_folder_rows(const store::MailStore& store, std::string_view user) {
  TableRows rows;
  for (const auto& name : store.folder_names(user)) {
    const auto* folder = store.folder(user, name);
    if (!folder) continue;
    std::size_t unseen = 0;
    for (const auto& message : folder->messages) unseen += (message.flags & store::flag_seen) ? 0 : 1;
    rows.push_back({name, std::to_string(folder->messages.size()), std::to_string(unseen),
                    format_bytes(folder->size_bytes())});
  }
  return rows;
}

TableRows mailbox_message_rows(const store::Folder& folder) {
  TableRows rows;
  for (const auto& message : folder.messages) {
    std::string flags = store::flags_to_text(message.flags);
    if (message.recent) flags += flags.empty() ? "\\Recent" : " \\Recent";
    rows.push_back({std::to_string(message.uid), flags.empty() ? "-" : flags, header_value(message.bytes, "From"),
                    header_value(message.bytes, "Subject")});
  }
  return rows;
}

void add_mailbox_sections(HostInspectorSections& sections) {
  sections.add("mailboxes", "users and folders", [](engine::Service& service, HostInspectorContext&) {
    const auto& mailboxes = static_cast<const engine::MailboxService&>(service);
    const auto& store = mailboxes.store();
    std::string domains;
    for (const auto& domain : mailboxes.domains()) domains += (domains.empty() ? "" : ", ") + domain;
    ImGui::TextDisabled("domains: %s", domains.empty() ? "(none)" : domains.c_str());
    draw_table("mailbox-users", {"user", "used", "quota", "messages"}, mailbox_user_rows(store));
    for (const auto& user : store.users()) {
      ImGui::PushID(user.c_str());
      if (ImGui::TreeNode("user", "%s's folders", user.c_str())) {
        draw_table("folders", {"folder", "messages", "unseen", "size"}, mailbox_folder_rows(store, user));
        for (const auto& name : store.folder_names(user)) {
          const auto* folder = store.folder(user, name);
          if (!folder || folder->messages.empty()) continue;
          ImGui::PushID(name.c_str());
          if (ImGui::TreeNode("folder", "%s (%zu)", name.c_str(), folder->messages.size())) {
            draw_table("messages", {"UID", "flags", "From", "Subject"}, mailbox_message_rows(*folder));
            ImGui::TreePop();
          }
          ImGui::PopID();
        }
        ImGui::TreePop();
      }
      ImGui::PopID();
    }
  });
}

}  // namespace maillab::viz
