#include "tests/support/scenario.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "maillab/source_dir.h"

namespace maillab::testing {

std::string scenario_path(const std::string& name) {
  const bool has_suffix = name.size() > 5 && name.compare(name.size() - 5, 5, ".yaml") == 0;
  return std::string(MAILLAB_SOURCE_DIR) + "/scenarios/" + name + (has_suffix ? "" : ".yaml");
}

std::string shipped_text(const std::string& name) {
  std::ifstream in(scenario_path(name));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string with_events(const std::string& name, const std::string& events) {
  std::string text = shipped_text(name);
  return text.substr(0, text.find("\nevents:")) + "\nevents:\n" + events;
}

std::unique_ptr<World> load_file(const std::string& name, std::optional<std::uint64_t> seed) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world(scenario_path(name), seed, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

std::unique_ptr<World> load_text(const std::string& yaml, std::optional<std::uint64_t> seed) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world_from_string(yaml, "test.yaml", seed, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

std::string load_errors(const std::string& yaml, const std::string& file) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world_from_string(yaml, file, std::nullopt, diagnostics);
  CHECK_FALSE(world);
  return diagnostics.to_string();
}

scenarios::RunOutcome run(World& world) {
  scenarios::run_world(world);
  return scenarios::evaluate(world);
}

scenarios::RunOutcome run_and_pass(World& world) {
  auto outcome = run(world);
  if (std::getenv("MAILLAB_TEST_TRACE"))
    for (const auto& record : world.simulator.trace().records())
      std::printf("%10.6f %-16s %-5s %s\n", record.time / 1e6, record.node.c_str(), record.protocol.c_str(),
                  record.summary.c_str());
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  return outcome;
}

namespace {
bool matches(const engine::TraceRecord& record, const RecordFilter& filter) {
  return (!filter.kind || record.kind == *filter.kind) && (filter.node.empty() || record.node == filter.node) &&
         (filter.protocol.empty() || record.protocol == filter.protocol) &&
         (filter.text.empty() || record.summary.find(filter.text) != std::string::npos);
}
}  // namespace

std::vector<const engine::TraceRecord*> records(const engine::Trace& trace, const RecordFilter& filter) {
  std::vector<const engine::TraceRecord*> found;
  for (const auto& record : trace.records())
    if (matches(record, filter)) found.push_back(&record);
  return found;
}

std::vector<const engine::TraceRecord*> records(const World& world, const RecordFilter& filter) {
  return records(world.simulator.trace(), filter);
}

std::vector<const engine::TraceRecord*> records(const World& world, engine::TraceKind kind, const std::string& node,
                                                const std::string& text) {
  return records(world, RecordFilter{kind, node, "", text});
}

const engine::TraceRecord* find_record(const engine::Trace& trace, const RecordFilter& filter) {
  for (const auto& record : trace.records())
    if (matches(record, filter)) return &record;
  return nullptr;
}

const engine::TraceRecord* find_record(const World& world, const RecordFilter& filter) {
  return find_record(world.simulator.trace(), filter);
}

engine::Host& host(World& world, const std::string& name) {
  auto* found = world.network.host(name);
  INFO("no host named " << name);
  REQUIRE(found);
  return *found;
}

std::vector<std::string> mailbox(World& world, const std::string& host_name, const std::string& user,
                                 const std::string& folder) {
  std::vector<std::string> messages;
  auto& mailboxes = service<engine::MailboxService>(world, host_name);
  if (const auto* box = mailboxes.store().folder(user, folder))
    for (const auto& message : box->messages) messages.push_back(message.bytes.text());
  return messages;
}

}  // namespace maillab::testing
