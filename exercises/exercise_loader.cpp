// Loading an exercise file: the student's variant first (lessons/variables.h), then the keys,
// hints, goals and probes, then a trial grading of the broken world it ships, so that a goal or
// probe naming something the world lacks is reported to the author, not found by a student.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "exercises/exercise.h"
#include "exercises/grader.h"
#include "exercises/work_file.h"
#include "scenarios/load_context.h"

namespace maillab::exercises {
namespace {

using scenarios::LoadContext;

bool is_plain_id(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

void read_hints(const YAML::Node& node, Exercise& exercise, LoadContext& context) {
  if (!node || !context.require_sequence(node, "hints")) return;
  for (const auto& item : node) {
    if (!context.require_map(item, "hint") || !context.check_keys(item, "hint", {"text"}, {"cost"})) continue;
    Hint hint;
    if (auto text = context.text(item["text"], "hint text")) hint.text = *text;
    if (item["cost"]) {
      if (auto cost = context.number(item["cost"], "hint cost", 0, 100)) hint.cost = *cost;
    }
    exercise.hints.push_back(std::move(hint));
  }
}

void read_goals(const YAML::Node& node, Exercise& exercise, LoadContext& context) {
  if (!context.require_sequence(node, "goals")) return;
  if (node.size() == 0) context.error(node, "goals is an empty list", "at least one goal");
  std::set<std::string> ids;
  for (const auto& item : node) {
    if (!context.require_map(item, "goal") ||
        !context.check_keys(item, "goal", {"id", "goal", "look", "expect"}, {"points"}))
      continue;
    Goal goal;
    goal.where = context.location(item);
    if (auto id = context.text(item["id"], "goal id")) {
      if (!is_plain_id(*id)) context.error(item["id"], "goal id '" + *id + "' is not one word", "letters, digits, '-', '_' or '.' (a gradebook column)");
      else if (!ids.insert(*id).second) context.error(item["id"], "goal id '" + *id + "' is used twice", "a different id per goal");
      goal.id = *id;
    }
    if (auto text = context.text(item["goal"], "goal")) goal.goal = *text;
    if (auto look = context.text(item["look"], "goal look")) goal.look = *look;
    if (item["points"]) {
      if (auto points = context.number(item["points"], "goal points", 0.01, 1000)) goal.points = *points;
    }
    const YAML::Node expect = item["expect"];
    if (expect.IsMap()) {
      goal.expect.push_back(expect);
    } else if (context.require_sequence(expect, "goal expect")) {
      if (expect.size() == 0) context.error(expect, "goal expect is an empty list", "one or more expectations");
      for (const auto& one : expect) goal.expect.push_back(one);
    }
    exercise.goals.push_back(std::move(goal));
  }
}

// The `scenario:` block's lines, as the student gets them.
void read_scenario_block(const YAML::Node& root, const std::string& text, Exercise& exercise, LoadContext& context) {
  const YAML::Node scenario = root["scenario"];
  if (!scenario.IsMap() || scenario.Style() == YAML::EmitterStyle::Flow) {
    context.error(scenario, "scenario is " + LoadContext::describe(scenario),
                  "the broken world as an indented block map (name:, hosts:, links: ...)");
    return;
  }
  int end_line = line_after_block(root, "scenario");  // 0-based, exclusive
  if (end_line < 0) end_line = std::numeric_limits<int>::max();
  for (const char* key : {"events", "expect"}) {
    if (scenario[key])
      context.error(scenario[key], std::string("the exercise's world has ") + key + ":",
                    std::string(key) == "events" ? "the traffic under probes: (the grader sends it; a student cannot change it)"
                                                 : "the checks under goals: (each goal's expect:)");
  }
  const int first_line = scenario.Mark().line;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line); ++number)
    if (number >= first_line && number < end_line) exercise.scenario_text += line + "\n";
  exercise.scenario_first_line = first_line + 1;
  exercise.scenario_indent = scenario.Mark().column;
}

}  // namespace

std::optional<Exercise> load_exercise_from_string(const std::string& original_text, const std::string& file,
                                                  const std::string& student, scenarios::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.count();
  auto variant = lessons::apply_variant(original_text, file, student, diagnostics);
  if (!variant) return std::nullopt;
  auto parsed = lessons::parse_yaml_text(variant->text, file, diagnostics);
  if (!parsed) return std::nullopt;
  const YAML::Node root = *parsed;
  scenarios::World placeholder(1);  // the value readers want a World; the exercise's own is loaded below
  LoadContext context(placeholder, diagnostics, file);
  if (!root.IsMap()) {
    diagnostics.error(scenarios::SourceLocation{file, 1, 1}, "the exercise is " + LoadContext::describe(root),
                      "a map with exercise:, title:, story:, goals:, scenario: (see exercises/README.md)");
    return std::nullopt;
  }
  context.check_keys(root, "the exercise", {"exercise", "title", "story", "goals", "scenario"},
                     {"version", "variables", "hints", "probes"});
  Exercise exercise;
  exercise.source_file = file;
  exercise.student = student;
  exercise.variables = variant->values;
  if (root["exercise"]) {
    if (auto id = context.text(root["exercise"], "exercise id")) {
      if (!is_plain_id(*id)) context.error(root["exercise"], "exercise id '" + *id + "' is not one word", "letters, digits, '-', '_' or '.'");
      exercise.id = *id;
    }
  }
  if (root["version"]) {
    if (auto version = context.integer(root["version"], "version", 1, 1'000'000)) exercise.version = static_cast<int>(*version);
  }
  if (root["title"]) {
    if (auto title = context.text(root["title"], "title")) exercise.title = *title;
  }
  if (root["story"]) {
    if (auto story = context.text(root["story"], "story")) exercise.story = *story;
  }
  read_hints(root["hints"], exercise, context);
  if (root["goals"]) read_goals(root["goals"], exercise, context);
  if (const YAML::Node probes = root["probes"]; probes && context.require_sequence(probes, "probes"))
    for (const auto& probe : probes) exercise.probes.push_back(probe);
  if (root["scenario"]) read_scenario_block(root, variant->text, exercise, context);
  if (diagnostics.count() != errors_before) return std::nullopt;

  // A trial grading of the broken world as shipped: its errors, and goals or probes that do not fit it.
  const std::string world_text = std::string(static_cast<std::size_t>(exercise.scenario_first_line - 1), '\n') +
                                 exercise.scenario_text;
  if (!grade_world(exercise, world_text, file, diagnostics, /*run=*/false)) return std::nullopt;
  return exercise;
}

std::optional<Exercise> load_exercise(const std::string& path, const std::string& student,
                                      scenarios::Diagnostics& diagnostics) {
  std::error_code ignored;
  std::ifstream in(path, std::ios::binary);
  if (!in || !std::filesystem::is_regular_file(path, ignored)) {
    diagnostics.error(scenarios::SourceLocation{path, 0, 0}, "cannot open the file", "a readable exercise file");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_exercise_from_string(text.str(), path, student, diagnostics);
}

}  // namespace maillab::exercises
