// The DNS scenario module: host blocks `dns_server:` and `resolver:` (a map), root/TLD zones
// generated from every zone in the file, reverse zones (in-addr.arpa) generated from the hosts, and (dns_module_script.cpp) lookups, record faults and
// DNS expectations. scenarios/README.md, section "DNS", documents the keys.
#include "scenarios/modules/dns_module.h"
#include "scenarios/modules/loop_checks.h"

#include <algorithm>
#include <set>

#include "engine/net/network.h"
#include "protocols/dns/presentation.h"
#include "scenarios/modules/builtin_modules.h"
#include "protocols/common/ascii_case.h"

namespace maillab::scenarios {
namespace dns_module {

ServerEntry* State::server(const std::string& host_name) {
  for (auto& entry : servers)
    if (entry.host->name() == host_name) return &entry;
  return nullptr;
}

ResolverEntry* State::resolver(const std::string& host_name) {
  for (auto& entry : resolvers)
    if (entry.host->name() == host_name) return &entry;
  return nullptr;
}

engine::StubResolver& State::stub(engine::Host& host) {
  auto& slot = stubs[host.name()];
  if (!slot) slot = std::make_unique<engine::StubResolver>(host);
  return *slot;
}

namespace {

constexpr std::uint32_t default_ttl = 3600;
constexpr std::uint32_t delegation_ttl = 172800;  // what the root and TLDs use for NS and glue

std::string absolute(std::string text) {
  if (text.empty() || text.back() != '.') text += '.';
  return text;
}

// "line 4: bad TTL" -> "bad TTL"
std::string strip_line_prefix(const std::string& message) {
  if (message.rfind("line ", 0) == 0)
    if (auto colon = message.find(": "); colon != std::string::npos) return message.substr(colon + 2);
  return message;
}

bool mentions_soa(const std::string& text) {
  const std::string upper = common::to_upper(text);
  for (std::size_t at = upper.find("SOA"); at != std::string::npos; at = upper.find("SOA", at + 1)) {
    bool left = at == 0 || std::isspace(static_cast<unsigned char>(upper[at - 1]));
    bool right = at + 3 >= upper.size() || std::isspace(static_cast<unsigned char>(upper[at + 3]));
    if (left && right) return true;
  }
  return false;
}

// One entry of `zones:`: {origin, soa?, ttl?, records: [...]} or {origin, soa?, ttl?, text: |...}.
std::optional<dns::Zone> parse_zone(const YAML::Node& item, engine::Host& host, LoadContext& context) {
  if (!context.check_keys(item, "zone", {"origin"}, {"soa", "ttl", "records", "text"})) return std::nullopt;
  auto origin_text = context.text(item["origin"], "zone origin");
  if (!origin_text) return std::nullopt;
  auto origin = dns::Name::from_text(absolute(*origin_text));
  if (!origin.ok()) {
    context.error(item["origin"], "'" + *origin_text + "' is not a domain name: " + origin.error().message,
                  "a zone name like example.org");
    return std::nullopt;
  }
  std::int64_t ttl = default_ttl;
  if (item["ttl"]) {
    auto value = context.integer(item["ttl"], "zone ttl", 0, 2147483647);
    if (!value) return std::nullopt;
    ttl = *value;
  }
  if (item["records"] && item["text"]) {
    context.error(item["text"], "a zone has both records: and text:", "one of them: a list of record lines, or a master file");
    return std::nullopt;
  }
  std::string soa;
  if (item["soa"]) {
    auto value = context.text(item["soa"], "zone soa");
    if (!value) return std::nullopt;
    soa = *value;
  } else {
    // RFC 1035 §3.3.13: MNAME the primary (this host), RNAME the hostmaster's mailbox.
    soa = absolute(host.name()) + " hostmaster." + origin.value().to_text() + " 1 3600 600 86400 300";
  }
  std::string text = "$ORIGIN " + origin.value().to_text() + "\n$TTL " + std::to_string(ttl) + "\n";
  std::string body;
  std::vector<YAML::Node> record_nodes;
  if (item["records"]) {
    if (!context.require_sequence(item["records"], "zone records")) return std::nullopt;
    for (const auto& record : item["records"]) {
      auto line = context.text(record, "zone record");
      if (!line) return std::nullopt;
      if (line->find('\n') != std::string::npos) {
        context.error(record, "a record line holds a line break", "one record per list entry");
        return std::nullopt;
      }
      body += *line + "\n";
      record_nodes.push_back(record);
    }
  } else if (item["text"]) {
    auto value = context.text(item["text"], "zone text");
    if (!value) return std::nullopt;
    body = *value;
  }
  bool own_soa = item["text"] && mentions_soa(body);
  if (!own_soa) text += "@ IN SOA " + soa + "\n";
  const std::size_t first_body_line = own_soa ? 3 : 4;
  text += body;
  auto zone = dns::Zone::parse(text, origin.value());
  if (zone.ok()) {
    note_cname_records(zone.value(), item, record_nodes, context);
    return std::move(zone).value();
  }
  const std::size_t line = zone.error().offset;
  std::string what = strip_line_prefix(zone.error().message);
  if (line >= first_body_line && !record_nodes.empty() && line - first_body_line < record_nodes.size()) {
    context.error(record_nodes[line - first_body_line], "bad record: " + what, "a record like \"mail 3600 IN A 10.0.2.25\"");
  } else if (line >= first_body_line && item["text"]) {
    SourceLocation where = context.location(item["text"]);
    where.line += static_cast<int>(line - first_body_line) + 1;  // a block scalar starts on the next line
    where.column = 0;
    context.error(where, "bad zone line: " + what, "master-file lines like \"mail 3600 IN A 10.0.2.25\"");
  } else {
    context.error(item["soa"] ? item["soa"] : item, "bad zone " + origin.value().to_text() + ": " + what,
                  "soa: \"ns1.example.org. hostmaster.example.org. 1 3600 600 86400 300\"");
  }
  return std::nullopt;
}

// `network: 10.0.0.0/8` -> (10.0.0.0, 8), and the zone that holds its PTR records, 10.in-addr.arpa
// (RFC 1035 §3.5). Only whole octets (/8, /16, /24) map onto one in-addr.arpa zone.
std::optional<std::pair<engine::Address, int>> parse_reverse_network(const YAML::Node& node, LoadContext& context) {
  auto text = context.text(node, "dns_server network");
  if (!text) return std::nullopt;
  const std::string expected = "a network on an octet boundary, like 10.0.0.0/8, 10.0.0.0/16 or 10.0.3.0/24";
  const auto slash = text->find('/');
  auto base = engine::parse_address(text->substr(0, slash));
  const std::string prefix = slash == std::string::npos ? "" : text->substr(slash + 1);
  if (!base || (prefix != "8" && prefix != "16" && prefix != "24")) {
    context.error(node, "'" + *text + "' is not a network for a reverse zone", expected);
    return std::nullopt;
  }
  const int bits = std::stoi(prefix);
  if (*base & (0xffffffffu >> bits)) {
    context.error(node, "'" + *text + "' has host bits set after the /" + prefix, expected);
    return std::nullopt;
  }
  return std::make_pair(*base, bits);
}

dns::Name reverse_zone_origin(engine::Address base, int bits) {
  // 25.3.0.10.in-addr.arpa. without the host octets: 10.in-addr.arpa. for a /8.
  auto full = dns::Name::from_text(dns::reverse_pointer_name(base));
  return full.value().first_labels(2 + static_cast<std::size_t>(bits / 8));
}

// The readers below return false to give up on the block (its error reported); an error after
// which reading goes on (to report the next one) sets `ok` to false instead.

// zones: each parsed, none twice.
bool read_zones(const YAML::Node& block, engine::Host& host, LoadContext& context, dns::ZoneSet& zones, bool& ok) {
  if (!block["zones"]) return true;
  if (!context.require_sequence(block["zones"], "dns_server zones")) return false;
  for (const auto& item : block["zones"]) {
    auto zone = parse_zone(item, host, context);
    if (!zone) {
      ok = false;
      continue;
    }
    if (zones.find_zone(zone->origin()) && zones.find_zone(zone->origin())->origin() == zone->origin()) {
      context.error(item, "zone " + zone->origin().to_text() + " is listed twice on '" + host.name() + "'",
                    "each zone once");
      ok = false;
      continue;
    }
    zones.add(std::move(*zone));
  }
  return true;
}

// generate: root | tld (with tld:) | reverse (with network:), the zone the finalizer fills.
bool read_generate(const YAML::Node& block, ServerEntry& entry, LoadContext& context, bool& ok) {
  if (!block["generate"]) {
    if (block["tld"]) {
      context.error(block["tld"], "tld: without generate: tld", "generate: tld, tld: org");
      ok = false;
    }
    return true;
  }
  auto kind = context.text(block["generate"], "dns_server generate");
  if (!kind) return false;
  if (*kind == "root") {
    entry.generate = dns::Name();
    if (block["tld"]) {
      context.error(block["tld"], "tld: goes with generate: tld, not generate: root", "no tld: here");
      ok = false;
    }
  } else if (*kind == "tld") {
    if (!block["tld"]) {
      context.error(block, "generate: tld needs the top-level domain", "tld: org");
      return false;
    }
    auto tld = context.text(block["tld"], "dns_server tld");
    if (!tld) return false;
    auto name = dns::Name::from_text(absolute(*tld));
    if (!name.ok() || name.value().label_count() != 1) {
      context.error(block["tld"], "'" + *tld + "' is not a top-level domain", "one label, like org or com");
      return false;
    }
    entry.generate = name.value();
  } else if (*kind == "reverse") {
    if (!block["network"]) {
      context.error(block, "generate: reverse needs the network whose hosts get PTR records", "network: 10.0.0.0/8");
      return false;
    }
    entry.reverse_network = parse_reverse_network(block["network"], context);
    if (!entry.reverse_network) return false;
    entry.generate = reverse_zone_origin(entry.reverse_network->first, entry.reverse_network->second);
  } else {
    context.error(block["generate"],
                  "unknown zone to generate '" + *kind + "'" + did_you_mean(*kind, {"root", "tld", "reverse"}),
                  "root, tld or reverse");
    return false;
  }
  return true;
}

std::unique_ptr<engine::Service> parse_dns_server(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  if (!context.check_keys(block, "dns_server", {}, {"zones", "generate", "tld", "network", "secondary_of", "edns"}))
    return nullptr;
  State& state = context.world.module_state<State>();
  if (host.find_service<engine::ResolverService>()) {
    context.error(block, "'" + host.name() + "' already runs a resolver on UDP port 53",
                  "a separate host for the authoritative server");
    return nullptr;
  }
  ServerEntry entry;
  entry.host = &host;
  entry.block = block;
  bool ok = true;
  dns::ZoneSet zones;
  if (!read_zones(block, host, context, zones, ok)) return nullptr;
  if (!read_generate(block, entry, context, ok)) return nullptr;
  if (block["network"] && !entry.reverse_network) {
    context.error(block["network"], "network: goes with generate: reverse", "generate: reverse, network: 10.0.0.0/8");
    ok = false;
  }
  if (block["secondary_of"]) {
    auto primary = context.text(block["secondary_of"], "dns_server secondary_of");
    if (!primary) return nullptr;
    entry.secondary_of = *primary;
  }
  dns::EdnsSupport edns;
  if (block["edns"]) {  // false: a server from before EDNS(0), 512-octet UDP answers (RFC 6891 §7)
    auto value = context.boolean(block["edns"], "dns_server edns");
    ok = ok && value;
    if (value) edns.enabled = *value;
  }
  if (!ok) return nullptr;
  auto service = std::make_unique<engine::AuthoritativeService>(std::move(zones));
  service->set_edns(edns);
  entry.service = service.get();
  state.servers.push_back(std::move(entry));
  return service;
}

}  // namespace

const std::vector<std::string> resolver_keys = {"root_hints", "server_timeout",   "query_budget", "tries_per_server",
                                                "max_ttl",    "dead_server_hold", "edns"};

bool read_resolver_settings(const YAML::Node& block, dns::ResolverConfig& config, LoadContext& context) {
  const std::size_t errors_before = context.diagnostics.count();
  auto read_duration = [&](const char* key, std::int64_t& into) {
    if (!block[key]) return;
    auto value = context.duration(block[key], std::string("resolver ") + key);
    if (value && *value > 0)
      into = *value;
    else if (value)
      context.error(block[key], std::string("resolver ") + key + " is zero", "a positive duration like 2s");
  };
  read_duration("server_timeout", config.server_timeout);
  read_duration("query_budget", config.query_budget);
  read_duration("dead_server_hold", config.dead_server_hold);
  if (block["tries_per_server"])
    if (auto value = context.integer(block["tries_per_server"], "resolver tries_per_server", 1, 10))
      config.tries_per_server = static_cast<int>(*value);
  if (block["max_ttl"])
    if (auto value = context.integer(block["max_ttl"], "resolver max_ttl", 0, 604800))
      config.max_cache_ttl = static_cast<std::uint32_t>(*value);
  // false: no OPT record upstream or to clients, 512-octet datagrams (RFC 6891); true: the default size.
  if (block["edns"])
    if (auto value = context.boolean(block["edns"], "resolver edns"))
      config.edns_udp_payload_size = *value ? dns::default_edns_payload_size : 0;
  if (block["root_hints"] && context.require_sequence(block["root_hints"], "resolver root_hints")) {
    std::vector<dns::RootHint> hints;
    for (const auto& hint : block["root_hints"])
      if (engine::Host* server = context.host(hint, "root hint")) {
        auto name = dns::Name::from_text(absolute(server->name()));
        hints.push_back(dns::RootHint{name.ok() ? name.value() : dns::Name(), server->address()});
      }
    config.root_hints = std::move(hints);
  }
  return context.diagnostics.count() == errors_before;
}

namespace {

std::unique_ptr<engine::Service> parse_resolver(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  if (!context.check_keys(block, "resolver", {}, resolver_keys)) return nullptr;
  if (host.find_service<engine::AuthoritativeService>()) {
    context.error(block, "'" + host.name() + "' already runs an authoritative server on UDP port 53",
                  "a separate host for the resolver");
    return nullptr;
  }
  dns::ResolverConfig config;
  if (!read_resolver_settings(block, config, context)) return nullptr;
  ResolverEntry entry;
  entry.host = &host;
  entry.block = block;
  entry.explicit_hints = static_cast<bool>(block["root_hints"]);
  // The resolver host's own lookups go to itself (nameserver 127.0.0.1).
  if (host.resolver_address() == 0) host.set_resolver_address(host.address());
  auto service = std::make_unique<engine::ResolverService>(std::move(config));
  entry.service = service.get();
  context.world.module_state<State>().resolvers.push_back(std::move(entry));
  return service;
}

// --- generated zones -------------------------------------------------------------------------

std::optional<dns::Name> host_dns_name(const engine::Host& host) {
  auto name = dns::Name::from_text(absolute(host.name()));
  if (!name.ok()) return std::nullopt;
  return name.value();
}

void add_or_report(dns::Zone& zone, dns::ResourceRecord record, const YAML::Node& where, LoadContext& context) {
  if (auto error = zone.add(record))
    context.error(where, "cannot add " + dns::format_record(record) + " to zone " + zone.origin().to_text() + ": " +
                             error->message);
}

// NS records for `origin` naming every server of it, plus glue A records inside `zone`.
void add_name_servers(dns::Zone& zone, const dns::Name& origin, const std::vector<engine::Host*>& hosts,
                      std::uint32_t ttl, bool only_missing_glue, const YAML::Node& where, LoadContext& context) {
  for (engine::Host* host : hosts) {
    auto name = host_dns_name(*host);
    if (!name) continue;
    add_or_report(zone, dns::make_record(origin, ttl, dns::rdata::NS{*name}), where, context);
    if (!name->is_subdomain_of(zone.origin())) continue;  // out of bailiwick: no glue (RFC 1034 §4.2.1)
    if (only_missing_glue && !zone.find(*name, dns::RecordType::A).empty()) continue;
    add_or_report(zone, dns::make_record(*name, ttl, dns::rdata::A{host->address()}), where, context);
  }
}

// A generated reverse zone: a PTR for every host in the network whose name is a domain name
// (mail.example.org -> PTR mail.example.org.). A bare name (attacker, laptop) is no DNS name,
// so that host gets no PTR, like a client on a line whose provider publishes none. Addresses
// inside a zone delegated further down are left to that zone.
void add_pointer_records(dns::Zone& zone, const std::pair<engine::Address, int>& network,
                         const std::vector<dns::Name>& delegated, const YAML::Node& where, LoadContext& context) {
  const engine::Address mask = ~(0xffffffffu >> network.second);
  for (engine::Host* host : context.world.network.hosts()) {
    if ((host->address() & mask) != network.first || host->name().find('.') == std::string::npos) continue;
    auto name = host_dns_name(*host);
    auto owner = dns::Name::from_text(dns::reverse_pointer_name(host->address()));
    if (!name || !owner.ok()) continue;
    if (std::any_of(delegated.begin(), delegated.end(), [&](const dns::Name& child) {
          return owner.value().is_subdomain_of(child);
        }))
      continue;
    add_or_report(zone, dns::make_record(owner.value(), default_ttl, dns::rdata::PTR{*name}), where, context);
  }
}

void finalize(LoadContext& context) {
  State& state = context.world.module_state<State>();
  // 1. Secondaries copy their primary's declared zones.
  for (auto& entry : state.servers) {
    if (!entry.secondary_of) continue;
    ServerEntry* primary = state.server(*entry.secondary_of);
    if (!primary || primary == &entry || primary->secondary_of) {
      context.error(entry.block["secondary_of"],
                    "'" + *entry.secondary_of + "' is not a primary DNS server in this scenario",
                    "the name of a host with a dns_server block of its own zones");
      continue;
    }
    dns::ZoneSet zones = entry.service->zones();
    for (const auto& zone : primary->service->zones().zones()) zones.add(zone);
    entry.service->set_zones(std::move(zones));
  }
  // 2. Who serves which zone (declared or to be generated), in file order.
  std::map<dns::Name, std::vector<engine::Host*>> served;
  for (auto& entry : state.servers) {
    for (const auto& zone : entry.service->zones().zones()) served[zone.origin()].push_back(entry.host);
    if (entry.generate) served[*entry.generate].push_back(entry.host);
  }
  // 3. Declared zones without NS records at the apex get them (and glue) from their servers.
  for (auto& entry : state.servers) {
    dns::ZoneSet zones;
    for (dns::Zone zone : entry.service->zones().zones()) {
      if (zone.find(zone.origin(), dns::RecordType::NS).empty())
        add_name_servers(zone, zone.origin(), served[zone.origin()], zone.soa().ttl, true, entry.block, context);
      zones.add(std::move(zone));
    }
    entry.service->set_zones(std::move(zones));
  }
  // 4. Generated zones: the apex NS set, and a delegation (NS + glue) for every zone served in
  // the scenario whose closest enclosing zone is this one.
  for (auto& entry : state.servers) {
    if (!entry.generate) continue;
    const dns::Name& origin = *entry.generate;
    const auto& own_servers = served[origin];
    auto primary = host_dns_name(*own_servers.front());
    dns::Name mailbox = origin.prepend("hostmaster").ok() ? origin.prepend("hostmaster").value() : origin;
    dns::rdata::SOA soa{primary ? *primary : dns::Name(), mailbox, 1, 1800, 900, 604800, 3600};
    dns::Zone zone(dns::make_record(origin, 86400, soa));
    add_name_servers(zone, origin, own_servers, delegation_ttl, false, entry.block, context);
    std::vector<dns::Name> delegated;
    for (const auto& [child, hosts] : served) {
      if (child == origin || !child.is_subdomain_of(origin)) continue;
      // Delegated from here unless a zone served between them delegates it (walking up from
      // the child: a generated world has thousands of zones under one TLD).
      bool closer = false;
      for (dns::Name above = child.parent(); above.label_count() > origin.label_count(); above = above.parent())
        if (served.count(above)) closer = true;
      if (!closer) add_name_servers(zone, child, hosts, delegation_ttl, false, entry.block, context);
      delegated.push_back(child);
    }
    if (entry.reverse_network) add_pointer_records(zone, *entry.reverse_network, delegated, entry.block, context);
    dns::ZoneSet zones = entry.service->zones();
    zones.add(std::move(zone));
    entry.service->set_zones(std::move(zones));
  }
  // 5. Root hints: every host serving the root zone, unless the resolver lists its own.
  std::vector<dns::RootHint> hints;
  for (engine::Host* host : served[dns::Name()])
    if (auto name = host_dns_name(*host)) hints.push_back(dns::RootHint{*name, host->address()});
  for (auto& entry : state.resolvers) {
    if (entry.explicit_hints) {
      entry.service->set_root_hints(entry.service->config().root_hints);
      continue;
    }
    if (hints.empty()) {
      context.error(entry.block, "resolver on '" + entry.host->name() + "' has no root servers to start from",
                    "a host with role: dns-root and dns_server: {generate: root}, or root_hints: [...]");
      continue;
    }
    entry.service->set_root_hints(hints);
  }
}

}  // namespace

}  // namespace dns_module

void register_dns_module(Registry& registry) {
  registry.add_service_parser("dns_server", dns_module::parse_dns_server);
  registry.add_service_parser("resolver", dns_module::parse_resolver);
  registry.add_finalizer(dns_module::finalize, FinalizePhase::after_topology);
  registry.add_finalizer(report_cname_loops, FinalizePhase::after_topology);
  dns_module::register_script(registry);
  dns_module::register_set(registry);
}

}  // namespace maillab::scenarios
