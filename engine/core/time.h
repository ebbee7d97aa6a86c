// Simulated time: integer microseconds since the start of a run (DESIGN.md, "Rules of the
// simulated world"). Integers, not doubles, so that equal times compare equal on every machine
// and traces stay byte-identical.
#pragma once

#include <cstdint>
#include <string>

namespace maillab::engine {

using Time = std::int64_t;  // microseconds

constexpr Time microseconds(std::int64_t n) { return n; }
constexpr Time milliseconds(std::int64_t n) { return n * 1000; }
constexpr Time seconds(std::int64_t n) { return n * 1000 * 1000; }

// "12.345678" — seconds with six decimals, the form every trace writer uses.
std::string format_seconds(Time t);

}  // namespace maillab::engine
