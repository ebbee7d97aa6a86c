// Generated reverse zones (dns_server: {generate: reverse, network: ...}): PTR records for the
// hosts with domain names, the root's delegation of in-addr.arpa only when such a server exists,
// explicit in-addr.arpa zones, and located errors for a bad network.
#include <catch2/catch.hpp>

#include "tests/support/worlds.h"
#include "engine/hosts/dns/authoritative_service.h"
#include "protocols/dns/presentation.h"

using namespace maillab;

namespace {

const std::string reverse_server =
    "  - {name: ns-reverse.example.org, address: 10.0.2.54, dns_server: {generate: reverse, network: 10.0.0.0/8}}\n"
    "  - {name: mail.example.org, address: 10.0.2.25}\n"
    "  - {name: attacker, address: 10.0.9.66}\n"
    "  - {name: far.example.org, address: 192.0.2.7}\n";

const dns::ZoneSet& zones_of(scenarios::World& world, const std::string& host) {
  auto* service = world.network.host(host)->find_service<engine::AuthoritativeService>();
  REQUIRE(service);
  return service->zones();
}

std::vector<std::string> records_at(const dns::ZoneSet& zones, const std::string& name, dns::RecordType type) {
  std::vector<std::string> found;
  auto owner = dns::Name::from_text(name).value();
  for (const auto& zone : zones.zones())
    for (const auto& record : zone.find(owner, type)) found.push_back(dns::format_record(record));
  return found;
}

// testing::internet with the reverse server (and the other extra hosts) linked to the core router.
std::string linked(std::string yaml) {
  const std::string links = "links:\n";
  yaml.insert(yaml.find(links) + links.size(),
              "  - {between: [ns-reverse.example.org, core], latency: 5ms}\n"
              "  - {between: [mail.example.org, core], latency: 5ms}\n");
  return yaml;
}

bool has(const std::string& errors, const std::string& text) { return errors.find(text) != std::string::npos; }

}  // namespace

TEST_CASE("hosts_dns: generate: reverse gives PTRs to hosts with domain names in the network only",
          "[hosts_dns][reverse]") {
  auto world = testing::load_text(testing::dns_world({"mail 300 IN A 10.0.2.25"}, "", reverse_server));
  const auto& zones = zones_of(*world, "ns-reverse.example.org");
  REQUIRE(zones.zones().size() == 1);
  CHECK(zones.zones().front().origin().to_text() == "10.in-addr.arpa.");
  auto mail = records_at(zones, "25.2.0.10.in-addr.arpa.", dns::RecordType::PTR);
  REQUIRE(mail.size() == 1);
  CHECK(mail.front().find("PTR mail.example.org.") != std::string::npos);
  CHECK(records_at(zones, "53.2.0.10.in-addr.arpa.", dns::RecordType::PTR).size() == 1);  // ns1.example.org
  // Bare names (attacker, laptop, resolver1, the router core) get none; 192.0.2.7 is outside.
  CHECK(records_at(zones, "66.9.0.10.in-addr.arpa.", dns::RecordType::PTR).empty());
  CHECK(records_at(zones, "10.1.0.10.in-addr.arpa.", dns::RecordType::PTR).empty());
  CHECK(records_at(zones, "1.9.0.10.in-addr.arpa.", dns::RecordType::PTR).empty());
  CHECK(records_at(zones, "7.2.0.192.in-addr.arpa.", dns::RecordType::PTR).empty());

  // The root delegates 10.in-addr.arpa to it, with glue.
  const auto& root = zones_of(*world, "a.root-servers.net");
  auto delegation = records_at(root, "10.in-addr.arpa.", dns::RecordType::NS);
  REQUIRE(delegation.size() == 1);
  CHECK(delegation.front().find("NS ns-reverse.example.org.") != std::string::npos);
  CHECK(records_at(root, "ns-reverse.example.org.", dns::RecordType::A).size() == 1);
}

TEST_CASE("hosts_dns: without a reverse server the root zone has no in-addr.arpa delegation", "[hosts_dns][reverse]") {
  auto world = testing::load_text(testing::dns_world({"mail 300 IN A 10.0.2.25"}, ""));
  const auto& root = zones_of(*world, "a.root-servers.net");
  for (const auto& zone : root.zones())
    for (const auto& record : zone.all_records())
      CHECK(dns::format_record(record).find("in-addr.arpa") == std::string::npos);
}

