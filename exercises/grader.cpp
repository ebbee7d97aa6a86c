#include "exercises/grader.h"

#include <algorithm>
#include <sstream>

#include "engine/core/trace_writers.h"
#include "scenarios/load_context.h"
#include "scenarios/loader.h"
#include "scenarios/outcome.h"

namespace maillab::exercises {
namespace {

using scenarios::SourceLocation;

// Where an appended line came from, to put its errors back where a person wrote it.
struct AppendedLine {
  int line = 0;  // 1-based, in the composed text
  SourceLocation origin;
  std::string label;  // "the exercise's probe 2", "goal 'bob-gets-mail'"
};

struct Composed {
  std::string text;
  std::vector<AppendedLine> appended;
  std::vector<std::size_t> goal_of_expectation;  // index into exercise.goals, per expectation
  bool ignored_events = false;  // the world had events of its own (the grader sends its own traffic)
};

// The student's world with its events: and expect: blocks blanked out (lines kept), then an
// events: block (the probes) and an expect: block (the goals) at the end, one item a line. The
// student's own events are left out on purpose: a mark must come from how the world they built
// handles the grader's traffic, not from traffic they made up to satisfy the goals.
std::optional<Composed> compose(const Exercise& exercise, const std::string& world_text, const std::string& file,
                                scenarios::Diagnostics& diagnostics) {
  auto parsed = lessons::parse_yaml_text(world_text, file, diagnostics);
  if (!parsed) return std::nullopt;
  const YAML::Node root = *parsed;
  if (!root.IsMap()) {
    diagnostics.error(SourceLocation{file, 1, 1}, "the scenario is " + scenarios::LoadContext::describe(root),
                      "a map with hosts:, links: ... (a scenario)");
    return std::nullopt;
  }
  Composed composed;
  std::vector<std::string> lines;
  {
    std::istringstream in(world_text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  const int indent = root.Mark().column;
  // Top-level keys in order, to find where each block ends.
  std::vector<std::pair<std::string, int>> keys;  // name, 0-based line
  for (const auto& entry : root) keys.emplace_back(entry.first.as<std::string>(""), entry.first.Mark().line);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (keys[k].first != "events" && keys[k].first != "expect") continue;
    const int end = k + 1 < keys.size() ? keys[k + 1].second : static_cast<int>(lines.size());
    for (int line = keys[k].second; line < end && line < static_cast<int>(lines.size()); ++line) lines[line].clear();
  }
  composed.ignored_events = root["events"] && !(root["events"].IsSequence() && root["events"].size() == 0);
  for (const auto& line : lines) composed.text += line + "\n";
  int line_number = static_cast<int>(lines.size());
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  auto append = [&](const std::string& text, SourceLocation origin, std::string label) {
    composed.text += pad + text + "\n";
    ++line_number;
    if (!origin.file.empty()) composed.appended.push_back({line_number, std::move(origin), std::move(label)});
  };
  auto origin_of = [](const YAML::Node& node, const std::string& in_file) {
    return SourceLocation{in_file, node.Mark().line + 1, node.Mark().column + 1};
  };
  if (!exercise.probes.empty()) append("events:", {}, "");
  for (std::size_t i = 0; i < exercise.probes.size(); ++i)
    append("  - " + lessons::flow_line(exercise.probes[i]), origin_of(exercise.probes[i], exercise.source_file),
           "the exercise's probe " + std::to_string(i + 1) + " (traffic the grader sends)");
  append("expect:", {}, "");
  for (std::size_t g = 0; g < exercise.goals.size(); ++g) {
    for (const auto& expectation : exercise.goals[g].expect) {
      append("  - " + lessons::flow_line(expectation), origin_of(expectation, exercise.source_file),
             "goal '" + exercise.goals[g].id + "'");
      composed.goal_of_expectation.push_back(g);
    }
  }
  return composed;
}

// Errors on appended lines are moved to where the item was written, and say what it is.
void relocate(const scenarios::Diagnostics& found, const Composed& composed, const std::string& file,
              scenarios::Diagnostics& diagnostics) {
  for (const auto& error : found.errors()) {
    SourceLocation where = error.where;
    std::string message = error.message;
    if (where.file == file) {
      for (const auto& line : composed.appended) {
        if (line.line != where.line) continue;
        where = line.origin;
        message = line.label + " cannot apply to this world: " + message;
      }
    }
    diagnostics.error(where, message);
  }
}

}  // namespace

std::optional<Grade> grade_world(const Exercise& exercise, const std::string& world_text, const std::string& file,
                                 scenarios::Diagnostics& diagnostics, bool run, std::string* trace_text) {
  const auto composed = compose(exercise, world_text, file, diagnostics);
  if (!composed) return std::nullopt;
  scenarios::Diagnostics found;
  auto world = scenarios::load_world_from_string(composed->text, file, std::nullopt, found);
  if (!world) {
    relocate(found, *composed, file, diagnostics);
    return std::nullopt;
  }
  Grade grade;
  grade.ignored_events = composed->ignored_events;
  for (const auto& goal : exercise.goals) {
    grade.goals.push_back(GoalOutcome{&goal, true, {}});
    grade.max_points += goal.points;
  }
  if (!run) return grade;
  if (trace_text) {
    world->simulator.trace().subscribe([trace_text](const engine::TraceRecord& record) {
      *trace_text += engine::format_text(record) + "\n";
    });
  }
  scenarios::run_world(*world);
  const scenarios::RunOutcome outcome = scenarios::evaluate(*world);
  for (std::size_t i = 0; i < outcome.expectations.size() && i < composed->goal_of_expectation.size(); ++i) {
    GoalOutcome& goal = grade.goals[composed->goal_of_expectation[i]];
    const auto& result = outcome.expectations[i].result;
    goal.met = goal.met && result.passed;
    goal.details.push_back((result.passed ? "ok: " : "not yet: ") + result.detail);
  }
  for (const auto& goal : grade.goals)
    if (goal.met) grade.points += goal.goal->points;
  grade.audit_problems = outcome.audit_problems;
  grade.summary = world->ledger.summary_line();
  return grade;
}

std::optional<std::string> graded_world_text(const Exercise& exercise, const std::string& world_text,
                                             const std::string& file, scenarios::Diagnostics& diagnostics) {
  auto composed = compose(exercise, world_text, file, diagnostics);
  if (!composed) return std::nullopt;
  return std::move(composed->text);
}

double hint_penalty(const Exercise& exercise, int hints_used, double max_points) {
  double percent = 0;
  for (int i = 0; i < hints_used && i < static_cast<int>(exercise.hints.size()); ++i) percent += exercise.hints[i].cost;
  return max_points * percent / 100.0;
}

lessons::Result exercise_result(const Exercise& exercise, const Grade& grade, int hints_used,
                                const std::string& started, const std::string& finished) {
  lessons::Result result =
      lessons::new_result("exercise", exercise.student, exercise.id, exercise.version, started, finished);
  for (const auto& outcome : grade.goals) {
    lessons::ResultItem item;
    item.id = outcome.goal->id;
    item.text = outcome.goal->goal;
    std::string seen;
    for (const auto& detail : outcome.details) seen += (seen.empty() ? "" : "; ") + detail;
    item.answer = seen;
    item.right = outcome.met;
    item.attempts = 1;  // a goal is judged once per check
    item.points = outcome.met ? outcome.goal->points : 0;
    item.max_points = outcome.goal->points;
    result.items.push_back(std::move(item));
  }
  result.hints_used = hints_used;
  result.max_score = grade.max_points;
  result.hint_penalty = hint_penalty(exercise, hints_used, grade.max_points);
  result.score = std::max(0.0, grade.points - result.hint_penalty);
  return result;
}

}  // namespace maillab::exercises
