// The `generate:` section (scenarios/modules/generate_*.cpp): the world it builds, the traffic it
// sends, determinism from the seed, and located errors.
#include <catch2/catch.hpp>

#include "engine/hosts/auth/dkim_dmarc_policy.h"
#include "engine/hosts/dns/authoritative_service.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mail/submission_client.h"
#include "scenarios/loader.h"
#include "scenarios/modules/auth_module.h"

using namespace maillab;
using namespace maillab::scenarios;

namespace {

std::unique_ptr<World> load(const std::string& yaml, std::optional<std::uint64_t> seed = std::nullopt) {
  Diagnostics diagnostics;
  auto world = load_world_from_string(yaml, "g.yaml", seed, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

std::vector<std::string> errors_of(const std::string& yaml) {
  Diagnostics diagnostics;
  CHECK(load_world_from_string(yaml, "g.yaml", std::nullopt, diagnostics) == nullptr);
  std::vector<std::string> lines;
  for (const auto& e : diagnostics.errors()) lines.push_back(e.to_string());
  return lines;
}

bool has_error(const std::vector<std::string>& errors, const std::string& prefix) {
  for (const auto& e : errors)
    if (e.rfind(prefix, 0) == 0) return true;
  for (const auto& e : errors) UNSCOPED_INFO(e);
  return false;
}

std::uint64_t submitted(World& world) {
  std::uint64_t total = 0;
  for (auto* host : world.network.hosts())
    if (auto* client = host->find_service<engine::SubmissionClient>()) total += client->counts().submitted;
  return total;
}

const std::string small_world =
    "generate:\n"
    "  domains: {count: 5, users: 3, tlds: [com, org]}\n"
    "  traffic:\n"
    "    - {count: 40, rate: 20/s, size: [200, 1KB], unknown_recipients: 0.2, nxdomain: 0.2}\n";

}  // namespace

TEST_CASE("generate: domains builds each domain's hosts, zone and routers under a root and TLDs", "[scenarios][generate]") {
  auto world = load(small_world);
  for (const char* name : {"mail.d1.com", "ns.d1.com", "client1.d1.com", "mail.d2.org", "mail.d5.com",
                           "a.root-servers.net", "a.com-servers.net", "a.org-servers.net", "resolver-com", "spoofer"})
    CHECK(world->network.host(name) != nullptr);
  CHECK(world->network.host("mail.d6.com") == nullptr);
  CHECK(world->network.host("mail.d2.org")->address() == engine::parse_address("10.0.1.25"));
  CHECK(world->network.host("mail.d1.com")->find_service<engine::MtaService>() != nullptr);
  // Every generated host can reach every other: the tree is connected.
  CHECK(world->network.route("client1.d1.com", "mail.d4.org").has_value());
  CHECK(world->network.route("mail.d1.com", "a.root-servers.net").has_value());
}

TEST_CASE("generate: traffic sends the asked count through the real system, and conserves it", "[scenarios][generate]") {
  auto world = load(small_world);
  world->simulator.run_until(engine::seconds(120));
  CHECK(submitted(*world) == 40);
  const auto counts = world->ledger.counts();
  CHECK(counts.accepted + counts.rejected >= 40);
  CHECK(counts.queued == 0);
  CHECK(counts.delivered > 0);
  CHECK(counts.bounced > 0);  // unknown recipients and TLD typos bounce
  CHECK(counts.accepted == counts.delivered + counts.bounced);
  for (const auto& audit : world->audits) CHECK(audit().empty());
}

TEST_CASE("generate: starttls: false makes every MTA plaintext, by default they use STARTTLS", "[scenarios][generate][tls]") {
  auto tls_records = [](const std::string& starttls) {
    auto world = load("generate:\n  domains: {count: 3, users: 2" + starttls +
                      "}\n  traffic:\n    - {count: 4, rate: 20/s}\n");
    std::size_t established = 0;
    world->simulator.trace().subscribe([&](const engine::TraceRecord& record) {
      if (record.summary.rfind("TLS established", 0) == 0) ++established;
    });
    world->simulator.run_until(engine::seconds(60));
    CHECK(world->ledger.counts().delivered == 4);
    return established;
  };
  CHECK(tls_records(", starttls: false") == 0);
  CHECK(tls_records("") > 0);  // submission and relay: both ends record each handshake
}

TEST_CASE("generate: dkim signs every domain's mail and every MX verifies it (pass), without it nothing is checked", "[scenarios][generate][dkim]") {
  // From one domain to another: mail that stays inside a domain never crosses port 25.
  auto world = load("generate:\n  domains: {count: 3, users: 2, dkim: ed25519}\n  traffic:\n"
                    "    - {count: 6, rate: 20/s, from: [d1.com], to: [d2.org, d3.net]}\n");
  world->simulator.run_until(engine::seconds(60));
  CHECK(world->ledger.counts().delivered == 6);
  std::size_t verified = 0;
  for (const auto& [host, setup] : world->module_state<auth_module::State>().hosts) {
    REQUIRE(setup.inbound);
    for (const auto& message : setup.inbound->recent()) {
      REQUIRE(message.dkim.size() == 1);
      CHECK(message.dkim[0].result == auth::DkimResult::pass);
      CHECK(message.dkim[0].domain == message.from_domain);
      CHECK(message.authentication_results.find("dkim=pass") != std::string::npos);
      ++verified;
    }
  }
  CHECK(verified == 6);  // each message verified once, at its recipient's MX

  auto plain = load("generate:\n  domains: {count: 3, users: 2}\n  traffic:\n    - {count: 2, rate: 20/s}\n");
  CHECK(plain->module_state<auth_module::State>().hosts.empty());
  CHECK(has_error(errors_of("generate:\n  domains: {count: 2, dkim: dsa}\n"), "g.yaml:2:29: error: unknown dkim 'dsa'"));
}

TEST_CASE("generate: a client holds its running submissions only, not every one it made", "[scenarios][generate]") {
  // One sending user, more messages than a client ever held before it forgot the oldest (64).
  auto world = load("generate:\n  domains: {count: 2, users: 1}\n  traffic:\n"
                    "    - {count: 100, rate: 100/s, from: [d1.com], to: [d2.org]}\n");
  std::size_t most_held = 0;
  for (engine::Time t = 0; t < engine::seconds(5); t += engine::milliseconds(10)) {
    world->simulator.run_until(t);
    for (auto* host : world->network.hosts())
      if (auto* client = host->find_service<engine::SubmissionClient>()) {
        REQUIRE(client->attempts_held() == client->counts().running());
        most_held = std::max(most_held, client->attempts_held());
      }
  }
  CHECK(most_held > 0);
  world->simulator.run_until(engine::seconds(60));
  CHECK(world->ledger.counts().delivered == 100);
  for (auto* host : world->network.hosts())
    if (auto* client = host->find_service<engine::SubmissionClient>()) CHECK(client->attempts_held() == 0);
}

TEST_CASE("generate: a verifier remembers its last messages, not every message it ever checked", "[scenarios][generate][dkim]") {
  // One receiving domain, more messages than the verifier keeps: it counts them all, keeps the last.
  const std::size_t limit = engine::DkimDmarcPolicy::recent_limit;
  auto world = load("generate:\n  domains: {count: 2, users: 2, dkim: ed25519}\n  traffic:\n"
                    "    - {count: " + std::to_string(limit + 6) + ", rate: 50/s, from: [d1.com], to: [d2.org]}\n");
  world->simulator.run_until(engine::seconds(120));
  CHECK(world->ledger.counts().delivered == limit + 6);
  const auto& hosts = world->module_state<auth_module::State>().hosts;
  std::uint64_t checked = 0;
  for (const auto& [host, setup] : hosts) {
    REQUIRE(setup.inbound);
    checked += setup.inbound->checked();
    CHECK(setup.inbound->recent().size() == std::min<std::uint64_t>(setup.inbound->checked(), limit));
  }
  CHECK(checked == limit + 6);
}

TEST_CASE("generate: the same seed makes the same world and traffic, another seed other traffic", "[scenarios][generate]") {
  auto run = [](std::uint64_t seed) {
    auto world = load(small_world, seed);
    world->simulator.run_until(engine::seconds(120));
    return world->simulator.trace().fingerprint();
  };
  CHECK(run(3) == run(3));
  CHECK(run(3) != run(4));
}

TEST_CASE("generate: mistakes are located", "[scenarios][generate][errors]") {
  CHECK(has_error(errors_of("generate:\n  domains: {count: 0}\n"), "g.yaml:2:20: error: domain count is 0, out of range"));
  CHECK(has_error(errors_of("generate:\n  domains: {count: 2, user: 3}\n"),
                  "g.yaml:2:23: error: unknown key 'user' in generate domains (did you mean 'users'?)"));
  CHECK(has_error(errors_of("generate:\n  domains: {count: 2}\n  traffic:\n    - {count: 5, rate: fast}\n"),
                  "g.yaml:4:24: error: bad traffic rate 'fast'"));
  CHECK(has_error(errors_of("generate:\n  domains: {count: 2}\n  traffic:\n    - {count: 5, from: [d9.com]}\n"),
                  "g.yaml:4:24: error: 'd9.com' is not a generated domain"));
  CHECK(has_error(errors_of("generate:\n  domains: {count: 2}\n  traffic:\n    - {count: 5, spoofed: 0.6, nxdomain: 0.6}\n"),
                  "g.yaml:4:7: error: unknown_recipients, nxdomain and spoofed add up to more than 1"));
  CHECK(has_error(errors_of("generate:\n  domains: {count: 2}\n  traffic:\n    - {count: 5, arrival: bursty}\n"),
                  "g.yaml:4:27: error: unknown arrival process 'bursty'"));
  CHECK(has_error(errors_of("generate:\n  domains: {count: 2, starttls: maybe}\n"), "g.yaml:2:33: error:"));
  // A generated name that clashes with one the file declares.
  CHECK(has_error(errors_of("hosts:\n  - {name: spoofer, address: 192.0.2.1}\ngenerate:\n  domains: {count: 2}\n"),
                  "g.yaml:4:12: error: a generated host 'spoofer' clashes"));
}
