#include "viz/panels/host_sections.h"

#include "viz/panels/host_sections_rows.h"

namespace maillab::viz {

void HostInspectorSections::add(std::string kind, std::string title, HostInspectorSection draw) {
  entries_.push_back({std::move(kind), std::move(title), std::move(draw)});
}

std::vector<const HostInspectorSections::Entry*> HostInspectorSections::for_kind(std::string_view kind) const {
  std::vector<const Entry*> out;
  for (const auto& entry : entries_) {
    if (entry.kind == kind) out.push_back(&entry);
  }
  return out;
}

void add_standard_host_sections(HostInspectorSections& sections) {
  // One file per service kind: viz/panels/host_sections_<kind>.cpp (see host_sections_rows.h).
  add_resolver_sections(sections);
  add_dns_server_sections(sections);
  add_mta_sections(sections);
  add_mailbox_sections(sections);
  add_mail_access_sections(sections);
  add_mail_client_sections(sections);
}

void add_standard_host_actions(HostActionRegistry& /*actions*/) {
  // Later: "change a DNS record…" on authoritative servers, "fill mailbox" on mailbox hosts.
}

}  // namespace maillab::viz