TEST_CASE("hosts_dns: a laptop's dig -x walks root -> 10.in-addr.arpa -> the reverse server", "[hosts_dns][reverse]") {
  auto world = testing::load_text(linked(testing::dns_world(
      {"mail 300 IN A 10.0.2.25"},
      "  - {at: 1s, lookup: {from: laptop, name: 25.2.0.10.in-addr.arpa, type: PTR}}\n"
      "  - {at: 2s, lookup: {from: laptop, name: 66.9.0.10.in-addr.arpa, type: PTR}}\n",
      reverse_server,
      "  - {dns_answer: {from: laptop, name: 25.2.0.10.in-addr.arpa, type: PTR, contains: \"PTR mail.example.org.\"}}\n"
      "  - {dns_answer: {from: laptop, name: 66.9.0.10.in-addr.arpa, type: PTR, rcode: NXDOMAIN}}\n"
      "  - {dns_queries: {server: a.root-servers.net, name: 25.2.0.10.in-addr.arpa, type: PTR, count: 1}}\n"
      "  - {dns_queries: {server: ns-reverse.example.org, name: 25.2.0.10.in-addr.arpa, type: PTR, count: 1}}\n")));
  scenarios::run_world(*world);
  auto outcome = scenarios::evaluate(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
}

TEST_CASE("hosts_dns: an explicit in-addr.arpa zone with PTR records is served and delegated", "[hosts_dns][reverse]") {
  const std::string explicit_reverse =
      "  - name: ns-reverse.example.org\n"
      "    address: 10.0.2.54\n"
      "    dns_server:\n"
      "      zones:\n"
      "        - origin: 2.0.10.in-addr.arpa\n"
      "          records: [\"25 IN PTR mail.example.org.\"]\n"
      "  - {name: mail.example.org, address: 10.0.2.25}\n";
  auto world = testing::load_text(linked(testing::dns_world(
      {"mail 300 IN A 10.0.2.25"}, "  - {at: 1s, lookup: {from: laptop, name: 25.2.0.10.in-addr.arpa, type: PTR}}\n",
      explicit_reverse,
      "  - {dns_answer: {from: laptop, name: 25.2.0.10.in-addr.arpa, type: PTR, contains: \"PTR mail.example.org.\"}}\n")));
  CHECK(records_at(zones_of(*world, "a.root-servers.net"), "2.0.10.in-addr.arpa.", dns::RecordType::NS).size() == 1);
  scenarios::run_world(*world);
  auto outcome = scenarios::evaluate(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
}

TEST_CASE("hosts_dns: a bad reverse network is reported at its line and column", "[hosts_dns][reverse]") {
  std::string errors = testing::load_errors(
      "hosts:\n"
      "  - {name: a.example.org, address: 10.0.0.1, dns_server: {generate: reverse, network: 10.0.0.0/12}}\n"
      "  - {name: b.example.org, address: 10.0.0.2, dns_server: {generate: reverse, network: 10.0.3.0/16}}\n"
      "  - {name: c.example.org, address: 10.0.0.3, dns_server: {generate: reverse}}\n"
      "  - {name: d.example.org, address: 10.0.0.4, dns_server: {generate: root, network: 10.0.0.0/8}}\n"
      "  - {name: e.example.org, address: 10.0.0.5, dns_server: {generate: reverse, network: ten}}\n");
  INFO(errors);
  CHECK(has(errors, "test.yaml:2:87:"));
  CHECK(has(errors, "'10.0.0.0/12' is not a network for a reverse zone"));
  CHECK(has(errors, "test.yaml:3:"));
  CHECK(has(errors, "host bits set"));
  CHECK(has(errors, "test.yaml:4:"));
  CHECK(has(errors, "network: 10.0.0.0/8"));
  CHECK(has(errors, "test.yaml:5:"));
  CHECK(has(errors, "network: goes with generate: reverse"));
  CHECK(has(errors, "test.yaml:6:"));
}
