// StubResolver: retries and timeouts, and resolve_mail_route (RFC 5321 §5.1).
#include <catch2/catch.hpp>

#include <set>

#include "tests/support/worlds.h"
#include "engine/net/network.h"
#include "scenarios/modules/dns_module.h"

using namespace maillab;
using engine::seconds;
using Status = engine::StubResolver::MailRoute::Status;

namespace {

std::vector<std::string> route_hosts(const engine::StubResolver::MailRoute& route) {
  std::vector<std::string> hosts;
  for (const auto& exchanger : route.exchangers) hosts.push_back(exchanger.host);
  return hosts;
}

const engine::StubResolver::MailRoute& run_route(scenarios::World& world) {
  scenarios::run_world(world);
  auto& state = world.module_state<scenarios::dns_module::State>();
  REQUIRE(state.routes.size() == 1);
  REQUIRE(state.routes[0].finished);
  return state.routes[0].route;
}

}  // namespace

TEST_CASE("hosts_dns: the stub retries 3 times 2 s apart, then reports a timeout", "[hosts_dns]") {
  engine::Simulator simulator(1);
  engine::Network network(simulator);
  engine::Host* laptop = network.add_host("laptop", 0x0A00010A);
  network.add_host("silent", 0x0A000135);  // no resolver listening
  network.add_link("laptop", "silent", {});
  laptop->set_resolver_address(0x0A000135);
  bool called = false;
  engine::DnsLookupResult got;
  engine::Time when = 0;
  {
    engine::StubResolver stub(*laptop);
    simulator.schedule_at(seconds(1), [&] {
      stub.lookup(dns::Name::literal("example.org."), dns::RecordType::A, [&](const engine::DnsLookupResult& r) {
        called = true;
        got = r;
        when = simulator.now();
      });
    });
    simulator.run_until(seconds(20));
    CHECK(stub.queries_sent() == 3);
    CHECK(stub.timeouts() == 1);
  }
  REQUIRE(called);
  CHECK(got.timed_out);
  CHECK(when == seconds(7));
  std::vector<engine::Time> sends;
  for (const auto& r : simulator.trace().records())
    if (r.kind == engine::TraceKind::protocol && r.node == "laptop" && r.summary.rfind("Q A example.org", 0) == 0)
      sends.push_back(r.time);
  CHECK(sends == std::vector<engine::Time>{seconds(1), seconds(3), seconds(5)});
}

TEST_CASE("hosts_dns: retries are configurable and a destroyed stub never calls back", "[hosts_dns]") {
  engine::Simulator simulator(1);
  engine::Network network(simulator);
  engine::Host* laptop = network.add_host("laptop", 0x0A00010A);
  network.add_host("silent", 0x0A000135);
  network.add_link("laptop", "silent", {});
  laptop->set_resolver_address(0x0A000135);
  bool called = false;
  engine::Time when = 0;
  auto stub = std::make_unique<engine::StubResolver>(*laptop, engine::StubResolver::Options{2, seconds(1)});
  stub->lookup(dns::Name::literal("a.example."), dns::RecordType::A, [&](const engine::DnsLookupResult& r) {
    called = r.timed_out;
    when = simulator.now();
  });
  bool second_called = false;
  stub->lookup(dns::Name::literal("b.example."), dns::RecordType::A, [&](const engine::DnsLookupResult&) { second_called = true; });
  simulator.run_until(seconds(2));
  CHECK(called);
  CHECK(when == seconds(2));
  CHECK(second_called);
  // The second lookup also ends at 2 s exactly; destroy a fresh one mid-flight instead.
  stub->lookup(dns::Name::literal("c.example."), dns::RecordType::A, [&](const engine::DnsLookupResult&) { FAIL("called after destruction"); });
  stub.reset();
  simulator.run_until(seconds(10));  // FAIL above if the destroyed stub calls back
}

TEST_CASE("hosts_dns: mail route sorts exchangers by preference with their addresses", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world(
      {"@ 300 IN MX 20 backup", "@ 300 IN MX 10 mail", "mail 300 IN A 10.0.2.25", "backup 300 IN A 10.0.2.26",
       "backup 300 IN A 10.0.2.27"},
      "  - {at: 1s, mail_route: {from: laptop, domain: example.org}}\n"));
  const auto& route = run_route(*world);
  CHECK(route.status == Status::ok);
  CHECK_FALSE(route.implicit);
  REQUIRE(route_hosts(route) == std::vector<std::string>{"mail.example.org", "backup.example.org"});
  CHECK(route.exchangers[0].preference == 10);
  CHECK(route.exchangers[0].addresses == std::vector<engine::Address>{0x0A000219});
  CHECK(route.exchangers[1].addresses.size() == 2);
}

