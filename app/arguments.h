// A small command-line option parser: `--name value`, `--name=value`, boolean `--flag`, `-h`, and
// the readers every command shares for the values flags take again and again (--seed, whole
// numbers, durations, numbers in a range), so one flag is spelled, checked and refused one way.
// Errors are phrased for people ("unknown option '--seeed' (did you mean '--seed'?)",
// "bad --seed 'x'; expected a whole number >= 0"); the command adds its name (usage_error).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.h"

namespace maillab::app {

struct OptionSpec {
  std::string name;  // without dashes: "until"
  bool takes_value = true;
};

struct ParsedArguments {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // the last value given; boolean flags map to ""
  std::map<std::string, std::vector<std::string>> every_value;  // each value in order, for repeatable flags
  bool help = false;
  bool has(const std::string& name) const { return options.count(name) != 0; }
  std::size_t times_given(const std::string& name) const {
    auto found = every_value.find(name);
    return found == every_value.end() ? 0 : found->second.size();
  }
};

// nullopt and `error` set when an option is unknown or lacks its value.
std::optional<ParsedArguments> parse_arguments(const std::vector<std::string>& arguments,
                                               const std::vector<OptionSpec>& specs, std::string& error);

// Prints "maillab COMMAND: message" and a hint to stderr (or `err`); returns 2 (bad input).
int usage_error(const std::string& command, const std::string& message);
int usage_error(std::ostream& err, const std::string& command, const std::string& message);

// Digits only, at most 19 of them (so the value fits in 64 bits), and at most `maximum`.
std::optional<std::uint64_t> parse_whole_number(const std::string& text, std::uint64_t maximum = UINT64_MAX);

// The readers below leave the value alone when the flag is absent and return true; they return
// false with `error` set ("bad --NAME 'TEXT'; expected ...") when the flag's value is not one.

// --seed N: the run's seed, any whole number >= 0 (the scenario's own seed when absent).
bool read_seed(const ParsedArguments& parsed, std::optional<std::uint64_t>& seed, std::string& error);
// --NAME N with minimum <= N <= maximum.
bool read_whole_number(const ParsedArguments& parsed, const std::string& name, std::uint64_t minimum,
                       std::uint64_t maximum, std::uint64_t& value, std::string& error);
// --NAME T, a duration above 0 in the scenario's forms (90, 90s, 2m, 500ms ...).
bool read_duration(const ParsedArguments& parsed, const std::string& name, std::optional<engine::Time>& value,
                   std::string& error);
// --NAME X, a finite decimal number with minimum <= X <= maximum; `expected` words the range.
bool read_number(const ParsedArguments& parsed, const std::string& name, double minimum, double maximum,
                 const std::string& expected, double& value, std::string& error);

}  // namespace maillab::app
