#include "lessons/variables.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "scenarios/input_limits.h"

namespace maillab::lessons {
namespace {

using scenarios::LoadContext;
using scenarios::SourceLocation;

constexpr std::int64_t max_range_values = 100'000;

bool is_name_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// FNV-1a over the bytes, then splitmix64's finalizer to spread them: fixed by this code, not by
// the standard library (std::hash may differ between compilers, and a student's variant must not).
std::uint64_t stable_hash(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ull;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebull;
  hash ^= hash >> 31;
  return hash;
}

// Calls `each(begin, end, name)` for every `{{name}}` in `text` (begin at the first '{', end
// just past the last '}').
template <typename F>
void for_each_template(const std::string& text, F&& each) {
  for (std::size_t at = text.find("{{"); at != std::string::npos; at = text.find("{{", at + 2)) {
    std::size_t name_begin = at + 2;
    while (name_begin < text.size() && text[name_begin] == ' ') ++name_begin;
    std::size_t name_end = name_begin;
    while (name_end < text.size() && is_name_character(text[name_end])) ++name_end;
    std::size_t close = name_end;
    while (close < text.size() && text[close] == ' ') ++close;
    if (name_end == name_begin || text.compare(close, 2, "}}") != 0) continue;
    each(at, close + 2, text.substr(name_begin, name_end - name_begin));
  }
}

std::optional<std::vector<std::string>> read_range(const YAML::Node& node, const std::string& what,
                                                   LoadContext& context) {
  if (!context.check_keys(node, what, {"from", "to"}, {"step"})) return std::nullopt;
  const auto from = context.integer(node["from"], what + " from", -1'000'000'000, 1'000'000'000);
  const auto to = context.integer(node["to"], what + " to", -1'000'000'000, 1'000'000'000);
  std::optional<std::int64_t> step = 1;
  if (node["step"]) step = context.integer(node["step"], what + " step", 1, 1'000'000'000);
  if (!from || !to || !step) return std::nullopt;
  if (*to < *from) {
    context.error(node["to"], what + " ends before it begins", "to: at least from:");
    return std::nullopt;
  }
  if ((*to - *from) / *step + 1 > max_range_values) {
    context.error(node, what + " has more than " + std::to_string(max_range_values) + " values", "a larger step");
    return std::nullopt;
  }
  std::vector<std::string> values;
  for (std::int64_t value = *from; value <= *to; value += *step) values.push_back(std::to_string(value));
  return values;
}

}  // namespace

std::optional<std::vector<Variable>> read_variables(const YAML::Node& node, LoadContext& context) {
  std::vector<Variable> variables;
  if (!node) return variables;
  if (!context.require_map(node, "variables")) return std::nullopt;
  bool ok = true;
  for (const auto& entry : node) {
    Variable variable;
    const auto name = context.text(entry.first, "variable name");
    if (!name) {
      ok = false;
      continue;
    }
    variable.name = *name;
    if (name->empty() || !std::all_of(name->begin(), name->end(), is_name_character)) {
      context.error(entry.first, "variable name '" + *name + "' is not a plain name",
                    "letters, digits, '_' and '-' (it is quoted as {{" + *name + "}})");
      ok = false;
      continue;
    }
    const std::string what = "variable " + *name;
    if (entry.second.IsSequence()) {
      auto values = context.text_list(entry.second, what);
      if (!values) ok = false;
      else if (values->empty()) {
        context.error(entry.second, what + " is an empty list", "one or more values");
        ok = false;
      } else {
        variable.values = std::move(*values);
      }
    } else if (entry.second.IsMap()) {
      if (auto values = read_range(entry.second, what, context)) variable.values = std::move(*values);
      else ok = false;
    } else {
      context.error(entry.second, what + " is " + LoadContext::describe(entry.second),
                    "a list of values, or a range {from: 300, to: 3600, step: 300}");
      ok = false;
    }
    for (const auto& value : variable.values) {
      if (value.find('\n') != std::string::npos) {
        context.error(entry.second, what + " has a value of several lines", "one-line values (lines must stay where they are)");
        ok = false;
        break;
      }
    }
    variables.push_back(std::move(variable));
  }
  if (!ok) return std::nullopt;
  return variables;
}

bool valid_student_id(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '@';
  });
}

