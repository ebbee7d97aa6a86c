// Shared by the hosts_dns tests: a small Internet (laptop, resolver, root, org, example.org) as
// scenario YAML, loaded and run through the real loader and the DNS module.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/core/trace.h"
#include "scenarios/loader.h"
#include "scenarios/outcome.h"

namespace dns_test {

// `zone_records`: YAML list items for example.org (each "            - \"...\"\n" is added here).
inline std::string internet(const std::vector<std::string>& zone_records, const std::string& events,
                            const std::string& extra_hosts = "", const std::string& expect = "") {
  std::string text =
      "until: 60s\n"
      "hosts:\n"
      "  - {name: laptop, address: 10.0.1.10, resolver: resolver1}\n"
      "  - {name: resolver1, address: 10.0.1.53, resolver: {}}\n"
      "  - {name: a.root-servers.net, address: 198.41.0.4, role: dns-root, dns_server: {generate: root}}\n"
      "  - {name: a0.org-servers.net, address: 199.19.56.1, dns_server: {generate: tld, tld: org}}\n"
      "  - name: ns1.example.org\n"
      "    address: 10.0.2.53\n"
      "    dns_server:\n"
      "      zones:\n"
      "        - origin: example.org\n"
      "          records:\n";
  for (const auto& record : zone_records) text += "            - \"" + record + "\"\n";
  text += extra_hosts;
  text +=
      "routers:\n"
      "  - {name: core, address: 10.0.9.1}\n"
      "links:\n"
      "  - {between: [laptop, core], latency: 5ms}\n"
      "  - {between: [resolver1, core], latency: 1ms}\n"
      "  - {between: [a.root-servers.net, core], latency: 20ms}\n"
      "  - {between: [a0.org-servers.net, core], latency: 15ms}\n"
      "  - {between: [ns1.example.org, core], latency: 10ms}\n";
  if (!events.empty()) text += "events:\n" + events;
  if (!expect.empty()) text += "expect:\n" + expect;
  return text;
}

inline std::unique_ptr<maillab::scenarios::World> load(const std::string& yaml, std::uint64_t seed = 1) {
  maillab::scenarios::Diagnostics diagnostics;
  auto world = maillab::scenarios::load_world_from_string(yaml, "test.yaml", seed, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

inline std::string load_errors(const std::string& yaml) {
  maillab::scenarios::Diagnostics diagnostics;
  auto world = maillab::scenarios::load_world_from_string(yaml, "test.yaml", 1, diagnostics);
  CHECK_FALSE(world);
  return diagnostics.to_string();
}

// Records of one kind from one node, in order.
inline std::vector<maillab::engine::TraceRecord> records(const maillab::scenarios::World& world,
                                                         maillab::engine::TraceKind kind, const std::string& node) {
  std::vector<maillab::engine::TraceRecord> found;
  for (const auto& r : world.simulator.trace().records())
    if (r.kind == kind && r.node == node) found.push_back(r);
  return found;
}

// Iterative queries the resolver sent (protocol records resolver1 -> server "Q ...").
inline std::vector<maillab::engine::TraceRecord> resolver_queries(const maillab::scenarios::World& world) {
  std::vector<maillab::engine::TraceRecord> found;
  for (const auto& r : records(world, maillab::engine::TraceKind::protocol, "resolver1"))
    if (r.summary.rfind("Q ", 0) == 0 && !r.peer.empty()) found.push_back(r);
  return found;
}

}  // namespace dns_test
