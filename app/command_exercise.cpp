// maillab exercise start|check|hint — hands-on exercises; the work is done in exercises/
// (exercises/exercise_command.h), this parses the flags.
#include <iostream>

#include "app/arguments.h"
#include "app/commands.h"
#include "exercises/exercise_command.h"

namespace maillab::app {
namespace {

constexpr const char* help_text =
    "Usage: maillab exercise start EXERCISE.yaml --student ID [--out WORK.yaml] [--force]\n"
    "       maillab exercise check WORK.yaml [--result FILE.json] [--exercise EXERCISE.yaml] [--trace]\n"
    "       maillab exercise hint WORK.yaml [--exercise EXERCISE.yaml]\n\n"
    "An exercise is a small mail world with something broken (exercises/README.md).\n"
    "  start   writes the student's copy of the world (default name EXERCISE-ID-STUDENT.yaml);\n"
    "          names, addresses and numbers in it are the student's own variant, picked from ID\n"
    "  check   runs the copy with the exercise's test traffic and prints each goal, met or not,\n"
    "          with where to look, and the percent complete; --result writes a result file for\n"
    "          'maillab grade'; --trace prints the run's trace first; --exercise grades with that\n"
    "          exercise file instead of the one the work file names\n"
    "  hint    shows the next hint (each one revealed costs some of the score) and those before\n\n"
    "Exit: check 0 every goal met, 1 some are not, 2 bad input (nothing graded); start and hint\n"
    "0 done, 2 bad input.\n";

}  // namespace

int command_exercise(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments,
                                {{"student"}, {"out"}, {"force", false}, {"result"}, {"exercise"}, {"trace", false}},
                                error);
  if (!parsed) return usage_error("exercise", error);
  if (parsed->help || parsed->positional.empty()) {
    if (!parsed->help) return usage_error("exercise", "say start, check or hint");
    std::cout << help_text;
    return 0;
  }
  const std::string verb = parsed->positional.front();
  const auto option = [&](const char* name) -> std::optional<std::string> {
    if (!parsed->has(name)) return std::nullopt;
    return parsed->options.at(name);
  };
  auto only = [&](std::initializer_list<const char*> allowed) -> std::optional<std::string> {
    for (const auto& [name, value] : parsed->options) {
      bool fits = false;
      for (const char* one : allowed) fits = fits || name == one;
      if (!fits) return "--" + name + " does not go with '" + verb + "'";
    }
    if (parsed->positional.size() != 2) return "'" + verb + "' wants exactly one file";
    return std::nullopt;
  };
  if (verb == "start") {
    if (auto problem = only({"student", "out", "force"})) return usage_error("exercise", *problem);
    if (!parsed->has("student")) return usage_error("exercise", "start needs --student ID (whose copy it is)");
    exercises::StartOptions options;
    options.exercise_path = parsed->positional[1];
    options.student = *option("student");
    options.out_path = option("out");
    options.force = parsed->has("force");
    return exercises::start_exercise(options, std::cout, std::cerr);
  }
  if (verb == "check") {
    if (auto problem = only({"result", "exercise", "trace"})) return usage_error("exercise", *problem);
    exercises::CheckOptions options;
    options.work_path = parsed->positional[1];
    options.exercise_path = option("exercise");
    options.result_path = option("result");
    options.trace = parsed->has("trace");
    return exercises::check_work(options, std::cout, std::cerr);
  }
  if (verb == "hint") {
    if (auto problem = only({"exercise"})) return usage_error("exercise", *problem);
    return exercises::reveal_hint(parsed->positional[1], option("exercise"), std::cout, std::cerr);
  }
  return usage_error("exercise", "unknown action '" + verb + "'; say start, check or hint");
}

}  // namespace maillab::app
