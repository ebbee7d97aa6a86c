// Parsing the value forms scenario files use, without YAML: durations and bandwidths. Shared by
// the loader and the command line (`--until 90s`). Each returns the value or says why not.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "engine/core/time.h"

namespace maillab::scenarios {

// A value, or the reason the text was not one (a phrase like "unknown unit 'sec'").
template <typename T>
struct Parsed {
  std::variant<T, std::string> result;
  bool ok() const { return result.index() == 0; }
  const T& value() const { return std::get<0>(result); }
  const std::string& error() const { return std::get<1>(result); }
};

// "250ms", "1.5s", "2m", "1h", "5d", "30us", or a bare number of seconds ("90", "0.25").
// Exact to the microsecond (decimal arithmetic, no floating point); negative values are refused.
Parsed<engine::Time> parse_duration(std::string_view text);
inline constexpr std::string_view duration_forms = "a duration like 250ms, 1.5s, 2m, 1h, 5d, 30us or a number of seconds";

// "10Mbps", "1.5Gbps", "56kbps", "9600bps", or a bare number of bits per second.
// "0" and "unlimited" mean no serialization delay.
Parsed<std::uint64_t> parse_bandwidth(std::string_view text);
inline constexpr std::string_view bandwidth_forms = "a bandwidth like 10Mbps, 1Gbps, 56kbps or unlimited";

// The shortest exact form of a duration for messages: "1.5s", "250ms", "30us", "2m".
std::string format_duration(engine::Time time);

}  // namespace maillab::scenarios
