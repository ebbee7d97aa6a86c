// The increments of the hold model (bench/hold.h), shared by maillab's hold and the ns-3 harness
// (bench/ns3/) so that both kernels see the same stream of times from the same generator.
//
// uniform: in [0, 2*mean), the classic setup (Vaucher and Duval); exponential: with the same
// mean, "ns-3's own workload" in issue 15, which puts more events close to "now" and more far out.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

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

// Every increment of a run, drawn before its clock starts: `count` draws from `rng` in the order
// the events will use them. The hold model times the event list's access, so the draw (a third
// of the time at 1,000 pending with exponential increments, libm's log1p) stays out of the timed
// run, as Jones (1986) subtracts it; both harnesses draw the same table the same way.
template <class Generator>
std::vector<std::int64_t> draw_hold_increments(HoldIncrements increments, Generator& rng, std::size_t count,
                                               std::int64_t mean) {
  std::vector<std::int64_t> table(count);
  for (auto& increment : table) increment = hold_increment(increments, rng.next_u64(), mean);
  return table;
}

}  // namespace maillab::bench
