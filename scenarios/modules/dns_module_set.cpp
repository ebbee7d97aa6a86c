// `set:` on an authoritative server's zone data (scenarios/README.md, "Changing settings during a run"):
//
//   - {at: 60s, set: {host: ns1.example.org, dns_server: {zone: example.org,
//                     records: ["mx 300 IN A 10.0.2.26"], remove: ["old 300 IN A 10.0.2.9"]}}}
//
// `records:` replaces, for each name and type it lists, every record of that name and type (the
// RRset, RFC 2181 §5) with the ones given; `remove:` takes records away. Only the server's data
// changes: resolvers that cached the old RRset keep answering with it until its TTL runs out
// (RFC 1035 §3.2.1, RFC 2308 for a cached "no such name") — the lesson of every DNS change.
//
//   - {at: 90s, set: {host: resolver1, resolver: {flush_cache: true}}}   # rndc flush
//   - {at: 95s, set: {host: resolver1, resolver: {max_ttl: 60, edns: false}}}
//
// A resolver takes every key of its block (read by the block's own reader), plus `flush_cache`,
// which empties the cache the way `rndc flush` or `unbound-control flush_zone .` does.
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

std::optional<SettingChange> set_resolver(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  ResolverEntry* entry = context.world.module_state<State>().resolver(host.name());
  if (!entry) {
    context.error(block, "'" + host.name() + "' runs no resolver", "a host with a resolver: block");
    return std::nullopt;
  }
  std::vector<std::string> keys = resolver_keys;
  keys.push_back("flush_cache");
  if (!context.check_keys(block, "resolver", {}, keys)) return std::nullopt;
  engine::ResolverService* service = entry->service;
  dns::ResolverConfig trial = service->config();
  if (!read_resolver_settings(block, trial, context)) return std::nullopt;
  bool flush = false;
  if (block["flush_cache"]) {
    auto value = context.boolean(block["flush_cache"], "resolver flush_cache");
    if (!value) return std::nullopt;
    flush = *value;
  }
  World* world = &context.world;
  return SettingChange([service, world, block, flush, file = context.file()]() -> std::vector<std::string> {
    // Read again over the settings as they are now (an earlier set: may have changed them).
    dns::ResolverConfig next = service->config();
    Diagnostics diagnostics;
    LoadContext again(*world, diagnostics, file);
    if (!read_resolver_settings(block, next, again)) return {"not applied: " + diagnostics.errors().front().message};
    std::vector<std::string> effects = service->apply_config(std::move(next));
    if (flush) {
      effects.push_back("cache flushed: " + std::to_string(service->cache_size()) + " entries forgotten");
      service->flush_cache();
    }
    return effects;
  });
}

}  // namespace

void register_set(Registry& registry) {
  registry.add_setting("dns_server", set_dns_server);
  registry.add_setting("resolver", set_resolver);
}

}  // namespace maillab::scenarios::dns_module
