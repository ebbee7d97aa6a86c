// Inspector section for kind "resolver": its counters and its cache, each entry with the TTL it
// has left (RFC 1035 §3.2.1: a cached record may be used until its TTL runs out).
#include <imgui.h>

#include "engine/hosts/dns/resolver_service.h"
#include "protocols/dns/types.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/host_sections_rows.h"

namespace maillab::viz {

KeyValueRows resolver_counter_rows(const engine::ResolverService& resolver) {
  const auto& counters = resolver.counters();
  return {
      {"client queries", std::to_string(counters.client_queries)},
      {"cache hits", std::to_string(counters.cache_hits)},
      {"cache misses", std::to_string(counters.cache_misses)},
      {"queries sent", std::to_string(counters.queries_sent)},
      {"responses received", std::to_string(counters.responses_received)},
      {"timeouts", std::to_string(counters.timeouts)},
      {"cache hits (all runs)", std::to_string(resolver.cache_hits_total())},
  };
}

TableRows resolver_cache_rows(const engine::ResolverService& resolver) {
  TableRows rows;
  for (const auto& entry : resolver.dump_cache()) {
    rows.push_back({entry.name.to_short_text(),
                    entry.type == dns::RecordType::ANY ? "(any)" : dns::type_to_text(entry.type),
                    std::to_string(entry.remaining_ttl) + " s", entry.summary});
  }
  return rows;
}

void add_resolver_sections(HostInspectorSections& sections) {
  sections.add("resolver", "counters", [](engine::Service& service, HostInspectorContext&) {
    const auto& resolver = static_cast<const engine::ResolverService&>(service);
    draw_key_values_inline(resolver_counter_rows(resolver));
  });
  sections.add("resolver", "cache", [](engine::Service& service, HostInspectorContext&) {
    auto& resolver = static_cast<engine::ResolverService&>(service);
    const TableRows rows = resolver_cache_rows(resolver);
    ImGui::TextDisabled("%zu entries; the TTL counts down with simulated time", rows.size());
    draw_table("resolver-cache", {"name", "type", "TTL left", "data"}, rows);
  });
}

}  // namespace maillab::viz
