// Per-student variants. A lesson or an exercise may declare `variables:`; each student id picks
// one value of each, the same one every time (a hash of the id and the variable's name, not a
// random draw), so neighbours get different names and numbers and the grader, knowing the id,
// knows the variant. `{{name}}` anywhere in the file's text is replaced by the value before the
// file is read as YAML, so a variable can stand in a question, an accepted answer, a zone record
// or an address alike. Without a student id every variable takes its first value: the variant the
// author wrote and tests.
//
//   variables:
//     user: [bob, carol, dave, erin]         # one of these
//     ttl: {from: 300, to: 3600, step: 300}  # a number in this range (step default 1)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "scenarios/diagnostics.h"
#include "scenarios/load_context.h"

namespace maillab::lessons {

struct Variable {
  std::string name;
  std::vector<std::string> values;  // at least one
};

using VariableValues = std::map<std::string, std::string>;

// Reads a `variables:` map (absent node: no variables). Errors go to the context; nullopt if any.
std::optional<std::vector<Variable>> read_variables(const YAML::Node& node, scenarios::LoadContext& context);

// A student id fit for file names, CSV cells and YAML: 1 to 64 letters, digits, '.', '-', '_', '@'.
bool valid_student_id(const std::string& id);

// The values one student gets; an empty id gives every variable its first value.
VariableValues pick_variant(const std::vector<Variable>& variables, const std::string& student);

// `text` with every `{{name}}` replaced by its value. A name without a value is an error at its
// place in `file` (line and column counted in `text`); the template is left as it was.
std::string substitute_variables(const std::string& text, const VariableValues& values, const std::string& file,
                                 scenarios::Diagnostics& diagnostics);

// `text` with every `{{name}}` turned into `__name__` (same length, so lines and columns stay):
// YAML reads a bare `{{` as the start of a map, so the file is first read in this form to find
// its `variables:` block.
std::string mask_templates(const std::string& text);

// The whole two-pass load: masks, parses, reads the top-level `variables:`, picks the student's
// values and substitutes them. nullopt (with diagnostics) on YAML or variable errors.
struct VariantText {
  std::string text;  // the file's text with the student's values in
  std::vector<Variable> variables;
  VariableValues values;
};
std::optional<VariantText> apply_variant(const std::string& text, const std::string& file, const std::string& student,
                                         scenarios::Diagnostics& diagnostics);

// One YAML value on one line (flow style, every string double-quoted, a newline as \n): how an
// exercise's probes and goals become lines of a scenario's events: and expect: blocks.
std::string flow_line(const YAML::Node& node);

// Parses YAML text, turning a syntax error into a located diagnostic.
std::optional<YAML::Node> parse_yaml_text(const std::string& text, const std::string& file,
                                          scenarios::Diagnostics& diagnostics);

}  // namespace maillab::lessons
