// The increments of the hold model (bench/hold.h), shared by maillab's hold and the ns-3 harness
// (bench/ns3/) so that both kernels see the same stream of times from the same generator.
//
// uniform: in [0, 2*mean), the classic setup (Vaucher and Duval); exponential: with the same
// mean, "ns-3's own workload" in issue 15, which puts more events close to "now" and more far out.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

namespace maillab::bench {

enum class HoldIncrements { uniform, exponential };

inline std::string_view to_string(HoldIncrements increments) {
  return increments == HoldIncrements::uniform ? "uniform" : "exponential";
}

inline std::optional<HoldIncrements> hold_increments_from_name(std::string_view name) {
  if (name == "uniform") return HoldIncrements::uniform;
  if (name == "exponential") return HoldIncrements::exponential;
  return std::nullopt;
}

// One increment from 64 random bits, in the kernel's integer ticks.
inline std::int64_t hold_increment(HoldIncrements increments, std::uint64_t random, std::int64_t mean) {
  if (increments == HoldIncrements::uniform) {
    // Multiply-shift scaling (Lemire): uniform enough for a benchmark and free of divisions, so
    // the figure measures the event list rather than the random numbers.
    return static_cast<std::int64_t>(((random >> 32) * static_cast<std::uint64_t>(2 * mean)) >> 32);
  }
  // Inverse transform on the top 53 bits; 1 - u is in (0, 1], so the logarithm is finite.
  const double u = static_cast<double>(random >> 11) * 0x1.0p-53;
  return static_cast<std::int64_t>(-static_cast<double>(mean) * std::log1p(-u) + 0.5);
}

}  // namespace maillab::bench
