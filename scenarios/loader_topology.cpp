// The network part of a scenario: hosts (with their service blocks), routers, links, tcp.
#include <cctype>

#include "engine/net/network.h"
#include "scenarios/loader_parts.h"

namespace maillab::scenarios::loader {
namespace {

constexpr std::string_view name_rule = "a name of letters, digits, '.', '-' or '_'";

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_') return false;
  return true;
}

// Reads `name:`; reports a bad or duplicate one. Returns the name and whether it is usable.
std::pair<std::string, bool> declared_name(const YAML::Node& item, std::string_view what, LoadContext& context,
                                           Scratch& scratch) {
  const YAML::Node node = item["name"];
  if (!node.IsDefined()) return {"", false};  // check_keys reported it
  auto name = context.text(node, std::string(what) + " name");
  if (!name) return {"", false};
  if (!valid_name(*name)) {
    context.error(node, "bad " + std::string(what) + " name '" + *name + "'", name_rule);
    return {*name, false};
  }
  auto [it, inserted] = scratch.names.emplace(*name, context.location(node));
  if (!inserted) {
    context.error(node, "duplicate name '" + *name + "' (first declared at " + it->second.to_string() + ")",
                  "a name used by no other host or router");
    return {*name, false};
  }
  return {*name, true};
}

// Reads an optional `address:`; reports a bad or duplicate one.
std::pair<std::optional<engine::Address>, bool> declared_address(const YAML::Node& item, LoadContext& context,
                                                                 Scratch& scratch) {
  const YAML::Node node = item["address"];
  if (!node.IsDefined()) return {std::nullopt, true};
  auto address = context.address(node, "address");
  if (!address) return {std::nullopt, false};
  auto [it, inserted] = scratch.addresses.emplace(*address, context.location(node));
  if (!inserted) {
    context.error(node, "duplicate address " + node.Scalar() + " (first declared at " + it->second.to_string() + ")",
                  "an address used by no other node");
    return {address, false};
  }
  return {address, true};
}

void read_position(const YAML::Node& item, const std::string& name, LoadContext& context) {
  const YAML::Node node = item["position"];
  if (!node.IsDefined()) return;
  if (!node.IsSequence() || node.size() != 2) {
    context.error(node, "position is " + LoadContext::describe(node), "[x, y], two numbers");
    return;
  }
  auto x = context.number(node[0], "position x", -1e6, 1e6);
  auto y = context.number(node[1], "position y", -1e6, 1e6);
  if (x && y) context.world.positions[name] = Position{*x, *y};
}

std::string text_or(const YAML::Node& item, const char* key, std::string fallback, LoadContext& context) {
  const YAML::Node node = item[key];
  if (!node.IsDefined()) return fallback;
  auto value = context.text(node, key);
  return value ? *value : fallback;
}

}  // namespace

void load_tcp(const YAML::Node& tcp, LoadContext& context) {
  if (!context.check_keys(tcp, "tcp", {}, {"initial_rto", "max_rto", "syn_retries", "data_retries", "mss"})) {
    if (!tcp.IsMap()) return;
  }
  engine::TcpOptions& options = context.world.network.tcp_options();
  if (tcp["initial_rto"]) {
    if (auto v = context.duration(tcp["initial_rto"], "tcp initial_rto")) options.initial_rto = *v;
  }
  if (tcp["max_rto"]) {
    if (auto v = context.duration(tcp["max_rto"], "tcp max_rto")) options.max_rto = *v;
  }
  if (tcp["syn_retries"]) {
    if (auto v = context.integer(tcp["syn_retries"], "tcp syn_retries", 0, 20)) options.syn_retries = static_cast<int>(*v);
  }
  if (tcp["data_retries"]) {
    if (auto v = context.integer(tcp["data_retries"], "tcp data_retries", 1, 30))
      options.data_retries = static_cast<int>(*v);
  }
  if (tcp["mss"]) {
    if (auto v = context.integer(tcp["mss"], "tcp mss", 64, 65495)) options.mss = static_cast<std::size_t>(*v);
  }
}

