#include "viz/panels/host_sections.h"

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

void add_standard_host_sections(HostInspectorSections& /*sections*/) {
  // Later panels register here, e.g.:
  //   add_resolver_cache_section(sections);   // viz/panels/sections/resolver_section.cpp
  //   add_mta_queue_section(sections);        // viz/panels/sections/mta_section.cpp
  //   add_mailbox_section(sections);          // viz/panels/sections/mailbox_section.cpp
}

void add_standard_host_actions(HostActionRegistry& /*actions*/) {
  // Later: "change a DNS record…" on authoritative servers, "fill mailbox" on mailbox hosts.
}

}  // namespace maillab::viz
