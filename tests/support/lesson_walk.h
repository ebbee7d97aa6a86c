// Shared by the lesson facts tests: walk a shipped lesson step by step as a student would
// (questions skipped) and pick records out of each step's window, so the facts a lesson's
// narration and questions quote can be checked against the trace of its own run.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/lesson_driver.h"
#include "lessons/lesson_run.h"

namespace maillab::lessons::testing {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Copies, not pointers: the trace's vector grows (and may move) while later steps run.
inline std::vector<engine::TraceRecord> records_between(const LessonRun& run, std::size_t begin, std::size_t end) {
  const auto& records = run.world().simulator.trace().records();
  return {records.begin() + static_cast<std::ptrdiff_t>(begin), records.begin() + static_cast<std::ptrdiff_t>(end)};
}

// The records of `in` of that kind from `node` to `peer` ("" = any) whose summary contains `part`.
inline std::vector<engine::TraceRecord> select(const std::vector<engine::TraceRecord>& in, engine::TraceKind kind,
                                               const std::string& node, const std::string& peer, const std::string& part) {
  std::vector<engine::TraceRecord> out;
  for (const auto& r : in)
    if (r.kind == kind && (node.empty() || r.node == node) && (peer.empty() || r.peer == peer) && contains(r.summary, part))
      out.push_back(r);
  return out;
}

// Starts lessons/NAME.yaml; null (with the diagnostics in `errors`) when it does not load.
inline std::unique_ptr<LessonRun> start_shipped_lesson(const std::string& name, std::string& errors) {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson(source_dir() + "/lessons/" + name + ".yaml", diagnostics);
  std::unique_ptr<LessonRun> run;
  if (lesson) run = LessonRun::start(std::move(*lesson), diagnostics);
  errors = diagnostics.to_string();
  return run;
}

// Runs the next step with every question skipped; false if it could not or missed its checkpoint.
inline bool next_step(LessonRun& run) {
  while (run.pending_question()) run.skip_question();
  if (!run.advance()) return false;
  while (run.pending_is_prediction()) run.skip_question();
  return !run.checkpoint_missed();
}

inline std::vector<engine::TraceRecord> window(const LessonRun& run) {
  return records_between(run, run.window_begin(), run.window_end());
}

}  // namespace maillab::lessons::testing