TEST_CASE("hosts_dns: equal preferences are shuffled, the same way for the same seed", "[hosts_dns]") {
  std::vector<std::string> zone = {"@ 300 IN MX 5 first"};
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    zone.push_back(std::string("@ 300 IN MX 10 ") + name);
    zone.push_back(std::string(name) + " 300 IN A 10.0.2.1");
  }
  zone.push_back("first 300 IN A 10.0.2.9");
  std::string yaml = testing::dns_world(zone, "  - {at: 1s, mail_route: {from: laptop, domain: example.org}}\n");
  std::set<std::vector<std::string>> orders;
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    auto one = testing::load_text(yaml, seed);
    auto two = testing::load_text(yaml, seed);
    auto first = route_hosts(run_route(*one));
    auto second = route_hosts(run_route(*two));
    CHECK(first == second);
    REQUIRE(first.size() == 6);
    CHECK(first[0] == "first.example.org");  // the lower preference always comes first
    orders.insert(first);
  }
  CHECK(orders.size() > 1);
}

TEST_CASE("hosts_dns: no MX records means the domain's own A record (implicit MX)", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world({"@ 300 IN A 10.0.2.40"},
                                                 "  - {at: 1s, mail_route: {from: laptop, domain: example.org}}\n"));
  const auto& route = run_route(*world);
  CHECK(route.status == Status::ok);
  CHECK(route.implicit);
  REQUIRE(route.exchangers.size() == 1);
  CHECK(route.exchangers[0].host == "example.org");
  CHECK(route.exchangers[0].addresses == std::vector<engine::Address>{0x0A000228});
}

TEST_CASE("hosts_dns: mail route for a domain that does not exist is nxdomain, no address is no_address", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world({"www 300 IN A 10.0.2.40"},
                                                 "  - {at: 1s, mail_route: {from: laptop, domain: nosuch.example.org}}\n"));
  CHECK(run_route(*world).status == Status::nxdomain);
  auto empty = testing::load_text(testing::dns_world({"www 300 IN A 10.0.2.40"},
                                                 "  - {at: 1s, mail_route: {from: laptop, domain: example.org}}\n"));
  const auto& route = run_route(*empty);
  CHECK(route.status == Status::no_address);
  CHECK(route.implicit);
}

TEST_CASE("hosts_dns: a CNAME'd exchanger is followed to its address", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world({"@ 300 IN MX 10 alias", "alias 300 IN CNAME mail", "mail 300 IN A 10.0.2.25"},
                                                 "  - {at: 1s, mail_route: {from: laptop, domain: example.org}}\n"));
  const auto& route = run_route(*world);
  CHECK(route.status == Status::ok);
  REQUIRE(route.exchangers.size() == 1);
  CHECK(route.exchangers[0].host == "alias.example.org");
  CHECK(route.exchangers[0].addresses == std::vector<engine::Address>{0x0A000219});
}

TEST_CASE("hosts_dns: a dead resolver makes the mail route a temporary failure", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world({"@ 300 IN MX 10 mail", "mail 300 IN A 10.0.2.25"},
                                                 "  - {at: 0.5s, crash: resolver1}\n"
                                                 "  - {at: 1s, mail_route: {from: laptop, domain: example.org}}\n"));
  const auto& route = run_route(*world);
  CHECK(route.status == Status::temporary_failure);
}

namespace {
// lookup_records("txt.example.org", TXT) in a world with `records` in example.org.
engine::DnsLookupResult lookup_txt(const std::vector<std::string>& records) {
  auto world = testing::load_text(testing::dns_world(records, ""));
  engine::Host* laptop = world->network.host("laptop");
  engine::StubResolver stub(*laptop);
  engine::DnsLookupResult got;
  bool called = false;
  world->simulator.schedule_at(seconds(1), [&] {
    stub.lookup_records("txt.example.org", dns::RecordType::TXT, [&](const engine::DnsLookupResult& r) {
      got = r;
      called = true;
    });
  });
  scenarios::run_world(*world);
  REQUIRE(called);
  return got;
}
}  // namespace

TEST_CASE("hosts_dns: lookup_records follows CNAMEs and keeps only the wanted type", "[hosts_dns]") {
  engine::DnsLookupResult got = lookup_txt({"txt 300 IN CNAME real", "real 300 IN TXT \\\"v=spf1 -all\\\""});
  REQUIRE(got.response.answers.size() == 1);
  CHECK(got.response.answers[0].type == dns::RecordType::TXT);
  CHECK(got.response.answers[0].name == dns::Name::literal("real.example.org."));
}

TEST_CASE("hosts_dns: lookup_records hands on an answer without CNAMEs whole", "[hosts_dns]") {
  engine::DnsLookupResult got = lookup_txt({"txt 300 IN TXT \\\"v=spf1 -all\\\"", "txt 300 IN TXT \\\"second\\\""});
  REQUIRE(got.response.answers.size() == 2);
  CHECK(got.response.answers[0].name == dns::Name::literal("txt.example.org."));
  CHECK(got.response.answers[1].type == dns::RecordType::TXT);
}
