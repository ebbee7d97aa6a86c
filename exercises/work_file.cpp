#include "exercises/work_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lessons/result_file.h"
#include "scenarios/load_context.h"

namespace maillab::exercises {
namespace {

using scenarios::LoadContext;
using scenarios::SourceLocation;

void comment_lines(std::string& out, const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += (line.empty() ? "#" : prefix + line) + "\n";
}

}  // namespace

int line_after_block(const YAML::Node& root, const std::string& key) {
  bool found = false;
  for (const auto& entry : root) {
    if (found) return entry.first.Mark().line;
    found = entry.first.IsScalar() && entry.first.Scalar() == key;
  }
  return -1;
}

std::string header_line(const WorkHeader& header) {
  return "exercise: {id: " + header.id + ", version: " + std::to_string(header.version) +
         ", student: " + lessons::json_string(header.student) + ", file: " + lessons::json_string(header.exercise_file) +
         ", hints: " + std::to_string(header.hints) + "}";
}

std::string work_file_text(const Exercise& exercise, const std::string& exercise_reference) {
  std::string out = "# maillab exercise " + exercise.id + ": " + exercise.title + "\n";
  out += "# Student " + exercise.student + ". This is your copy of a mail world that does not work.\n#\n";
  comment_lines(out, exercise.story, "#   ");
  out += "#\n# Repair the world in the scenario: block below (hosts, zones, MTA settings, links), then\n"
         "#   maillab exercise check THIS_FILE            (what works, what does not, and where to look)\n"
         "#   maillab exercise hint THIS_FILE             (the next hint; each one costs some of the score)\n"
         "# The grader sends its own test mail through your world: events: and expect: written here are\n"
         "# ignored. Leave the exercise: line as it is.\n";
  WorkHeader header;
  header.id = exercise.id;
  header.version = exercise.version;
  header.student = exercise.student;
  header.exercise_file = exercise_reference;
  out += header_line(header) + "\nscenario:\n";
  // The block's lines, moved to two spaces of indentation.
  const std::size_t indent = static_cast<std::size_t>(exercise.scenario_indent);
  std::istringstream lines(exercise.scenario_text);
  for (std::string line; std::getline(lines, line);) {
    std::size_t strip = 0;
    while (strip < indent && strip < line.size() && line[strip] == ' ') ++strip;
    const std::string rest = line.substr(strip);
    out += rest.empty() ? "\n" : "  " + rest + "\n";
  }
  return out;
}

std::string WorkFile::resolved_exercise_file() const {
  std::filesystem::path file(header.exercise_file);
  if (file.is_relative()) file = std::filesystem::path(path).parent_path() / file;
  return file.lexically_normal().string();
}

std::optional<WorkFile> read_work_file(const std::string& path, scenarios::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.count();
  std::ifstream in(path, std::ios::binary);
  std::error_code ignored;
  if (!in || !std::filesystem::is_regular_file(path, ignored)) {
    diagnostics.error(SourceLocation{path, 0, 0}, "cannot open the file", "a work file from 'maillab exercise start'");
    return std::nullopt;
  }
  WorkFile work;
  work.path = path;
  std::ostringstream text;
  text << in.rdbuf();
  work.text = text.str();
  auto parsed = lessons::parse_yaml_text(work.text, path, diagnostics);
  if (!parsed) return std::nullopt;
  const YAML::Node root = *parsed;
  scenarios::World placeholder(1);
  LoadContext context(placeholder, diagnostics, path);
  if (!root.IsMap()) {
    diagnostics.error(SourceLocation{path, 1, 1}, "the work file is " + LoadContext::describe(root),
                      "the exercise: line and the scenario: block that 'maillab exercise start' wrote");
    return std::nullopt;
  }
  if (!context.check_keys(root, "the work file", {"exercise", "scenario"}, {})) return std::nullopt;
  const YAML::Node header = root["exercise"];
  if (context.require_map(header, "exercise") &&
      context.check_keys(header, "exercise", {"id", "version", "student", "file"}, {"hints"})) {
    work.header_line = header.Mark().line + 1;
    if (auto id = context.text(header["id"], "exercise id")) work.header.id = *id;
    if (auto version = context.integer(header["version"], "exercise version", 1, 1'000'000))
      work.header.version = static_cast<int>(*version);
    if (auto student = context.text(header["student"], "exercise student")) work.header.student = *student;
    if (auto file = context.text(header["file"], "exercise file")) work.header.exercise_file = *file;
    if (header["hints"]) {
      if (auto hints = context.integer(header["hints"], "exercise hints", 0, 1000)) work.header.hints = static_cast<int>(*hints);
    }
    if (header.Style() != YAML::EmitterStyle::Flow)
      context.error(header, "the exercise: header is no longer one line", "the exercise: {...} line as 'maillab exercise start' wrote it");
  }
  // The scenario block: from its first key to the next top-level key (or the end).
  const YAML::Node scenario = root["scenario"];
  if (!scenario.IsMap()) {
    context.error(scenario, "scenario is " + LoadContext::describe(scenario), "the world as an indented block map");
    return std::nullopt;
  }
  const int end_line = line_after_block(root, "scenario");
  std::istringstream lines(work.text);
  int number = 0;
  for (std::string line; std::getline(lines, line); ++number) {
    const bool inside = number >= scenario.Mark().line && (end_line < 0 || number < end_line);
    work.world_text += (inside ? line : "") + "\n";
  }
  if (diagnostics.count() != errors_before) return std::nullopt;
  return work;
}

bool rewrite_header(const WorkFile& work, const WorkHeader& header, std::string& error) {
  std::istringstream lines(work.text);
  std::string out;
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    out += (number == work.header_line ? header_line(header) : line) + "\n";
  }
  if (!work.text.empty() && work.text.back() != '\n') out.pop_back();  // keep a missing final newline missing
  std::ofstream file(work.path, std::ios::binary | std::ios::trunc);
  if (file) file << out;
  if (!file) {
    error = "cannot write " + work.path;
    return false;
  }
  return true;
}

}  // namespace maillab::exercises
