// Limits on what a scenario or lesson file may hold, checked before it is parsed, so that a huge
// or pathological file gets a located error in a moment instead of minutes of work, gigabytes of
// memory, or (for deep nesting, which the YAML parser follows by recursion) a crash.
//
//   max_file_bytes     4 MiB: the largest shipped scenario is about 10 KB; a 50 MB file of events
//                      took 20 s and 1.6 GB before this limit.
//   max_nesting_depth  64 levels of blocks and brackets together (shipped files use under 10).
//   max_events         50,000 entries in `events:` (checked by the loader as it reads them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "scenarios/diagnostics.h"

namespace maillab::scenarios {

inline constexpr std::uint64_t max_file_bytes = 4 * 1024 * 1024;
inline constexpr std::size_t max_nesting_depth = 64;
inline constexpr std::size_t max_events = 50'000;

// "4,194,304": numbers in limit messages, grouped for reading.
std::string with_thousands(std::uint64_t value);

// Before reading a file: false (and a located error) when it is larger than max_file_bytes.
// `kind` is "scenario" or "lesson". A file that cannot be sized passes (opening it reports).
bool check_file_size(const std::string& path, std::string_view kind, Diagnostics& diagnostics);

// Before parsing text: its size, and how deeply its block structure and flow brackets nest.
// False (and one located error at the first place past a limit) when a limit is passed.
bool check_text_limits(std::string_view text, const std::string& file, std::string_view kind,
                       Diagnostics& diagnostics);

}  // namespace maillab::scenarios
