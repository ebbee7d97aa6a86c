// bench_hold_ns3 — the hold model (bench/hold.h) on ns-3's event list, for the ratio issue 15 asks
// for: maillab's kernel against ns-3's fastest scheduler at each pending count.
//
//   bench_hold_ns3 [--scheduler Map|Heap|Calendar|PriorityQueue|List|all] [--pending P] [--events N]
//                  [--increments uniform|exponential] [--seed S]
//
// Same workload as `maillab bench hold`: P events pending; each of N events that run schedules one
// more at now + the next increment of a table drawn before the run by the same generator
// (engine::Rng, derived as maillab's hold derives it) from the same distribution
// (bench/hold_increments.h), one tick being a nanosecond
// here and a microsecond there (a scheduler sees only the order). What is timed is the run, as in
// maillab's hold: ns-3's Simulator::Run with its EventImpl per event, against maillab's run with
// its std::function per event. Built only with -DMAILLAB_NS3=ON (Debian: libns3-dev); not part
// of the tests or CI (bench/README.md, "Against ns-3").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/arguments.h"
#include "bench/hold.h"
#include "bench/hold_increments.h"
#include "engine/core/rng.h"
#include "ns3/core-module.h"

namespace {

using maillab::bench::HoldIncrements;

struct Hold {
  const std::int64_t* next_increment = nullptr;  // the table drawn before the run
  std::uint64_t remaining = 0;
};

void fire(Hold* hold);

void schedule_one(Hold* hold) {
  ns3::Simulator::Schedule(ns3::NanoSeconds(*hold->next_increment++), &fire, hold);
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
  // The table maillab's hold draws before its run: its simulator's generator for the seed, derived
  // the same way, the same count.
  maillab::engine::Rng rng = maillab::engine::Rng(seed).derive("bench:hold");
  const auto table =
      maillab::bench::draw_hold_increments(increments, rng, pending + events - 1, maillab::bench::hold_mean_increment);
  Hold hold{table.data(), events};
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

}  // namespace

int main(int argc, char** argv) {
  // The flags and their checks are maillab's own (app/arguments.h), so they read as in `maillab bench hold`.
  std::string error;
  auto parsed = maillab::app::parse_arguments(std::vector<std::string>(argv + 1, argv + argc),
                                              {{"scheduler"}, {"pending"}, {"events"}, {"increments"}, {"seed"}}, error);
  std::uint64_t pending = 1000, events = 1'000'000;
  std::optional<std::uint64_t> seed;
  if (!parsed || !maillab::app::read_whole_number(*parsed, "pending", 1, 100'000'000, pending, error) ||
      !maillab::app::read_whole_number(*parsed, "events", 1, UINT64_MAX, events, error) ||
      !maillab::app::read_seed(*parsed, seed, error))
    return maillab::app::usage_error("bench_hold_ns3", error);
  if (parsed->help || !parsed->positional.empty()) {
    std::cout << "usage: bench_hold_ns3 [--scheduler Map|Heap|Calendar|PriorityQueue|List|all] [--pending P]"
                 " [--events N] [--increments uniform|exponential] [--seed S]\n";
    return parsed->help ? 0 : 2;
  }
  const std::string scheduler = parsed->has("scheduler") ? parsed->options["scheduler"] : "all";
  const std::vector<std::string> known{"Map", "Heap", "Calendar", "PriorityQueue", "List", "all"};
  if (std::find(known.begin(), known.end(), scheduler) == known.end())  // ns-3 would abort on it
    return maillab::app::usage_error("bench_hold_ns3", "bad --scheduler '" + scheduler +
                                                           "'; expected Map, Heap, Calendar, PriorityQueue, List or all");
  HoldIncrements increments = HoldIncrements::uniform;
  if (parsed->has("increments")) {
    auto named = maillab::bench::hold_increments_from_name(parsed->options["increments"]);
    if (!named)
      return maillab::app::usage_error("bench_hold_ns3", "bad --increments '" + parsed->options["increments"] +
                                                             "'; expected uniform or exponential");
    increments = *named;
  }
  // List is a sorted linked list (linear inserts), and the calendar queue degrades past 100,000
  // pending (1M uniform: 140 s where Map takes 4.7): "all" leaves each out where it only shows that.
  std::vector<std::string> all{"Map", "Heap", "PriorityQueue"};
  if (pending <= 100'000) all.push_back("Calendar");
  if (pending <= 10'000) all.push_back("List");
  for (const auto& name : scheduler == "all" ? all : std::vector<std::string>{scheduler})
    run(name, pending, events, seed.value_or(1), increments);
  return 0;
}
