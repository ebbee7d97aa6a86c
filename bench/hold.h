// The classic "hold" benchmark of event lists (Vaucher and Duval, 1975): keep `pending` events in
// the queue; each event that runs schedules one more at now + a random increment, until `events`
// have run. It measures the kernel's schedule + pop cost at a fixed queue size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>

#include "bench/hold_increments.h"

namespace maillab::bench {

// Prints one line, e.g.
//   "hold: pending=1000 events=10000000 seconds=0.410 events_per_s=24390000 cpu_seconds=0.405
//    increments=uniform"
// (events_per_s is from wall time; cpu_seconds is the process's CPU time over the same span),
// and returns 0 (1 when the arguments make no sense: pending or events of 0).
int run_hold_benchmark(std::size_t pending, std::uint64_t events, std::uint64_t seed, std::ostream& out,
                       HoldIncrements increments = HoldIncrements::uniform);

// The mean increment, in simulator ticks (microseconds), for both distributions.
constexpr std::int64_t hold_mean_increment = 1000;

}  // namespace maillab::bench
