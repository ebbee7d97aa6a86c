// Loading a lesson: the top-level keys, the scenario (a path or an inline block), the steps,
// then a trial load of the scenario so that its errors, and checkpoint patterns naming nodes it
// does not have, are reported before anything runs.
#include "lessons/lesson_loader.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "lessons/lesson_loader_steps.h"
#include "scenarios/input_limits.h"
#include "scenarios/load_context.h"
#include "scenarios/loader.h"

namespace maillab::lessons {
namespace {

using scenarios::Diagnostics;
using scenarios::LoadContext;
using scenarios::SourceLocation;

// The text of the lesson file with everything outside [begin, end) replaced by spaces (newlines
// kept), so the inline scenario parses alone while every line and column stays where it is in
// the lesson file. YAML accepts a document whose top-level map is indented.
std::string cut_out(const std::string& text, YAML::Mark begin, std::optional<YAML::Mark> end) {
  std::string out;
  out.reserve(text.size());
  int line = 0, column = 0;
  for (char c : text) {
    bool after_begin = line > begin.line || (line == begin.line && column >= begin.column);
    bool before_end = !end || line < end->line || (line == end->line && column < end->column);
    if (c == '\n') {
      out += '\n';
      ++line;
      column = 0;
      continue;
    }
    out += (after_begin && before_end) ? c : ' ';
    ++column;
  }
  return out;
}

// Where the block of top-level key `key` ends: at the next top-level key (yaml-cpp keeps a map's
// order), or nullopt when it is the last.
std::optional<YAML::Mark> block_end(const YAML::Node& root, const std::string& key) {
  bool found = false;
  for (const auto& entry : root) {
    if (found) return entry.first.Mark();
    found = entry.first.IsScalar() && entry.first.Scalar() == key;
  }
  return std::nullopt;
}

// `scenario: {exercise: PATH}`: the exercise's broken world, as `maillab exercise start` gives it
// to the same student (its variables picked for the lesson's student id), with the exercise's
// probes (the traffic its grader sends) as the world's events. The lesson quotes the exercise's
// names and numbers through variables of the same names, which must be declared as the
// exercise declares them (then every student gets the same values in both).
void read_exercise_world(const YAML::Node& scenario, const std::string& file, Lesson& lesson, LoadContext& context) {
  context.check_keys(scenario, "scenario", {"exercise"}, {});
  const auto relative = context.text(scenario["exercise"], "exercise");
  if (!relative) return;
  std::filesystem::path path(*relative);
  if (path.is_relative()) path = std::filesystem::path(file).parent_path() / path;
  path = path.lexically_normal();
  std::ifstream in(path, std::ios::binary);
  if (!in || !scenarios::check_file_size(path.string(), "exercise", context.diagnostics)) {
    context.error(scenario["exercise"], "exercise file '" + *relative + "' not found (looked for " + path.string() + ")",
                  "an exercise file path relative to the lesson file");
    return;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto variant = apply_variant(text.str(), path.string(), lesson.student, context.diagnostics);
  if (!variant) return;
  for (const auto& [name, value] : lesson.variables) {
    const auto theirs = variant->values.find(name);
    if (theirs != variant->values.end() && theirs->second != value)
      context.error(scenario["exercise"], "the lesson's variable '" + name + "' is '" + value + "' for this student, the exercise's '" +
                    theirs->second + "'", "variables: declared as the exercise declares them");
  }
  auto parsed = parse_yaml_text(variant->text, path.string(), context.diagnostics);
  if (!parsed) return;
  const YAML::Node root = *parsed;
  if (!root.IsMap() || !root["scenario"].IsMap()) {
    context.error(scenario["exercise"], path.string() + " has no scenario: block", "an exercise file (exercises/README.md)");
    return;
  }
  std::string world = cut_out(variant->text, root["scenario"].Mark(), block_end(root, "scenario"));
  if (root["probes"].IsSequence() && root["probes"].size() > 0) {
    const std::string pad(static_cast<std::size_t>(root["scenario"].Mark().column), ' ');
    world += pad + "events:\n";
    for (const auto& probe : root["probes"]) world += pad + "  - " + flow_line(probe) + "\n";
  }
  lesson.exercise_path = path.string();
  lesson.inline_scenario_file = path.string();
  lesson.inline_scenario_text = std::move(world);
}

void read_scenario(const YAML::Node& root, const std::string& text, const std::string& file, Lesson& lesson,
                   LoadContext& context) {
  const YAML::Node scenario = root["scenario"];
  if (scenario.IsScalar()) {
    const std::string& relative = scenario.Scalar();
    std::filesystem::path path(relative);
    if (path.is_relative()) path = std::filesystem::path(file).parent_path() / path;
    std::error_code error;
    if (relative.empty() || !std::filesystem::is_regular_file(path, error)) {
      context.error(scenario, "scenario file '" + relative + "' not found (looked for " + path.lexically_normal().string() + ")",
                    "a scenario file path relative to the lesson file, or an inline scenario: map");
      return;
    }
    lesson.scenario_path = path.lexically_normal().string();
    return;
  }
  if (!scenario.IsMap()) {
    context.error(scenario, "scenario is " + LoadContext::describe(scenario),
                  "a scenario file path relative to the lesson file, or an inline scenario: map");
    return;
  }
  if (scenario["exercise"]) {
    read_exercise_world(scenario, file, lesson, context);
    return;
  }
  lesson.inline_scenario_text = cut_out(text, scenario.Mark(), block_end(root, "scenario"));
}

}  // namespace

std::size_t Lesson::question_count() const {
  std::size_t count = 0;
  for (const auto& step : steps) count += (step.predict ? 1 : 0) + (step.quiz ? 1 : 0);
  return count;
}

std::size_t Lesson::graded_count() const {
  std::size_t count = 0;
  for (const auto& step : steps) count += (step.predict && step.predict->graded ? 1 : 0) + (step.quiz && step.quiz->graded ? 1 : 0);
  return count;
}

std::optional<Lesson> load_lesson_from_string(const std::string& original_text, const std::string& file,
                                              Diagnostics& diagnostics, const scenarios::Registry& registry,
                                              const std::string& student) {
  const std::size_t errors_before = diagnostics.count();
  // The student's variant first: {{name}} anywhere becomes this student's value.
  auto variant = apply_variant(original_text, file, student, diagnostics);
  if (!variant) return std::nullopt;
  const std::string& yaml_text = variant->text;
  auto parsed = parse_yaml_text(yaml_text, file, diagnostics);
  if (!parsed) return std::nullopt;
  const YAML::Node root = *parsed;
  scenarios::World placeholder(1);  // LoadContext's value readers want a World; lessons do not use it
  LoadContext context(placeholder, diagnostics, file);
  if (!root.IsMap()) {
    SourceLocation where{file, 1, 1};
    if (root.IsDefined() && root.Mark().line >= 0) where = {file, root.Mark().line + 1, root.Mark().column + 1};
    diagnostics.error(where, "the lesson is " + LoadContext::describe(root),
                      "a map with title:, scenario: and steps: (see lessons/README.md)");
    return std::nullopt;
  }
  context.check_keys(root, "the lesson", {"title", "scenario", "steps"},
                     {"description", "seed", "version", "variables", "second_try"});

  Lesson lesson;
  lesson.source_file = file;
  lesson.id = std::filesystem::path(file).stem().string();
  lesson.student = student;
  lesson.variables = variant->values;
  if (root["version"]) {
    if (auto version = context.integer(root["version"], "version", 1, 1'000'000)) lesson.version = static_cast<int>(*version);
  }
  if (root["second_try"]) {
    if (auto credit = context.number(root["second_try"], "second_try", 0, 1)) lesson.second_try = *credit;
  }
  if (root["title"]) {
    if (auto title = context.text(root["title"], "title")) lesson.title = *title;
  }
  if (root["description"]) {
    if (auto description = context.text(root["description"], "description")) lesson.description = *description;
  }
  if (root["seed"]) {
    if (auto seed = context.integer(root["seed"], "seed", 0, std::numeric_limits<std::int64_t>::max()))
      lesson.seed = static_cast<std::uint64_t>(*seed);
  }
  if (root["scenario"]) read_scenario(root, yaml_text, file, lesson, context);

  std::vector<YAML::Node> step_nodes;
  if (const YAML::Node steps = root["steps"]) {
    if (context.require_sequence(steps, "steps")) {
      if (steps.size() == 0) context.error(steps, "steps is an empty list", "at least one step");
      for (const auto& node : steps) {
        step_nodes.push_back(node);
        if (auto step = loader::read_step(node, lesson.steps.size(), context)) lesson.steps.push_back(std::move(*step));
        else lesson.steps.emplace_back();  // keeps indexes aligned with step_nodes; the load fails anyway
      }
    }
  }
  // Question ids name gradebook columns: one column, one question.
  std::map<std::string, SourceLocation> ids;
  for (const auto& step : lesson.steps) {
    for (const Quiz* quiz : {step.predict ? &*step.predict : nullptr, step.quiz ? &*step.quiz : nullptr}) {
      if (!quiz) continue;
      auto [at, fresh] = ids.emplace(quiz->id, quiz->where);
      if (!fresh) context.error(quiz->where, "question id '" + quiz->id + "' is used twice (first at " + at->second.to_string() + ")",
                                "a different id: each names one gradebook column");
    }
  }
  if (diagnostics.count() != errors_before) return std::nullopt;

  // A trial load of the scenario: its own errors, and names the checkpoints use.
  auto world = load_lesson_world(lesson, std::nullopt, diagnostics, registry);
  if (!world) return std::nullopt;
  for (std::size_t i = 0; i < lesson.steps.size(); ++i)
    loader::check_step_against_world(step_nodes[i], lesson.steps[i], context, *world);
  if (diagnostics.count() != errors_before) return std::nullopt;
  return lesson;
}

std::optional<Lesson> load_lesson_from_string(const std::string& yaml_text, const std::string& file,
                                              Diagnostics& diagnostics, const std::string& student) {
  return load_lesson_from_string(yaml_text, file, diagnostics, scenarios::builtin_registry(), student);
}

std::optional<Lesson> load_lesson(const std::string& path, Diagnostics& diagnostics, const std::string& student) {
  std::error_code ignored;
  std::ifstream in(path, std::ios::binary);
  if (!in || !std::filesystem::is_regular_file(path, ignored)) {
    diagnostics.error(SourceLocation{path, 0, 0}, "cannot open the file", "a readable lesson file");
    return std::nullopt;
  }
  if (!scenarios::check_file_size(path, "lesson", diagnostics)) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return load_lesson_from_string(text.str(), path, diagnostics, student);
}

std::unique_ptr<scenarios::World> load_lesson_world(const Lesson& lesson, std::optional<std::uint64_t> seed_override,
                                                    Diagnostics& diagnostics, const scenarios::Registry& registry) {
  std::optional<std::uint64_t> seed = seed_override ? seed_override : lesson.seed;
  if (!lesson.scenario_path.empty()) {
    std::ifstream in(lesson.scenario_path, std::ios::binary);
    if (!in) {
      diagnostics.error(SourceLocation{lesson.scenario_path, 0, 0}, "cannot open the scenario file",
                        "a readable scenario file");
      return nullptr;
    }
    if (!scenarios::check_file_size(lesson.scenario_path, "scenario", diagnostics)) return nullptr;
    std::ostringstream text;
    text << in.rdbuf();
    return scenarios::load_world_from_string(text.str(), lesson.scenario_path, seed, diagnostics, registry);
  }
  const std::string& file = lesson.inline_scenario_file.empty() ? lesson.source_file : lesson.inline_scenario_file;
  auto world = scenarios::load_world_from_string(lesson.inline_scenario_text, file, seed, diagnostics, registry);
  if (world && world->title.empty()) world->title = lesson.title;
  return world;
}

std::unique_ptr<scenarios::World> load_lesson_world(const Lesson& lesson, std::optional<std::uint64_t> seed_override,
                                                    Diagnostics& diagnostics) {
  return load_lesson_world(lesson, seed_override, diagnostics, scenarios::builtin_registry());
}

}  // namespace maillab::lessons
