// The discrete-event kernel: a clock, an event list, the run's RNG and its Trace.
//
// Ordering rule: events run in order of time; events at the same time run in the order they were
// scheduled (first in, first out). Cancelling is O(1): the event is marked and skipped when it
// reaches the front. A Simulator is an instance, never a global, so two runs can sit side by side
// (the visualizer's step back replays a second one; tests build many).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "engine/core/rng.h"
#include "engine/core/time.h"
#include "engine/core/trace.h"

namespace maillab::engine {

class Simulator {
 public:
  using Action = std::function<void()>;

  // Identifies one scheduled event; 0 never names an event.
  using EventId = std::uint64_t;

  explicit Simulator(std::uint64_t seed = 1);
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return now_; }

  // Schedules at an absolute time (not before now) or after a delay (not negative).
  EventId schedule_at(Time when, Action action);
  EventId schedule_in(Time delay, Action action) { return schedule_at(now_ + delay, std::move(action)); }

  // Cancels a pending event; returns false if it already ran, was cancelled or never existed.
  bool cancel(EventId id);

  // Runs exactly one event (skipping cancelled ones); false when none is left.
  bool step();
  // Runs until no event is left or stop() is called.
  void run();
  // Runs every event with time <= end, then sets the clock to end (unless stopped first).
  void run_until(Time end);
  // Makes run()/run_until() return after the current event.
  void stop() { stop_requested_ = true; }

  // The time of the next event that will run, without running it (for a "step" button).
  std::optional<Time> next_event_time();

  std::size_t pending() const { return pending_; }
  std::uint64_t executed() const { return executed_; }

  Rng& rng() { return rng_; }
  std::uint64_t seed() const { return seed_; }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }

 private:
  struct Entry {
    Time time;
    std::uint64_t sequence;
    std::uint32_t slot;
  };
  struct Slot {
    Action action;
    std::uint32_t generation = 0;
    bool active = false;
  };

  static bool earlier(const Entry& a, const Entry& b) {
    return a.time < b.time || (a.time == b.time && a.sequence < b.sequence);
  }
  bool entry_live(const Entry& e) const {
    const Slot& s = slots_[e.slot];
    return s.active && s.generation == static_cast<std::uint32_t>(e.sequence);
  }
  void heap_push(const Entry& e);
  void heap_pop();
  void drop_dead_front();

  // A 4-ary min-heap: shallower than a binary heap and kinder to the cache at 100k events.
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  Time now_ = 0;
  std::uint64_t next_sequence_ = 1;
  std::size_t pending_ = 0;
  std::uint64_t executed_ = 0;
  bool stop_requested_ = false;
  std::uint64_t seed_;
  Rng rng_;
  Trace trace_;
};

}  // namespace maillab::engine