void load_hosts(const YAML::Node& hosts, LoadContext& context, const Registry& registry, Scratch& scratch) {
  if (!context.require_sequence(hosts, "hosts")) return;
  std::vector<std::string> optional = {"role", "position", "resolver"};
  for (const auto& key : registry.service_keys())
    if (key != "resolver") optional.push_back(key);
  std::vector<std::pair<engine::Host*, YAML::Node>> stub_resolvers;

  for (const auto& item : hosts) {
    if (!context.require_map(item, "a host")) continue;
    context.check_keys(item, "host", {"name", "address"}, optional);
    auto [name, name_ok] = declared_name(item, "host", context, scratch);
    auto [address, address_ok] = declared_address(item, context, scratch);
    std::string role = text_or(item, "role", "host", context);
    engine::Host* host = nullptr;
    if (name_ok && address_ok && address) host = context.world.network.add_host(name, *address, role);
    if (!host) {
      if (!name.empty()) context.note_broken_name(name);
      // Still build it (elsewhere) so that its service blocks get checked.
      int n = scratch.next++;
      host = scratch.network.add_host("unusable-" + std::to_string(n), static_cast<engine::Address>(n), role);
    }
    if (name_ok) read_position(item, name, context);

    for (const auto& entry : item) {
      if (!entry.first.IsScalar()) continue;
      const std::string key = entry.first.Scalar();
      if (key == "resolver" && !entry.second.IsMap()) {
        stub_resolvers.emplace_back(host, entry.second);
        continue;
      }
      const ServiceParser* parser = registry.service_parser(key);
      if (!parser) {
        if (key == "resolver")
          context.error(entry.second, "resolver is a map, but no resolver service is built into this maillab",
                        "the address or host name of this host's DNS resolver");
        continue;
      }
      auto service = guarded(context, entry.second, [&] { return (*parser)(entry.second, *host, context); });
      if (service) host->add_service(std::move(service));
    }
  }

  // `resolver: 10.0.0.53` or `resolver: dns-resolver` — the stub resolver's server; names may
  // refer to hosts declared further down, hence after the loop.
  for (auto& [host, node] : stub_resolvers) {
    if (!node.IsScalar()) {
      context.error(node, "resolver is " + LoadContext::describe(node),
                    "the address or host name of this host's DNS resolver, or a resolver service map");
      continue;
    }
    if (auto address = engine::parse_address(node.Scalar())) {
      // An address nobody has would only fail at run time, each lookup timing out.
      if (!context.world.network.host_at(*address)) {
        context.error(node, "resolver " + node.Scalar() + " is no host's address",
                      "the address or name of a host in this scenario that runs a resolver");
        continue;
      }
      host->set_resolver_address(*address);
    } else if (engine::Host* server = context.host(node, "resolver")) {
      host->set_resolver_address(server->address());
    }
  }
}

void load_routers(const YAML::Node& routers, LoadContext& context, Scratch& scratch) {
  if (!context.require_sequence(routers, "routers")) return;
  for (const auto& item : routers) {
    if (!context.require_map(item, "a router")) continue;
    context.check_keys(item, "router", {"name"}, {"address", "role", "position"});
    auto [name, name_ok] = declared_name(item, "router", context, scratch);
    auto [address, address_ok] = declared_address(item, context, scratch);
    std::string role = text_or(item, "role", "router", context);
    if (name_ok && address_ok) {
      if (!context.world.network.add_router(name, address, role)) {
        context.error(item, "router '" + name + "' could not be added", "a unique name and address");
        context.note_broken_name(name);
      }
      read_position(item, name, context);
    } else if (!name.empty()) {
      context.note_broken_name(name);
    }
  }
}

void load_links(const YAML::Node& links, LoadContext& context) {
  if (!context.require_sequence(links, "links")) return;
  for (const auto& item : links) {
    if (!context.require_map(item, "a link")) continue;
    context.check_keys(item, "link", {"between"}, {"latency", "bandwidth", "loss", "up"});
    const YAML::Node between = item["between"];
    if (!between.IsDefined()) continue;
    if (!between.IsSequence() || between.size() != 2) {
      context.error(between, "between is " + LoadContext::describe(between) +
                                 (between.IsSequence() ? " of " + std::to_string(between.size()) + " names" : ""),
                    "[a, b], the names of the two nodes the link joins");
      continue;
    }
    auto a = context.node_name(between[0], "link end");
    auto b = context.node_name(between[1], "link end");
    engine::LinkSpec spec;
    bool ok = a && b;
    if (a && b && *a == *b) {
      context.error(between, "link joins '" + *a + "' to itself", "two different nodes");
      ok = false;
    }
    if (item["latency"]) {
      auto v = context.duration(item["latency"], "link latency");
      if (v) spec.latency = *v;
      ok = ok && v;
    }
    if (item["bandwidth"]) {
      auto v = context.bandwidth(item["bandwidth"], "link bandwidth");
      if (v) spec.bandwidth_bps = *v;
      ok = ok && v;
    }
    if (item["loss"]) {
      auto v = context.number(item["loss"], "link loss", 0.0, 1.0);
      if (v) spec.loss = *v;
      ok = ok && v;
    }
    if (item["up"]) {
      auto v = context.boolean(item["up"], "link up");
      if (v) spec.up = *v;
      ok = ok && v;
    }
    if (!ok) continue;
    if (context.world.network.find_link(*a, *b)) {
      context.error(between, "a second link between '" + *a + "' and '" + *b + "'", "at most one link per pair");
      continue;
    }
    if (!context.world.network.add_link(*a, *b, spec))
      context.error(between, "link between '" + *a + "' and '" + *b + "' could not be added", "two existing nodes");
  }
}

}  // namespace maillab::scenarios::loader
