// Inspector section for kind "mta": what it serves, what became of the mail it took, and its
// delivery queue — each entry with its attempts and when the queue runner tries it again
// (RFC 5321 §4.5.4.1: a deferred message is retried at increasing intervals).
#include <imgui.h>

#include "engine/core/simulator.h"
#include "engine/hosts/mail/mta_service.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/host_sections_rows.h"

namespace maillab::viz {

namespace {
std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}
}  // namespace

KeyValueRows mta_summary_rows(const engine::MtaService& mta) {
  const auto domains = mta.domains();
  KeyValueRows rows;
  // The EHLO name only when it differs from the host's (it usually does not).
  if (!mta.host() || mta.host()->name() != mta.hostname()) rows.push_back({"hostname", mta.hostname()});
  rows.push_back({"domains", domains.empty() ? "(none)" : join(domains, ", ")});
  if (!mta.config().relay_domains.empty()) rows.push_back({"backup MX for", join(mta.config().relay_domains, ", ")});
  std::vector<std::string> policies;
  for (const auto& policy : mta.policies()) policies.emplace_back(policy->name());
  if (!policies.empty()) rows.push_back({"policies", join(policies, ", ")});
  rows.push_back({"delivered", std::to_string(mta.delivered_count())});
  rows.push_back({"relayed", std::to_string(mta.relayed_count())});
  rows.push_back({"bounced", std::to_string(mta.bounced_count())});
  rows.push_back({"refused", std::to_string(mta.rejections().size())});
  return rows;
}

TableRows mta_queue_rows(const engine::MtaService& mta, engine::Time now) {
  TableRows rows;
  for (const auto& item : mta.queue_contents()) {
    const std::string next = item.in_flight ? "in flight" : format_relative(item.next_attempt, now);
    rows.push_back({item.queue_id, std::to_string(item.attempts), next, join(item.recipients, ", "),
                    item.destination, item.sender.empty() ? "<>" : item.sender, item.ledger_id,
                    item.last_error.empty() ? "-" : item.last_error});
  }
  return rows;
}

void add_mta_sections(HostInspectorSections& sections) {
  sections.add("mta", "summary", [](engine::Service& service, HostInspectorContext&) {
    const auto& mta = static_cast<const engine::MtaService&>(service);
    draw_key_values_inline(mta_summary_rows(mta));
  });
  sections.add("mta", "queue", [](engine::Service& service, HostInspectorContext& context) {
    const auto& mta = static_cast<const engine::MtaService&>(service);
    const TableRows rows = mta_queue_rows(mta, context.simulator.now());
    ImGui::TextDisabled("%zu message%s waiting", rows.size(), rows.size() == 1 ? "" : "s");
    draw_table("mta-queue",
               {"queue id", "attempts", "next attempt", "recipients", "destination", "sender", "ledger", "last error"},
               rows);
    // The last error is the column that matters most and the one a narrow table hides: repeat it.
    for (const auto& row : rows) {
      if (row.back() != "-") ImGui::TextWrapped("%s: %s", row.front().c_str(), row.back().c_str());
    }
  });
}

}  // namespace maillab::viz
