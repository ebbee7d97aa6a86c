// Inspector section for kind "mail-client": the device's accounts and what this device shows its
// user, folder by folder. With POP3 this is the only copy once the server deleted it; with IMAP
// it is this device's cache of the server (compare two devices of the same user).
#include <imgui.h>

#include <set>

#include "engine/hosts/client/mail_client_service.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/host_sections_rows.h"

namespace maillab::viz {

TableRows mail_client_account_rows(const engine::MailClientService& client) {
  TableRows rows;
  for (const auto& account : client.accounts()) {
    const bool imap = account.incoming == engine::ClientAccount::Incoming::imap;
    std::string incoming = std::string(imap ? "IMAP " : "POP3 ") + account.incoming_server + ":" +
                           std::to_string(account.incoming_endpoint.port);
    if (account.incoming_tls) incoming += " (TLS)";
    if (!imap && account.pop3_keep) incoming += ", leaves a copy";
    std::string outgoing = account.smtp_server + ":" + std::to_string(account.smtp.port);
    if (account.smtp_tls) outgoing += " (TLS)";
    rows.push_back({account.address, incoming, outgoing});
  }
  return rows;
}

std::vector<std::string> mail_client_folders(const engine::DeviceStore& store) {
  std::set<std::string> names(store.folders().begin(), store.folders().end());
  for (const auto& message : store.messages()) names.insert(message.folder);
  std::vector<std::string> out;
  if (names.erase("INBOX")) out.push_back("INBOX");  // INBOX first, as every client lists it
  out.insert(out.end(), names.begin(), names.end());
  return out;
}

TableRows mail_client_folder_rows(const engine::DeviceStore& store, const std::string& folder) {
  TableRows rows;
  for (const auto* message : store.in_folder(folder)) {
    rows.push_back({message->subject, message->from, engine::flags_text(*message), first_words(message->preview, 40),
                    message->date.empty() ? "-" : message->date});
  }
  return rows;
}

void add_mail_client_sections(HostInspectorSections& sections) {
  sections.add("mail-client", "accounts", [](engine::Service& service, HostInspectorContext&) {
    const auto& client = static_cast<const engine::MailClientService&>(service);
    draw_table("client-accounts", {"account", "incoming", "outgoing"}, mail_client_account_rows(client));
    ImGui::TextDisabled("messages submitted: %llu%s", static_cast<unsigned long long>(client.messages_submitted()),
                        client.busy() ? " (working...)" : "");
    for (const auto& problem : client.problems()) ImGui::BulletText("%s", problem.c_str());
  });
  sections.add("mail-client", "on this device", [](engine::Service& service, HostInspectorContext&) {
    const auto& client = static_cast<const engine::MailClientService&>(service);
    for (const auto& folder : mail_client_folders(client.store())) {
      const TableRows rows = mail_client_folder_rows(client.store(), folder);
      ImGui::PushID(folder.c_str());
      const auto flags = folder == "INBOX" ? ImGuiTreeNodeFlags_DefaultOpen : ImGuiTreeNodeFlags_None;
      if (ImGui::TreeNodeEx("folder", flags, "%s (%zu)", folder.c_str(), rows.size())) {
        draw_table("messages", {"subject", "from", "flags", "first words", "date"}, rows);
        ImGui::TreePop();
      }
      ImGui::PopID();
    }
  });
}

}  // namespace maillab::viz
