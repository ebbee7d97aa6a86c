#include "bench/hold.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "bench/run_stats.h"
#include "engine/core/rng.h"
#include "engine/core/simulator.h"

namespace maillab::bench {
namespace {

// Each event is the same small object: it takes the next increment from the table drawn before
// the run (bench/hold_increments.h) and schedules its successor until the budget is spent.
struct Hold {
  engine::Simulator& simulator;
  const std::int64_t* next_increment;
  std::uint64_t remaining;

  void schedule_one() {
    simulator.schedule_in(*next_increment++, [this] { fire(); });
  }
  void fire() {
    if (--remaining == 0) {
      simulator.stop();  // exactly `events` have run; the rest stay pending
      return;
    }
    schedule_one();
  }
};

}  // namespace

int run_hold_benchmark(std::size_t pending, std::uint64_t events, std::uint64_t seed, std::ostream& out,
                       HoldIncrements increments) {
  if (pending == 0 || events == 0) {
    out << "hold: pending and events must both be at least 1\n";
    return 1;
  }
  engine::Simulator simulator(seed);
  simulator.trace().set_keep_records(false);
  engine::Rng rng = simulator.rng().derive("bench:hold");
  // pending first events, then one for each event that runs but the last.
  const auto table = draw_hold_increments(increments, rng, pending + events - 1, hold_mean_increment);
  Hold hold{simulator, table.data(), events};
  for (std::size_t i = 0; i < pending; ++i) hold.schedule_one();

  // Wall time is the figure; CPU time is printed too, because on a shared machine it is the one
  // that says what the event list costs.
  std::timespec cpu_started{}, cpu_finished{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_started);
  const auto started = std::chrono::steady_clock::now();
  const std::uint64_t executed_before = simulator.executed();
  simulator.run();
  const auto finished = std::chrono::steady_clock::now();
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_finished);
  const double cpu_seconds = static_cast<double>(cpu_finished.tv_sec - cpu_started.tv_sec) +
                             static_cast<double>(cpu_finished.tv_nsec - cpu_started.tv_nsec) * 1e-9;
  const std::uint64_t executed = simulator.executed() - executed_before;

  const double seconds = std::chrono::duration<double>(finished - started).count();
  const double rate = seconds > 0 ? static_cast<double>(executed) / seconds : 0.0;
  char line[240];
  std::snprintf(line, sizeof line,
                "hold: pending=%zu events=%llu seconds=%.3f events_per_s=%.0f cpu_seconds=%.3f increments=%s "
                "huge_pages_mb=%.1f\n",
                pending, static_cast<unsigned long long>(executed), seconds, rate, cpu_seconds,
                std::string(to_string(increments)).c_str(), static_cast<double>(huge_pages_kb()) / 1024.0);
  out << line;
  return 0;
}

}  // namespace maillab::bench
