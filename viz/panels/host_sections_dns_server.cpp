// Inspector section for kind "dns-server": the zones it is authoritative for and what it has
// been asked lately.
#include <imgui.h>

#include "engine/core/simulator.h"
#include "engine/hosts/dns/authoritative_service.h"
#include "engine/net/address.h"
#include "engine/net/network.h"
#include "protocols/dns/types.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/host_sections_rows.h"

namespace maillab::viz {

TableRows dns_server_zone_rows(const engine::AuthoritativeService& server) {
  TableRows rows;
  for (const auto& zone : server.zones().zones()) {
    rows.push_back({zone.origin().to_short_text(), std::to_string(zone.all_records().size()),
                    std::to_string(zone.soa_data().serial)});
  }
  return rows;
}

TableRows dns_server_recent_query_rows(const engine::AuthoritativeService& server, const engine::Network* network,
                                       engine::Time now, std::size_t limit) {
  TableRows rows;
  const auto& received = server.received();
  for (auto it = received.rbegin(); it != received.rend() && rows.size() < limit; ++it) {
    std::string from = engine::format_address(it->from);
    if (network) {
      if (auto name = network->name_of(it->from)) from = *name;
    }
    const std::string question = it->question ? it->question->name.to_short_text() + " " +
                                                    dns::type_to_text(it->question->type)
                                              : "(undecodable)";
    rows.push_back({format_relative(it->time, now), from, question});
  }
  return rows;
}

void add_dns_server_sections(HostInspectorSections& sections) {
  sections.add("dns-server", "zones and queries", [](engine::Service& service, HostInspectorContext& context) {
    const auto& server = static_cast<const engine::AuthoritativeService&>(service);
    draw_table("dns-zones", {"zone", "records", "serial"}, dns_server_zone_rows(server));
    ImGui::Text("queries received: %llu, responses sent: %llu",
                static_cast<unsigned long long>(server.queries_received()),
                static_cast<unsigned long long>(server.responses_sent()));
    ImGui::TextDisabled("most recent first");
    draw_table("dns-queries", {"when", "from", "question"},
               dns_server_recent_query_rows(server, &context.network, context.simulator.now(), 20));
  });
}

}  // namespace maillab::viz
