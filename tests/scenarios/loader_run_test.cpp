// Valid scenarios load completely, run, and judge their expectations; runs are deterministic.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "engine/core/trace_writers.h"
#include "scenarios/loader.h"
#include "scenarios/outcome.h"
#include "maillab/source_dir.h"

using namespace maillab::scenarios;

namespace {

const std::string two_hosts =
    "title: Two hosts\n"
    "hosts:\n"
    "  - {name: a, address: 10.0.0.1, role: client, position: [10, 20]}\n"
    "  - {name: b, address: 10.0.0.2, resolver: a}\n"
    "routers:\n"
    "  - {name: r}\n"
    "links:\n"
    "  - {between: [a, r], latency: 5ms, bandwidth: 10Mbps}\n"
    "  - {between: [r, b], latency: 5ms, bandwidth: 10Mbps, loss: 0.05}\n"
    "tcp: {initial_rto: 500ms, syn_retries: 5}\n"
    "until: 60s\n"
    "events:\n"
    "  - {at: 1s, transfer: {from: a, to: b, bytes: 40000}}\n"
    "  - {at: 2s, note: hello}\n";

std::unique_ptr<World> load(const std::string& yaml, std::optional<std::uint64_t> seed = std::nullopt) {
  Diagnostics diagnostics;
  auto world = load_world_from_string(yaml, "scenarios/demo.yaml", seed, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

std::string jsonl_of(const std::string& yaml, std::uint64_t seed) {
  auto world = load(yaml, seed);
  run_world(*world);
  std::string out;
  for (const auto& record : world->simulator.trace().records()) out += maillab::engine::format_jsonl(record) + "\n";
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a valid scenario fills the World", "[scenarios][run]") {
  auto world = load(two_hosts +
                    "expect:\n"
                    "  - {transfer_complete: {from: a, to: b, bytes: 40000}}\n");
  CHECK(world->name == "demo");
  CHECK(world->title == "Two hosts");
  CHECK(world->until == maillab::engine::seconds(60));
  CHECK(world->network.nodes().size() == 3);
  CHECK(world->network.links().size() == 2);
  CHECK(world->network.links()[1].spec.loss == 0.05);
  CHECK(world->network.tcp_options().initial_rto == 500'000);
  CHECK(world->network.tcp_options().syn_retries == 5);
  CHECK(world->network.host("b")->resolver_address() == world->network.host("a")->address());
  CHECK(world->positions.at("a").y == 20);
  REQUIRE(world->events.size() == 2);
  CHECK(world->events[0].action == "transfer");
  CHECK(world->events[0].at == 1'000'000);
  CHECK(world->events[1].where.to_string() == "scenarios/demo.yaml:14:14");
  REQUIRE(world->expectations.size() == 1);
  CHECK(world->expectations[0].where.to_string() == "scenarios/demo.yaml:16:6");
}

TEST_CASE("a valid scenario runs and its expectations pass", "[scenarios][run]") {
  auto world = load(two_hosts +
                    "expect:\n"
                    "  - {transfer_complete: {from: a, to: b, bytes: 40000, within: 30s}}\n"
                    "  - {trace_contains: {kind: note, summary: hello}}\n"
                    "  - {packets_dropped: {at_most: 1000}}\n"
                    "  - {messages: {accepted: 0, queued: 0}}\n");
  run_world(*world);
  RunOutcome outcome = evaluate(*world);
  INFO(format_outcome(outcome));
  CHECK(outcome.passed());
  CHECK(outcome.expectations.size() == 4);
  CHECK(world->simulator.now() == maillab::engine::seconds(60));
}

TEST_CASE("a failing expectation says what it saw", "[scenarios][run]") {
  auto world = load(two_hosts +
                    "expect:\n"
                    "  - {transfer_complete: {from: a, to: b, bytes: 50000}}\n"
                    "  - {trace_contains: {kind: fault}}\n"
                    "  - {messages: {delivered: 1}}\n");
  run_world(*world);
  RunOutcome outcome = evaluate(*world);
  CHECK_FALSE(outcome.passed());
  CHECK(outcome.failed_count() == 3);
  CHECK(outcome.expectations[0].result.detail.find("a -> b: completed 40000 bytes") != std::string::npos);
  CHECK(outcome.expectations[1].result.detail == "0 matching records");
  CHECK(outcome.expectations[2].result.detail.rfind("messages: accepted 0, delivered 0", 0) == 0);
  CHECK(format_outcome(outcome).find("FAIL  scenarios/demo.yaml:16:6  transfer_complete:") != std::string::npos);
}

TEST_CASE("audits fail a run", "[scenarios][run]") {
  auto world = load(two_hosts);
  world->audits.push_back([] { return std::vector<std::string>{"M1 to bob@example.org is lost"}; });
  run_world(*world);
  RunOutcome outcome = evaluate(*world);
  CHECK_FALSE(outcome.passed());
  CHECK(outcome.audit_problems == std::vector<std::string>{"M1 to bob@example.org is lost"});
}

TEST_CASE("a link failure reroutes and a crash stops a transfer", "[scenarios][run]") {
  auto world = load(
      "hosts:\n  - {name: a, address: 10.0.0.1}\n  - {name: b, address: 10.0.0.2}\n"
      "routers:\n  - {name: short}\n  - {name: long}\n"
      "links:\n"
      "  - {between: [a, short], latency: 1ms}\n  - {between: [short, b], latency: 1ms}\n"
      "  - {between: [a, long], latency: 20ms}\n  - {between: [long, b], latency: 20ms}\n"
      "events:\n"
      "  - {at: 1s, link_down: [a, short]}\n"
      "  - {at: 2s, transfer: {from: a, to: b, bytes: 5000}}\n"
      "  - {at: 10s, crash: b}\n"
      "  - {at: 11s, transfer: {from: a, to: b, bytes: 7000}}\n"
      "expect:\n"
      "  - {trace_contains: {kind: hop, node: a, peer: long, after: 1s}}\n"
      "  - {trace_contains: {kind: hop, node: a, peer: short, after: 1s, exactly: 0}}\n"
      "  - {transfer_complete: {from: a, to: b, bytes: 5000}}\n"
      "  - {trace_contains: {kind: fault, summary: crashed}}\n"
      "until: 60s\n");
  run_world(*world);
  RunOutcome outcome = evaluate(*world);
  INFO(format_outcome(outcome));
  CHECK(outcome.passed());
}

TEST_CASE("same file and seed give an identical trace, another seed on a lossy link differs", "[scenarios][run]") {
  std::string first = jsonl_of(two_hosts, 42);
  std::string again = jsonl_of(two_hosts, 42);
  std::string other = jsonl_of(two_hosts, 43);
  CHECK(first.size() > 1000);
  CHECK(first == again);
  CHECK(first != other);
}

TEST_CASE("the --seed option overrides the file's seed", "[scenarios][run]") {
  auto from_file = load("seed: 9\n" + two_hosts);
  CHECK(from_file->simulator.seed() == 9);
  auto overridden = load("seed: 9\n" + two_hosts, 5);
  CHECK(overridden->simulator.seed() == 5);
}

TEST_CASE("the shipped scenarios load, run and pass", "[scenarios][run][shipped]") {
  for (const char* name : {"intro", "network-reroute", "lossy-link-tcp"}) {
    std::string path = std::string(MAILLAB_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
    Diagnostics diagnostics;
    auto world = load_world(path, std::nullopt, diagnostics);
    INFO(path << "\n" << diagnostics.to_string());
    REQUIRE(world);
    CHECK(world->title.size() > 10);
    CHECK_FALSE(world->expectations.empty());
    run_world(*world);
    RunOutcome outcome = evaluate(*world);
    INFO(format_outcome(outcome));
    CHECK(outcome.passed());
  }
  CHECK(read_file(std::string(MAILLAB_SOURCE_DIR) + "/scenarios/README.md").find("transfer_complete") != std::string::npos);
}
