// Shared by the hosts_auth tests: load a shipped auth-*.yaml scenario (or YAML text), run it, and
// look at what happened (trace records, delivered messages, the MTAs' policies).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/trace.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "scenarios/loader.h"
#include "scenarios/outcome.h"
#include "maillab/source_dir.h"

namespace auth_test {

inline std::string scenario_path(const std::string& name) { return std::string(MAILLAB_SOURCE_DIR) + "/scenarios/" + name; }

inline std::unique_ptr<maillab::scenarios::World> load_file(const std::string& name,
                                                            std::optional<std::uint64_t> seed = std::nullopt) {
  maillab::scenarios::Diagnostics diagnostics;
  auto world = maillab::scenarios::load_world(scenario_path(name), seed, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

inline std::unique_ptr<maillab::scenarios::World> load_text(const std::string& yaml) {
  maillab::scenarios::Diagnostics diagnostics;
  auto world = maillab::scenarios::load_world_from_string(yaml, "test.yaml", 1, diagnostics);
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

// Runs the world and requires every expectation of the file to hold.
inline void run_and_pass(maillab::scenarios::World& world) {
  maillab::scenarios::run_world(world);
  // AUTH_TEST_TRACE=1: print the authentication, mail and fault records (for writing scenarios).
  if (std::getenv("AUTH_TEST_TRACE"))
    for (const auto& record : world.simulator.trace().records())
      if (record.protocol == "SPF" || record.protocol == "DKIM" || record.protocol == "DMARC" ||
          record.kind == maillab::engine::TraceKind::mail || record.kind == maillab::engine::TraceKind::fault ||
          (record.protocol == "SMTP" && record.summary.rfind("5", 0) == 0))
        std::printf("%10.6f %-16s %-5s %s\n", record.time / 1e6, record.node.c_str(), record.protocol.c_str(),
                    record.summary.c_str());
  auto outcome = maillab::scenarios::evaluate(world);
  INFO(maillab::scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
}

inline std::vector<maillab::engine::TraceRecord> records(maillab::scenarios::World& world, const std::string& protocol,
                                                         const std::string& node = "") {
  std::vector<maillab::engine::TraceRecord> found;
  for (const auto& record : world.simulator.trace().records())
    if (record.protocol == protocol && (node.empty() || record.node == node)) found.push_back(record);
  return found;
}

inline const maillab::engine::TraceRecord* find_record(maillab::scenarios::World& world, const std::string& protocol,
                                                       const std::string& text) {
  for (const auto& record : world.simulator.trace().records())
    if (record.protocol == protocol && record.summary.find(text) != std::string::npos) return &record;
  return nullptr;
}

// The messages in a user's folder on the host that keeps the domain's mailboxes.
inline std::vector<std::string> folder_messages(maillab::scenarios::World& world, const std::string& host,
                                                const std::string& user, const std::string& folder = "INBOX") {
  std::vector<std::string> out;
  auto* mailboxes = world.network.host(host)->find_service<maillab::engine::MailboxService>();
  REQUIRE(mailboxes);
  if (const auto* box = mailboxes->store().folder(user, folder))
    for (const auto& message : box->messages) out.push_back(message.bytes);
  return out;
}

}  // namespace auth_test
