// maillab gui [SCENARIO|LESSON] [--screenshot FILE --frames N] [--at SECONDS] ... — the visualizer
// (viz/visualizer.h). A lesson file opens the scenario the lesson runs.
#include <fstream>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "app/commands.h"
#include "lessons/lesson_loader.h"
#include "scenarios/diagnostics.h"
#include "viz/visualizer.h"

namespace maillab::app {
namespace {

// A lesson is a YAML map with `steps:`; a scenario never has that key.
bool looks_like_lesson(const std::string& path) {
  try {
    const YAML::Node root = YAML::LoadFile(path);
    return root.IsMap() && root["steps"];
  } catch (const YAML::Exception&) {
    return false;  // the scenario loader reports the syntax error with its location
  }
}

}  // namespace

int command_gui(const Arguments& arguments) {
  for (const auto& argument : arguments) {
    if (argument == "--help" || argument == "-h") {
      std::cout << "Usage: maillab gui [SCENARIO|LESSON] [options]\n\n" << viz::visualizer_usage();
      return 0;
    }
  }
  std::string error;
  auto options = viz::parse_visualizer_arguments(arguments, error);
  if (!options) {
    std::cerr << "maillab gui: " << error << "\n\n" << viz::visualizer_usage();
    return 2;
  }
  if (!options->scenario_path.empty() && looks_like_lesson(options->scenario_path)) {
    scenarios::Diagnostics diagnostics;
    auto lesson = lessons::load_lesson(options->scenario_path, diagnostics);
    if (!lesson) {
      std::cerr << diagnostics.to_string();
      return 2;
    }
    if (lesson->scenario_path.empty()) {
      std::cerr << "maillab gui: " << options->scenario_path
                << ": lessons with an inline scenario cannot be opened in the visualizer yet; "
                   "run it with `maillab lesson`\n";
      return 2;
    }
    std::cout << "Lesson: " << lesson->title << " (scenario " << lesson->scenario_path << ")\n";
    options->scenario_path = lesson->scenario_path;
  }
  return viz::run_visualizer(*options, std::cout, std::cerr);
}

}  // namespace maillab::app
