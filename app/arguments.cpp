#include "app/arguments.h"

#include <cmath>
#include <iostream>

#include "scenarios/diagnostics.h"
#include "scenarios/values.h"

namespace maillab::app {

std::optional<ParsedArguments> parse_arguments(const std::vector<std::string>& arguments,
                                               const std::vector<OptionSpec>& specs, std::string& error) {
  ParsedArguments parsed;
  std::vector<std::string> names;
  for (const auto& spec : specs) names.push_back("--" + spec.name);
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    if (argument == "-h" || argument == "--help") {
      parsed.help = true;
      continue;
    }
    if (argument.size() < 2 || argument[0] != '-' || argument == "--") {
      parsed.positional.push_back(argument);
      continue;
    }
    std::string name = argument.substr(argument.rfind('-', 1) + 1);
    std::optional<std::string> inline_value;
    if (auto equals = name.find('='); equals != std::string::npos) {
      inline_value = name.substr(equals + 1);
      name = name.substr(0, equals);
    }
    const OptionSpec* spec = nullptr;
    for (const auto& s : specs)
      if (s.name == name) spec = &s;
    if (!spec) {
      error = "unknown option '" + argument + "'" + scenarios::did_you_mean("--" + name, names);
      return std::nullopt;
    }
    if (!spec->takes_value) {
      if (inline_value) {
        error = "option '--" + name + "' takes no value";
        return std::nullopt;
      }
      parsed.options[name] = "";
      parsed.every_value[name].push_back("");
      continue;
    }
    if (inline_value) {
      parsed.options[name] = *inline_value;
    } else if (i + 1 < arguments.size()) {
      parsed.options[name] = arguments[++i];
    } else {
      error = "option '--" + name + "' needs a value";
      return std::nullopt;
    }
    parsed.every_value[name].push_back(parsed.options[name]);
  }
  return parsed;
}

int usage_error(const std::string& command, const std::string& message) {
  return usage_error(std::cerr, command, message);
}

int usage_error(std::ostream& err, const std::string& command, const std::string& message) {
  err << "maillab " << command << ": " << message << "\n"
      << "Run 'maillab " << command << " --help' for usage.\n";
  return 2;
}

std::optional<std::uint64_t> parse_whole_number(const std::string& text, std::uint64_t maximum) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  const std::uint64_t value = std::stoull(text);
  if (value > maximum) return std::nullopt;
  return value;
}

namespace {

std::string bad_value(const std::string& name, const std::string& text, const std::string& expected) {
  return "bad --" + name + " '" + text + "'; expected " + expected;
}

}  // namespace

bool read_seed(const ParsedArguments& parsed, std::optional<std::uint64_t>& seed, std::string& error) {
  if (!parsed.has("seed")) return true;
  const std::string& text = parsed.options.at("seed");
  auto value = parse_whole_number(text);
  if (!value) {
    error = bad_value("seed", text, "a whole number >= 0");
    return false;
  }
  seed = *value;
  return true;
}

bool read_whole_number(const ParsedArguments& parsed, const std::string& name, std::uint64_t minimum,
                       std::uint64_t maximum, std::uint64_t& value, std::string& error) {
  if (!parsed.has(name)) return true;
  const std::string& text = parsed.options.at(name);
  auto number = parse_whole_number(text, maximum);
  if (!number || *number < minimum) {
    error = bad_value(name, text, "a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum));
    return false;
  }
  value = *number;
  return true;
}

bool read_duration(const ParsedArguments& parsed, const std::string& name, std::optional<engine::Time>& value,
                   std::string& error) {
  if (!parsed.has(name)) return true;
  const std::string& text = parsed.options.at(name);
  auto duration = scenarios::parse_duration(text);
  if (!duration.ok() || duration.value() <= 0) {
    error = "bad --" + name + " '" + text + "': " + (duration.ok() ? "must be above 0" : duration.error()) +
            "; expected " + std::string(scenarios::duration_forms);
    return false;
  }
  value = duration.value();
  return true;
}

bool read_number(const ParsedArguments& parsed, const std::string& name, double minimum, double maximum,
                 const std::string& expected, double& value, std::string& error) {
  if (!parsed.has(name)) return true;
  const std::string& text = parsed.options.at(name);
  double number = 0;
  std::size_t used = 0;
  try {
    number = std::stod(text, &used);
  } catch (...) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(number) || !(number >= minimum && number <= maximum)) {
    error = bad_value(name, text, expected);
    return false;
  }
  value = number;
  return true;
}

}  // namespace maillab::app
