// maillab gui [SCENARIO|LESSON] [--screenshot FILE --frames N] [--at SECONDS] ... — the visualizer
// (viz/visualizer.h). A lesson file opens the lesson: its panel runs the scenario step by step.
#include <fstream>
#include <iostream>

#include <yaml-cpp/yaml.h>

#include "app/commands.h"
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
    // The lesson itself opens: its panel drives the scenario step by step (viz/panels/lesson_panel.h).
    options->lesson_path = options->scenario_path;
    options->scenario_path.clear();
  }
  return viz::run_visualizer(*options, std::cout, std::cerr);
}

}  // namespace maillab::app
