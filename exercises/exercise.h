// A hands-on exercise (exercises/README.md documents the format): a small mail world with
// something broken, a story for the student, hints that cost points, traffic the grader sends
// (probes) and goals: scenario expectations that must hold after a run. The student repairs a
// copy of the world (the work file, work_file.h); the grader runs that copy with the exercise's
// own probes and goals, so the mark comes from what the mail system does, not from how the YAML
// looks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "lessons/variables.h"
#include "scenarios/diagnostics.h"
#include "scenarios/world.h"

namespace maillab::exercises {

struct Hint {
  std::string text;
  double cost = 0;  // percentage points taken off the score when revealed
};

struct Goal {
  std::string id;    // a gradebook column: "bob-gets-mail"
  std::string goal;  // what should happen, for the student: "bob@example.org receives alice's message"
  std::string look;  // where to look when it does not: "the zone of example.org on ns1.example.org"
  double points = 1;
  std::vector<YAML::Node> expect;  // scenario expectations (scenarios/README.md), all must hold
  scenarios::SourceLocation where;
};

struct Exercise {
  std::string source_file;
  std::string id;
  int version = 1;
  std::string title;
  std::string story;
  std::vector<Hint> hints;
  std::vector<Goal> goals;
  std::vector<YAML::Node> probes;  // events the grader adds: `{at: 1s, send: {...}}`
  std::string student;             // whose variant
  lessons::VariableValues variables;
  // The broken world as the student gets it: the lines of the `scenario:` block (variables
  // substituted), with their indentation, and where they start in the exercise file.
  std::string scenario_text;
  int scenario_first_line = 0;  // 1-based
  int scenario_indent = 0;      // columns before the scenario's keys
};

// Loads the exercise for `student` ("" for the author's variant), checking its keys, its goals
// and its probes, and that the broken world it ships loads with them. nullopt and located
// diagnostics when anything is wrong.
std::optional<Exercise> load_exercise(const std::string& path, const std::string& student,
                                      scenarios::Diagnostics& diagnostics);
std::optional<Exercise> load_exercise_from_string(const std::string& text, const std::string& file,
                                                  const std::string& student, scenarios::Diagnostics& diagnostics);

}  // namespace maillab::exercises
