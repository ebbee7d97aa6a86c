// bench_hold_ns3 — the hold model (bench/hold.h) on ns-3's event list, for the ratio issue 15 asks
// for: maillab's kernel against ns-3's fastest scheduler at each pending count.
//
//   bench_hold_ns3 [--scheduler Map|Heap|Calendar|PriorityQueue|List|all] [--pending P] [--events N]
//                  [--increments uniform|exponential] [--seed S]
//
// Same workload as `maillab bench hold`: P events pending; each of N events that run schedules one
// more at now + an increment from the same generator (engine::Rng, derived as maillab's hold
// derives it) and the same distribution (bench/hold_increments.h), one tick being a nanosecond
// here and a microsecond there (a scheduler sees only the order). What is timed is the run, as in
// maillab's hold: ns-3's Simulator::Run with its EventImpl per event, against maillab's run with
// its std::function per event. Built only with -DMAILLAB_NS3=ON (Debian: libns3-dev); not part
// of the tests or CI (bench/README.md, "Against ns-3").
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "bench/hold.h"
#include "bench/hold_increments.h"
#include "engine/core/rng.h"
#include "ns3/core-module.h"

namespace {

using maillab::bench::HoldIncrements;

struct Hold {
  maillab::engine::Rng rng;
  std::uint64_t remaining = 0;
  HoldIncrements increments = HoldIncrements::uniform;
};

void fire(Hold* hold);

void schedule_one(Hold* hold) {
  const auto increment =
      maillab::bench::hold_increment(hold->increments, hold->rng.next_u64(), maillab::bench::hold_mean_increment);
  ns3::Simulator::Schedule(ns3::NanoSeconds(increment), &fire, hold);
}

void fire(Hold* hold) {
  if (--hold->remaining == 0) {
    ns3::Simulator::Stop();  // exactly `events` have run; the rest stay pending
    return;
  }
  schedule_one(hold);
}

double cpu_now() {
  std::timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

void run(const std::string& scheduler, std::size_t pending, std::uint64_t events, std::uint64_t seed,
         HoldIncrements increments) {
  ns3::ObjectFactory factory;
  factory.SetTypeId("ns3::" + scheduler + "Scheduler");
  ns3::Simulator::SetScheduler(factory);
  // The stream maillab's hold draws: its simulator's generator for the seed, derived the same way.
  Hold hold{maillab::engine::Rng(seed).derive("bench:hold"), events, increments};
  for (std::size_t i = 0; i < pending; ++i) schedule_one(&hold);

  const double cpu_started = cpu_now();
  const auto started = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  const auto finished = std::chrono::steady_clock::now();
  const double cpu_seconds = cpu_now() - cpu_started;
  const std::uint64_t executed = events - hold.remaining;
  ns3::Simulator::Destroy();

  const double seconds = std::chrono::duration<double>(finished - started).count();
  std::printf("ns3-hold: scheduler=%s pending=%zu events=%llu seconds=%.3f events_per_s=%.0f cpu_seconds=%.3f "
              "increments=%s\n",
              scheduler.c_str(), pending, static_cast<unsigned long long>(executed), seconds,
              seconds > 0 ? static_cast<double>(executed) / seconds : 0.0, cpu_seconds,
              std::string(to_string(increments)).c_str());
  std::fflush(stdout);
}

int usage(const std::string& problem) {
  std::cerr << "bench_hold_ns3: " << problem
            << "\nusage: bench_hold_ns3 [--scheduler Map|Heap|Calendar|PriorityQueue|List|all] [--pending P]"
               " [--events N] [--increments uniform|exponential] [--seed S]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string scheduler = "all";
  std::size_t pending = 1000;
  std::uint64_t events = 1'000'000, seed = 1;
  HoldIncrements increments = HoldIncrements::uniform;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return usage("missing a value after " + flag);
    const std::string value = argv[++i];
    char* end = nullptr;
    const unsigned long long number = std::strtoull(value.c_str(), &end, 10);
    const bool whole = !value.empty() && *end == '\0' && number > 0;
    if (flag == "--scheduler") {
      scheduler = value;
    } else if (flag == "--increments") {
      auto named = maillab::bench::hold_increments_from_name(value);
      if (!named) return usage("bad --increments '" + value + "'");
      increments = *named;
    } else if (flag == "--pending" || flag == "--events" || flag == "--seed") {
      if (!whole) return usage("bad " + flag + " '" + value + "'; expected a whole number from 1");
      (flag == "--pending" ? pending : flag == "--events" ? events : seed) = number;
    } else {
      return usage("unknown option " + flag);
    }
  }
  // List is a sorted linked list (linear inserts), and the calendar queue degrades past 100,000
  // pending (1M uniform: 140 s where Map takes 4.7): "all" leaves each out where it only shows that.
  std::vector<std::string> all{"Map", "Heap", "PriorityQueue"};
  if (pending <= 100'000) all.push_back("Calendar");
  if (pending <= 10'000) all.push_back("List");
  for (const auto& name : scheduler == "all" ? all : std::vector<std::string>{scheduler})
    run(name, pending, events, seed, increments);
  return 0;
}
