// The one scenario harness for tests: load a scenario (a shipped file or YAML text), run it, and
// look at what happened: trace records filtered by kind, host, protocol and text, a host, one of
// its services, a mailbox's messages. Every test that drives a whole World uses these; protocol
// tests that drive one session use the drivers beside this file (smtp_server_driver.h, ...).
//
// A load that must succeed REQUIREs it (printing the diagnostics); a load that must fail
// CHECKs that it did and returns the diagnostics text, so a test can look for its located error.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/core/trace.h"
#include "engine/net/host.h"
#include "scenarios/loader.h"
#include "scenarios/outcome.h"

namespace maillab::testing {

using scenarios::World;

// "smtp-retry" or "smtp-retry.yaml" -> <source>/scenarios/smtp-retry.yaml
std::string scenario_path(const std::string& name);
std::string shipped_text(const std::string& name);  // the YAML of a shipped scenario
// The shipped scenario with its events replaced by `events` and its expectations dropped.
std::string with_events(const std::string& name, const std::string& events);

// `seed` overrides the file's `seed:` (default 1), as `maillab run --seed` does.
std::unique_ptr<World> load_file(const std::string& name, std::optional<std::uint64_t> seed = std::nullopt);
std::unique_ptr<World> load_text(const std::string& yaml, std::optional<std::uint64_t> seed = std::nullopt);
// The diagnostics of YAML that must not load, reported under the name `file`.
std::string load_errors(const std::string& yaml, const std::string& file = "test.yaml");

// Runs to the World's `until` and returns the outcome (expectations and audits).
scenarios::RunOutcome run(World& world);
// Runs and CHECKs that every expectation of the scenario held (the outcome is printed if not).
// MAILLAB_TEST_TRACE=1 in the environment prints the trace, for writing a new test.
scenarios::RunOutcome run_and_pass(World& world);

// Which records to pick: every field left empty matches anything.
struct RecordFilter {
  std::optional<engine::TraceKind> kind = std::nullopt;
  std::string node = {};      // the host or router that wrote it
  std::string protocol = {};  // "SMTP", "SPF", ...
  std::string text = {};      // a part of the summary
};
std::vector<const engine::TraceRecord*> records(const engine::Trace& trace, const RecordFilter& filter);
std::vector<const engine::TraceRecord*> records(const World& world, const RecordFilter& filter);
// The common case: records of a kind at a node (empty: any) whose summary contains `text`.
std::vector<const engine::TraceRecord*> records(const World& world, engine::TraceKind kind, const std::string& node,
                                                const std::string& text = "");
// The first record that matches, or nullptr.
const engine::TraceRecord* find_record(const engine::Trace& trace, const RecordFilter& filter);
const engine::TraceRecord* find_record(const World& world, const RecordFilter& filter);

// A host of the World (REQUIREd to exist) and one of its services (REQUIREd to run there).
engine::Host& host(World& world, const std::string& name);
template <typename Service>
Service& service(World& world, const std::string& host_name) {
  auto* found = host(world, host_name).find_service<Service>();
  INFO("no such service on " << host_name);
  REQUIRE(found);
  return *found;
}

// The messages in a user's folder on a host that keeps mailboxes (raw bytes, in order).
std::vector<std::string> mailbox(World& world, const std::string& host, const std::string& user,
                                 const std::string& folder = "INBOX");

}  // namespace maillab::testing
