// maillab list — the built-in scenarios, lessons and exercises with their titles. They are looked up in the
// source tree this binary was built from (MAILLAB_SOURCE_DIR), else in the current directory.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "app/arguments.h"
#include "app/commands.h"
#include "lessons/variables.h"
#include "maillab/source_dir.h"

namespace maillab::app {
namespace {

namespace fs = std::filesystem;

fs::path find_folder(const std::string& name) {
  std::error_code ignored;
#ifdef MAILLAB_SOURCE_DIR
  fs::path built_from = fs::path(MAILLAB_SOURCE_DIR) / name;
  if (fs::is_directory(built_from, ignored)) return built_from;
#endif
  fs::path here = fs::current_path(ignored) / name;
  if (fs::is_directory(here, ignored)) return here;
  return {};
}

// The path as a person would type it from here: relative when it is below the current directory.
std::string shown(const fs::path& path) {
  std::error_code ignored;
  fs::path relative = fs::proximate(path, fs::current_path(ignored), ignored);
  std::string text = relative.string();
  return (text.empty() || text.rfind("..", 0) == 0) ? path.string() : text;
}

int list_folder(const std::string& heading, const std::string& folder) {
  fs::path where = find_folder(folder);
  std::cout << heading << ":\n";
  if (where.empty()) {
    std::cout << "  (no " << folder << "/ folder found)\n";
    return 0;
  }
  std::vector<fs::path> files;
  std::error_code ignored;
  for (const auto& entry : fs::directory_iterator(where, ignored))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) std::cout << "  (none yet)\n";
  for (const auto& file : files) {
    std::string title;
    try {
      // Exercises and lessons may quote {{variables}}, which YAML alone would misread.
      std::ifstream in(file, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      YAML::Node root = YAML::Load(lessons::mask_templates(text.str()));
      if (root.IsMap() && root["title"] && root["title"].IsScalar()) title = root["title"].Scalar();
    } catch (const YAML::Exception& e) {
      title = "(cannot be read: " + e.msg + ")";
    }
    std::string name = shown(file);
    if (name.size() < 36) name.resize(36, ' ');
    std::cout << "  " << name << "  " << title << "\n";
  }
  return 0;
}

}  // namespace

int command_list(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {}, error);
  if (!parsed) return usage_error("list", error);
  if (parsed->help) {
    std::cout << "Usage: maillab list\nLists the built-in scenarios (scenarios/*.yaml), lessons (lessons/*.yaml) and\nexercises (exercises/*.yaml).\n";
    return 0;
  }
  if (!parsed->positional.empty()) return usage_error("list", "takes no arguments");
  list_folder("scenarios (maillab run FILE)", "scenarios");
  std::cout << "\n";
  list_folder("lessons (maillab lesson FILE)", "lessons");
  std::cout << "\n";
  list_folder("exercises (maillab exercise start FILE --student ID)", "exercises");
  return 0;
}

}  // namespace maillab::app
