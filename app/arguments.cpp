#include "app/arguments.h"

#include <iostream>

#include "scenarios/diagnostics.h"

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
  }
  return parsed;
}

int usage_error(const std::string& command, const std::string& message) {
  std::cerr << "maillab " << command << ": " << message << "\n"
            << "Run 'maillab " << command << " --help' for usage.\n";
  return 2;
}

}  // namespace maillab::app
