// Grading a world against an exercise. The world's text (the student's scenario, lines kept where
// they are in their file) gets the exercise's probes as its only events and the exercise's goals
// as its only expectations (whatever `events:` and `expect:` the student wrote are ignored); it
// is loaded, run to its `until:`, and each goal is met when all its expectations hold.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "exercises/exercise.h"
#include "lessons/result_file.h"
#include "scenarios/diagnostics.h"

namespace maillab::exercises {

struct GoalOutcome {
  const Goal* goal = nullptr;
  bool met = false;
  std::vector<std::string> details;  // what each expectation saw ("bob@example.org has 0 messages ...")
};

struct Grade {
  std::vector<GoalOutcome> goals;
  std::vector<std::string> audit_problems;  // the simulator's own checks (should stay empty)
  std::string summary;                      // the run's "messages: accepted ..." line
  bool ignored_events = false;              // the world's own events: were left out
  double points = 0, max_points = 0;
  double percent() const { return max_points > 0 ? 100.0 * points / max_points : 0; }
  bool complete() const { return points >= max_points; }
};

// `world_text` is a whole scenario document, named `file` in messages (line numbers count in
// it). nullopt when the world does not load, with its errors in `diagnostics`: the student's own
// mistakes at their place in `file`, and a probe or goal that cannot apply to this world (a host
// it names was removed) at its place in the exercise file.
// With `run` false it only loads (a check of the files; every goal counts as met). `trace_text`,
// when given, receives the run's trace as `maillab run --trace text` prints it.
std::optional<Grade> grade_world(const Exercise& exercise, const std::string& world_text, const std::string& file,
                                 scenarios::Diagnostics& diagnostics, bool run = true,
                                 std::string* trace_text = nullptr);

// The scenario document grade_world runs (the student's world, the probes as its events, the
// goals as its expectations), for a view that replays the graded run (the visualizer's exercise
// mode). nullopt, with diagnostics, when the world text is no YAML map.
std::optional<std::string> graded_world_text(const Exercise& exercise, const std::string& world_text,
                                             const std::string& file, scenarios::Diagnostics& diagnostics);

// The result file of a graded check (result_file.h): one item per goal.
lessons::Result exercise_result(const Exercise& exercise, const Grade& grade, int hints_used,
                                const std::string& started, const std::string& finished);

// Points off for the first `hints_used` hints: their costs are percentages of `max_points`.
double hint_penalty(const Exercise& exercise, int hints_used, double max_points);

}  // namespace maillab::exercises
