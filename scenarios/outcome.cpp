#include "scenarios/outcome.h"

#include <new>

#include <exception>

namespace maillab::scenarios {

bool RunOutcome::passed() const { return failed_count() == 0 && audit_problems.empty(); }

std::size_t RunOutcome::failed_count() const {
  std::size_t failed = 0;
  for (const auto& e : expectations) failed += e.result.passed ? 0 : 1;
  return failed;
}

void run_world(World& world, std::optional<engine::Time> until) {
  world.simulator.run_until(until.value_or(world.until));
}

RunOutcome evaluate(World& world) {
  RunOutcome outcome;
  for (const auto& expectation : world.expectations) {
    ExpectationOutcome one{&expectation, {}};
    try {
      if (expectation.check) one.result = expectation.check();
      else one.result = {false, "this expectation has no check (a module bug)"};
    } catch (const std::bad_alloc&) {
      throw;  // not the check's verdict: main() reports it with its own exit status
    } catch (const std::exception& e) {
      one.result = {false, std::string("the check failed with an error: ") + e.what()};
    }
    outcome.expectations.push_back(std::move(one));
  }
  for (const auto& audit : world.audits) {
    try {
      for (auto& problem : audit()) outcome.audit_problems.push_back(std::move(problem));
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      outcome.audit_problems.push_back(std::string("an audit failed with an error: ") + e.what());
    }
  }
  return outcome;
}

std::string format_outcome(const RunOutcome& outcome) {
  std::string out;
  for (const auto& e : outcome.expectations) {
    out += e.result.passed ? "PASS  " : "FAIL  ";
    out += e.expectation->where.to_string() + "  " + e.expectation->description;
    if (!e.result.detail.empty()) out += "  -- " + e.result.detail;
    out += '\n';
  }
  for (const auto& problem : outcome.audit_problems) out += "AUDIT FAIL  " + problem + '\n';
  return out;
}

}  // namespace maillab::scenarios
