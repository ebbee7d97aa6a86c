// The resolver service over the virtual network, and the shipped DNS scenarios.
#include <catch2/catch.hpp>

#include "tests/support/worlds.h"
#include "scenarios/modules/dns_module.h"
#include "maillab/source_dir.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

namespace {

const std::vector<std::string> basic_zone = {"@ 30 IN MX 10 mail", "mail 30 IN A 10.0.2.25", "www 3600 IN A 10.0.2.80"};

}  // namespace

TEST_CASE("hosts_dns: a cold lookup walks root, TLD, authoritative in that order", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world(basic_zone, "  - {at: 1s, lookup: {from: laptop, name: example.org, type: MX}}\n"));
  scenarios::run_world(*world);
  auto queries = testing::resolver_queries(*world);
  REQUIRE(queries.size() == 3);
  CHECK(queries[0]->peer == "a.root-servers.net");
  CHECK(queries[1]->peer == "a0.org-servers.net");
  CHECK(queries[2]->peer == "ns1.example.org");
  for (const auto* q : queries) CHECK(q->summary == "Q MX example.org");
  // The servers' replies, as recorded at each server.
  auto root = testing::records(*world, TraceKind::protocol, "a.root-servers.net");
  REQUIRE(root.size() == 2);
  CHECK(root[0]->summary == "query from resolver1: Q MX example.org");
  CHECK(root[1]->summary.find("R referral org. NS a0.org-servers.net") == 0);
  auto& state = world->module_state<scenarios::dns_module::State>();
  REQUIRE(state.lookups.size() == 1);
  REQUIRE(state.lookups[0].finished);
  CHECK(state.lookups[0].result.response.answers.size() == 1);
}

TEST_CASE("hosts_dns: a warm lookup sends nothing, after the TTL it re-queries only the authoritative server", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world(basic_zone,
                                                 "  - {at: 1s, lookup: {from: laptop, name: example.org, type: MX}}\n"
                                                 "  - {at: 5s, lookup: {from: laptop, name: example.org, type: MX}}\n"
                                                 "  - {at: 30s, lookup: {from: laptop, name: example.org, type: MX}}\n"
                                                 "  - {at: 32s, lookup: {from: laptop, name: example.org, type: MX}}\n"));
  scenarios::run_world(*world);
  auto queries = testing::resolver_queries(*world);
  // 3 cold; nothing at 5 s; at 30 s the TTL (30 s, stored at ~1.1 s) still holds; at 32 s it does not.
  REQUIRE(queries.size() == 4);
  CHECK(queries[3]->peer == "ns1.example.org");
  CHECK(queries[3]->time > seconds(32));
  CHECK(queries[3]->time < seconds(32) + engine::milliseconds(100));
  for (const auto* q : queries) CHECK((q->time < seconds(5) || q->time > seconds(32)));
  auto* resolver = world->network.host("resolver1")->find_service<engine::ResolverService>();
  REQUIRE(resolver);
  CHECK(resolver->cache_hits_total() == 2);
  auto hits = testing::records(*world, TraceKind::cache, "resolver1");
  bool saw_hit = false;
  for (const auto* r : hits)
    if (r->summary.find("cache hit MX example.org (TTL 26 left)") != std::string::npos) saw_hit = true;
  CHECK(saw_hit);
}

TEST_CASE("hosts_dns: negative answers are cached for the SOA minimum", "[hosts_dns]") {
  std::string yaml = testing::dns_world(basic_zone,
                                        "  - {at: 1s, lookup: {from: laptop, name: nosuch.example.org}}\n"
                                        "  - {at: 3s, lookup: {from: laptop, name: nosuch.example.org}}\n"
                                        "  - {at: 400s, lookup: {from: laptop, name: nosuch.example.org}}\n");
  yaml.replace(yaml.find("until: 60s"), 10, "until: 500s");
  auto world = testing::load_text(yaml);
  scenarios::run_world(*world);
  auto* server = world->network.host("ns1.example.org")->find_service<engine::AuthoritativeService>();
  // Default SOA minimum is 300 s: asked at 1 s and 400 s only.
  REQUIRE(server->queries_received() == 2);
  CHECK(server->received()[1].time > seconds(400));
  auto& state = world->module_state<scenarios::dns_module::State>();
  for (const auto& lookup : state.lookups) CHECK(lookup.result.rcode == dns::Rcode::NXDOMAIN);
}