VariableValues pick_variant(const std::vector<Variable>& variables, const std::string& student) {
  VariableValues values;
  for (const auto& variable : variables) {
    std::size_t index = 0;
    if (!student.empty()) index = stable_hash(student + '\x1f' + variable.name) % variable.values.size();
    values[variable.name] = variable.values[index];
  }
  return values;
}

std::string substitute_variables(const std::string& text, const VariableValues& values, const std::string& file,
                                 scenarios::Diagnostics& diagnostics) {
  std::string out;
  std::size_t copied = 0;
  std::vector<std::string> names;
  for (const auto& [name, value] : values) names.push_back(name);
  for_each_template(text, [&](std::size_t begin, std::size_t end, const std::string& name) {
    const auto found = values.find(name);
    if (found == values.end()) {
      int line = 1, column = 1;
      for (std::size_t i = 0; i < begin; ++i) {
        if (text[i] == '\n') {
          ++line;
          column = 1;
        } else {
          ++column;
        }
      }
      diagnostics.error(SourceLocation{file, line, column},
                        "{{" + name + "}} names no variable" + scenarios::did_you_mean(name, names),
                        names.empty() ? "a variables: block declaring it" : "one of the variables: block's names");
      return;
    }
    out.append(text, copied, begin - copied);
    out += found->second;
    copied = end;
  });
  out.append(text, copied, std::string::npos);
  return out;
}

std::string mask_templates(const std::string& text) {
  std::string out = text;
  for_each_template(text, [&](std::size_t begin, std::size_t end, const std::string&) {
    out.replace(begin, 2, "__");
    out.replace(end - 2, 2, "__");
  });
  return out;
}

std::string flow_line(const YAML::Node& node) {
  YAML::Emitter emitter;
  emitter.SetMapFormat(YAML::Flow);
  emitter.SetSeqFormat(YAML::Flow);
  emitter.SetStringFormat(YAML::DoubleQuoted);
  emitter << node;
  return emitter.c_str();
}

std::optional<YAML::Node> parse_yaml_text(const std::string& text, const std::string& file,
                                          scenarios::Diagnostics& diagnostics) {
  if (!scenarios::check_text_limits(text, file, "lesson", diagnostics)) return std::nullopt;
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourceLocation where{file, 0, 0};
    if (e.mark.line >= 0) where = {file, e.mark.line + 1, e.mark.column + 1};
    diagnostics.error(where, "YAML syntax error: " + e.msg, "well-formed YAML (check indentation, colons and brackets)");
    return std::nullopt;
  }
}

std::optional<VariantText> apply_variant(const std::string& text, const std::string& file, const std::string& student,
                                         scenarios::Diagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.count();
  VariantText variant;
  if (text.find("{{") == std::string::npos && text.find("variables") == std::string::npos) {
    variant.text = text;  // nothing to vary: skip the extra parse
    return variant;
  }
  auto masked = parse_yaml_text(mask_templates(text), file, diagnostics);
  if (!masked) return std::nullopt;
  scenarios::World placeholder(1);  // LoadContext's value readers want a World; variables do not use it
  LoadContext context(placeholder, diagnostics, file);
  if (masked->IsMap()) {
    auto variables = read_variables((*masked)["variables"], context);
    if (!variables) return std::nullopt;
    variant.variables = std::move(*variables);
  }
  variant.values = pick_variant(variant.variables, student);
  variant.text = substitute_variables(text, variant.values, file, diagnostics);
  if (diagnostics.count() != errors_before) return std::nullopt;
  return variant;
}

}  // namespace maillab::lessons
