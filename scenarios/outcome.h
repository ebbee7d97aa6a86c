// Running a loaded World headless and judging the result: every expectation's verdict and every
// audit's problems. `maillab run`, lessons and tests all use this, so "passed" means one thing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenarios/world.h"

namespace maillab::scenarios {

struct ExpectationOutcome {
  const Expectation* expectation = nullptr;
  ExpectationResult result;
};

struct RunOutcome {
  std::vector<ExpectationOutcome> expectations;  // in the file's order
  std::vector<std::string> audit_problems;       // from World::audits
  bool passed() const;
  std::size_t failed_count() const;  // failed expectations (audit problems not included)
};

// Runs every event up to `until` (the World's own `until` when nullopt); the clock ends there.
void run_world(World& world, std::optional<engine::Time> until = std::nullopt);

// Checks every expectation and audit against the World as it is now (after run_world). A check
// that throws counts as failed, with the exception's text as its detail.
RunOutcome evaluate(World& world);

// "PASS  intro.yaml:40:5  transfer_complete: ...  — detail" lines, then audit problems.
std::string format_outcome(const RunOutcome& outcome);

}  // namespace maillab::scenarios
