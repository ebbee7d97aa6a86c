// A small command-line option parser: `--name value`, `--name=value`, boolean `--flag`, `-h`.
// Errors are phrased for people ("unknown option '--seeed' (did you mean '--seed'?)").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace maillab::app {

struct OptionSpec {
  std::string name;  // without dashes: "until"
  bool takes_value = true;
};

struct ParsedArguments {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // boolean flags map to ""
  bool help = false;
  bool has(const std::string& name) const { return options.count(name) != 0; }
};

// nullopt and `error` set when an option is unknown or lacks its value.
std::optional<ParsedArguments> parse_arguments(const std::vector<std::string>& arguments,
                                               const std::vector<OptionSpec>& specs, std::string& error);

// Prints "maillab COMMAND: message" and a hint to stderr; returns 2 (bad input).
int usage_error(const std::string& command, const std::string& message);

}  // namespace maillab::app