TEST_CASE("hosts_dns: a crash empties the resolver's cache", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world(basic_zone,
                                                 "  - {at: 1s, lookup: {from: laptop, name: www.example.org}}\n"
                                                 "  - {at: 3s, crash: resolver1}\n"
                                                 "  - {at: 4s, restart: resolver1}\n"
                                                 "  - {at: 5s, lookup: {from: laptop, name: www.example.org}}\n"));
  scenarios::run_world(*world);
  auto queries = testing::resolver_queries(*world);
  REQUIRE(queries.size() == 6);  // the walk twice
  CHECK(queries[3]->peer == "a.root-servers.net");
}

TEST_CASE("hosts_dns: run-time record changes reach clients once the cache expires", "[hosts_dns]") {
  auto world = testing::load_text(testing::dns_world(basic_zone,
                                                 "  - {at: 1s, lookup: {from: laptop, name: mail.example.org}}\n"
                                                 "  - {at: 2s, dns_record: {server: ns1.example.org, remove: \"mail 30 IN A 10.0.2.25\"}}\n"
                                                 "  - {at: 2s, dns_record: {server: ns1.example.org, add: \"mail 30 IN A 10.0.2.26\"}}\n"
                                                 "  - {at: 5s, lookup: {from: laptop, name: mail.example.org}}\n"
                                                 "  - {at: 40s, lookup: {from: laptop, name: mail.example.org}}\n",
                                                 "",
                                                 "  - {dns_answer: {from: laptop, name: mail.example.org, nth: 2, contains: 10.0.2.25}}\n"
                                                 "  - {dns_answer: {from: laptop, name: mail.example.org, nth: 3, contains: 10.0.2.26}}\n"
                                                 "  - {trace_contains: {kind: fault, summary: \"record removed: mail.example.org. 30 IN A 10.0.2.25\"}}\n"));
  scenarios::run_world(*world);
  auto outcome = scenarios::evaluate(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
}

TEST_CASE("hosts_dns: the shipped DNS scenarios pass", "[hosts_dns]") {
  for (const char* name : {"dns-cold-and-warm-cache", "dns-nxdomain", "dns-dead-primary"}) {
    INFO(name);
    auto world = testing::load_file(name);
    auto outcome = testing::run_and_pass(*world);
    CHECK(outcome.expectations.size() >= 4);
  }
}

TEST_CASE("hosts_dns: with every server dead the resolver answers SERVFAIL within its budget", "[hosts_dns]") {
  std::string yaml = testing::dns_world(basic_zone,
                                        "  - {at: 0.5s, crash: ns1.example.org}\n"
                                        "  - {at: 1s, lookup: {from: laptop, name: www.example.org}}\n");
  yaml.replace(yaml.find("resolver: {}"), 12, "resolver: {server_timeout: 500ms, query_budget: 3s}");
  auto world = testing::load_text(yaml);
  scenarios::run_world(*world);
  auto& state = world->module_state<scenarios::dns_module::State>();
  REQUIRE(state.lookups.size() == 1);
  REQUIRE(state.lookups[0].finished);
  CHECK_FALSE(state.lookups[0].result.timed_out);
  CHECK(state.lookups[0].result.rcode == dns::Rcode::SERVFAIL);
  CHECK(state.lookups[0].finished_at - state.lookups[0].asked_at <= seconds(3) + engine::milliseconds(50));
}

TEST_CASE("hosts_dns: a CNAME loop made at run time ends in SERVFAIL, and the trace says it is a loop",
          "[hosts_dns][limits]") {
  // Loading refuses a CNAME cycle; a teacher can still make one during the run, as a zone
  // edit gone wrong would, and the resolver answers it as real ones do (RFC 1034 §3.6.2).
  auto world = testing::load_text(testing::dns_world(
      {"www 30 IN CNAME web", "web 30 IN A 10.0.2.80"},
      "  - {at: 1s, dns_record: {server: ns1.example.org, remove: \"web 30 IN A 10.0.2.80\", zone: example.org}}\n"
      "  - {at: 1s, dns_record: {server: ns1.example.org, add: \"web 30 IN CNAME www\"}}\n"
      "  - {at: 2s, lookup: {from: laptop, name: www.example.org, type: A}}\n"));
  scenarios::run_world(*world);
  auto& state = world->module_state<scenarios::dns_module::State>();
  REQUIRE(state.lookups.size() == 1);
  REQUIRE(state.lookups[0].finished);
  CHECK(state.lookups[0].result.rcode == dns::Rcode::SERVFAIL);
  bool said = false;
  for (const auto* record : testing::records(*world, TraceKind::protocol, "resolver1"))
    if (record->summary.find("A www.example.org: SERVFAIL (CNAME loop: www.example.org -> web.example.org -> "
                            "www.example.org") != std::string::npos)
      said = true;
  CHECK(said);
}
