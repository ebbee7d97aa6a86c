// `set:` on an authoritative server's zone data (scenarios/README.md, "Changing settings during a run"):
//
//   - {at: 60s, set: {host: ns1.example.org, dns_server: {zone: example.org,
//                     records: ["mx 300 IN A 10.0.2.26"], remove: ["old 300 IN A 10.0.2.9"]}}}
//
// `records:` replaces, for each name and type it lists, every record of that name and type (the
// RRset, RFC 2181 §5) with the ones given; `remove:` takes records away. Only the server's data
// changes: resolvers that cached the old RRset keep answering with it until its TTL runs out
// (RFC 1035 §3.2.1, RFC 2308 for a cached "no such name") — the lesson of every DNS change.
#include <set>

#include "protocols/dns/presentation.h"
#include "scenarios/modules/dns_module.h"

namespace maillab::scenarios::dns_module {
namespace {

std::optional<SettingChange> set_dns_server(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  ServerEntry* server = context.world.module_state<State>().server(host.name());
  if (!server) {
    context.error(block, "'" + host.name() + "' runs no authoritative DNS server", "a host with a dns_server block");
    return std::nullopt;
  }
  if (!context.check_keys(block, "dns_server", {}, {"zone", "records", "remove"})) return std::nullopt;
  const dns::Zone* zone = zone_to_change(block, *server, context, "set dns_server");
  if (!zone) return std::nullopt;
  bool ok = true;
  auto read_list = [&](const char* key, std::vector<dns::ResourceRecord>& into) {
    if (!block[key]) return;
    if (!context.require_sequence(block[key], std::string("dns_server ") + key)) return void(ok = false);
    for (const auto& line : block[key]) {
      if (auto record = read_record(line, *zone, context, std::string("dns_server ") + key)) {
        if (record->type == dns::RecordType::SOA) {
          context.error(line, "set cannot change the SOA record", "records of other types");
          ok = false;
        } else {
          into.push_back(*record);
        }
      } else {
        ok = false;
      }
    }
  };
  std::vector<dns::ResourceRecord> records, removed;
  read_list("records", records);
  read_list("remove", removed);
  if (!ok) return std::nullopt;
  if (records.empty() && removed.empty()) {
    context.error(block, "set dns_server changes no record", "records: [\"name ttl IN type data\"] or remove: [...]");
    return std::nullopt;
  }
  engine::AuthoritativeService* service = server->service;
  return SettingChange([service, records, removed]() -> std::vector<std::string> {
    std::uint32_t longest_ttl = 0;  // of what resolvers may still hold
    auto held = [&](const dns::ResourceRecord& like, bool same_data) {
      std::vector<dns::ResourceRecord> found;  // as the zone holds them now (their TTLs included)
      if (const dns::Zone* zone = service->zones().find_zone(like.name))
        for (const auto& existing : zone->all_records())
          if (existing.name == like.name && existing.type == like.type && (!same_data || existing.data == like.data))
            found.push_back(existing);
      return found;
    };
    std::vector<dns::ResourceRecord> old;
    std::set<std::pair<std::string, dns::RecordType>> replaced;
    for (const auto& record : records)
      if (replaced.insert({record.name.to_text(), record.type}).second)
        for (auto& existing : held(record, false)) old.push_back(std::move(existing));
    for (const auto& record : removed)
      for (auto& existing : held(record, true)) old.push_back(std::move(existing));
    for (const auto& record : old)
      if (service->remove_record(record)) longest_ttl = std::max(longest_ttl, record.ttl);
    std::vector<std::string> effects;
    for (const auto& record : records)
      if (auto error = service->add_record(record)) effects.push_back("not added: " + dns::format_record(record) + ": " + *error);
    if (longest_ttl > 0)
      effects.push_back("resolvers that cached the old records keep them for up to " + std::to_string(longest_ttl) +
                        " s (their TTL)");
    return effects;
  });
}

}  // namespace

void register_set(Registry& registry) { registry.add_setting("dns_server", set_dns_server); }

}  // namespace maillab::scenarios::dns_module
