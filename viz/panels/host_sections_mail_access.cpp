// Inspector sections for kinds "pop3" and "imap": the ports they listen on and the sessions open
// right now (the mailboxes themselves are shown by the "mailboxes" section of the same host).
#include <imgui.h>

#include "engine/hosts/mailbox/imap_service.h"
#include "engine/hosts/mailbox/pop3_service.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/host_sections_rows.h"

namespace maillab::viz {

namespace {
std::string ports_text(const std::vector<std::uint16_t>& plain, const std::vector<std::uint16_t>& tls) {
  std::string out;
  for (auto port : plain) out += (out.empty() ? "" : ", ") + std::to_string(port);
  for (auto port : tls) out += (out.empty() ? "" : ", ") + std::to_string(port) + " (TLS)";
  return out.empty() ? "(none)" : out;
}
}  // namespace

KeyValueRows pop3_rows(const engine::Pop3Service& pop3) {
  const auto& options = pop3.options();
  return {{"ports", ports_text(options.plain_ports, options.tls_ports)},
          {"open sessions", std::to_string(pop3.open_sessions())},
          {"sessions served", std::to_string(pop3.sessions_served())}};
}

KeyValueRows imap_rows(const engine::ImapService& imap) {
  const auto& options = imap.options();
  return {{"ports", ports_text(options.plain_ports, options.tls_ports)},
          {"open sessions", std::to_string(imap.open_sessions())},
          {"updates pushed", std::to_string(imap.updates_pushed())}};
}

void add_mail_access_sections(HostInspectorSections& sections) {
  sections.add("pop3", "server", [](engine::Service& service, HostInspectorContext&) {
    draw_key_values("pop3", pop3_rows(static_cast<const engine::Pop3Service&>(service)));
  });
  sections.add("imap", "server", [](engine::Service& service, HostInspectorContext&) {
    draw_key_values("imap", imap_rows(static_cast<const engine::ImapService&>(service)));
  });
}

}  // namespace maillab::viz
