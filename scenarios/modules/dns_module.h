// The DNS scenario module's shared state and helpers (dns_module*.cpp): servers and resolvers
// declared in the file, stub resolvers made for scripted lookups, and what those lookups got.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/hosts/dns/authoritative_service.h"
#include "engine/hosts/dns/resolver_service.h"
#include "engine/hosts/dns/stub_resolver.h"
#include "scenarios/load_context.h"
#include "scenarios/registry.h"

namespace maillab::scenarios::dns_module {

struct ServerEntry {
  engine::Host* host = nullptr;
  engine::AuthoritativeService* service = nullptr;
  std::optional<dns::Name> generate;         // root ".", a TLD or a reverse zone: filled in after the topology
  // generate: reverse: the network whose hosts get PTR records (prefix 8, 16 or 24 bits).
  std::optional<std::pair<engine::Address, int>> reverse_network;
  std::optional<std::string> secondary_of;   // copy that server's declared zones
  YAML::Node block;
};

struct ResolverEntry {
  engine::Host* host = nullptr;
  engine::ResolverService* service = nullptr;
  bool explicit_hints = false;
  YAML::Node block;
};

struct LookupOutcome {
  std::string from;
  dns::Name name;
  dns::RecordType type = dns::RecordType::A;
  engine::Time asked_at = 0;
  bool finished = false;
  engine::Time finished_at = 0;
  engine::DnsLookupResult result;
};

struct RouteOutcome {
  std::string from;
  std::string domain;
  engine::Time asked_at = 0;
  bool finished = false;
  engine::StubResolver::MailRoute route;
};

struct State {
  std::vector<ServerEntry> servers;
  std::vector<ResolverEntry> resolvers;
  std::map<std::string, std::unique_ptr<engine::StubResolver>> stubs;  // by host name
  std::deque<LookupOutcome> lookups;  // deque: actions keep pointers to their entries
  std::deque<RouteOutcome> routes;

  ServerEntry* server(const std::string& host_name);
  ResolverEntry* resolver(const std::string& host_name);
  engine::StubResolver& stub(engine::Host& host);
};

// Parses one record line ("mail 3600 IN A 10.0.2.25") relative to `zone`'s origin; the error
// message (without a location) when it is not exactly one valid record.
std::variant<dns::ResourceRecord, std::string> parse_record_line(const std::string& line, const dns::Zone& zone);

// The zone a change names (`zone: <origin>` in `value`), or the server's only zone; nullptr after a
// located error. `what` names the action in messages ("dns_record").
const dns::Zone* zone_to_change(const YAML::Node& value, ServerEntry& server, LoadContext& context,
                                std::string_view what);

// One record line of `zone` (a located error when it is not one, or lies outside the zone).
std::optional<dns::ResourceRecord> read_record(const YAML::Node& line_node, const dns::Zone& zone,
                                              LoadContext& context, std::string_view what);

// The keys of a `resolver:` block, and their reader: the block at load (over the defaults) and a
// `set:` during the run (over the running resolver's settings) both come through here; only the
// keys present change `config`. False after a located error.
extern const std::vector<std::string> resolver_keys;
bool read_resolver_settings(const YAML::Node& block, dns::ResolverConfig& config, LoadContext& context);

// "10 mail.example.org [10.0.2.25]; 20 backup.example.org [10.0.3.25]"
std::string describe_route(const engine::StubResolver::MailRoute& route);
std::string_view to_string(engine::StubResolver::MailRoute::Status status);

void register_script(Registry& registry);  // dns_module_script.cpp: actions and expectations
void register_set(Registry& registry);     // dns_module_set.cpp: set: {host, dns_server: {...}}

}  // namespace maillab::scenarios::dns_module
