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
#include <stdexcept>
#include <vector>

#include "engine/core/rng.h"
#include "engine/core/time.h"
#include "engine/core/trace.h"

namespace maillab::engine {

// Thrown by schedule_at when more events are pending than the event list can name (a runaway
// scenario, or one far past what the lab is sized for); maillab reports it and exits 3.
struct TooManyPendingEvents : std::length_error {
  using std::length_error::length_error;
};

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
  // For a member that holds its pending timer's id: cancels that event, if any, and sets the id
  // to 0, so the member says "no timer" from here on.
  void cancel_timer(EventId& id) {
    if (id) cancel(id);
    id = 0;
  }

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
  // At most this many events (cancelled ones not yet passed included) can be pending at once:
  // an entry names its slot in 24 bits. set_pending_limit lowers it (tests; a cap on a run).
  static constexpr std::size_t max_pending_limit = std::size_t{1} << 24;
  void set_pending_limit(std::size_t limit) { pending_limit_ = limit < max_pending_limit ? limit : max_pending_limit; }
  std::uint64_t executed() const { return executed_; }

  // The date of simulated time 0, in Unix seconds: what Date headers, Received lines and IMAP
  // INTERNALDATEs say. Fixed by default (2026-01-05 09:00:00 UTC, a Monday) so that a run repeats
  // byte for byte; a scenario's `start:` sets another date, `maillab bridge` the real clock at its
  // start (real clients' Date: headers must not postdate the server's Received lines).
  static constexpr std::int64_t default_epoch_seconds = 1767603600;
  std::int64_t epoch_seconds() const { return epoch_seconds_; }
  void set_epoch_seconds(std::int64_t seconds) { epoch_seconds_ = seconds; }
  // Unix seconds at simulated time t.
  std::int64_t wall_clock_seconds(Time t) const { return epoch_seconds_ + t / 1'000'000; }

  Rng& rng() { return rng_; }
  std::uint64_t seed() const { return seed_; }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }

 private:
  // An entry is 16 bytes: the time, and a key whose high 40 bits are the scheduling sequence and
  // whose low 24 bits name the slot holding the action.
  static constexpr unsigned slot_bits = 24;
  static constexpr std::uint64_t slot_mask = (std::uint64_t{1} << slot_bits) - 1;
  static_assert(max_pending_limit == slot_mask + 1);
  struct Entry {
    Time time;
    std::uint64_t key;
  };
  struct Slot {
    Action action;
    std::uint32_t generation = 0;
    bool active = false;
  };
  static std::uint32_t slot_of(const Entry& e) { return static_cast<std::uint32_t>(e.key & slot_mask); }
  static std::uint32_t generation_of(const Entry& e) { return static_cast<std::uint32_t>(e.key >> slot_bits); }
  bool entry_live(const Entry& e) const {
    const Slot& s = slots_[slot_of(e)];
    return s.active && s.generation == generation_of(e);
  }

  // The event list is a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan, 1990), which fits a
  // simulator because time never goes backwards: bucket 0 holds the events at time `last_`, and
  // bucket b (1..64) those whose time first differs from `last_` in bit b-1. The next event is
  // always in the lowest non-empty bucket; when bucket 0 runs dry, that bucket is spread into
  // lower ones around its minimum. Every move is an append to a vector, so a run streams through
  // memory instead of chasing heap paths, and an event moves at most 64 times (in practice about
  // log2 of how far ahead it was scheduled).
  //
  // FIFO at equal times: equal times always share a bucket, every bucket is appended to in
  // sequence order, and spreading keeps the order; so bucket 0 is in scheduling order.
  //
  // A peek (next_event_time, run_until) may spread a bucket and move `last_` past `now_`; an event
  // scheduled before `last_` after that goes to `early_`, a small sorted list served first.
  static constexpr std::size_t bucket_count = 65;
  std::size_t bucket_of(Time t) const {
    const auto difference = static_cast<std::uint64_t>(t ^ last_);
    return difference == 0 ? 0 : 64 - static_cast<std::size_t>(__builtin_clzll(difference));
  }
  void insert(const Entry& e);
  // Finds the next live entry without removing it; nullptr when none is left.
  const Entry* front();
  void remove_front();
  bool spread_lowest_bucket();  // false when every bucket is empty

  std::vector<Entry> buckets_[bucket_count];
  std::size_t bucket0_read_ = 0;  // entries of bucket 0 before this index have been taken
  Time last_ = 0;
  std::vector<Entry> early_;      // sorted by (time, key); rarely used
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t dead_entries_ = 0;  // cancelled entries still queued: 0 means every entry is live
  Time now_ = 0;
  std::uint64_t next_sequence_ = 1;
  std::size_t pending_ = 0;
  std::size_t pending_limit_ = max_pending_limit;
  std::uint64_t executed_ = 0;
  bool stop_requested_ = false;
  std::uint64_t seed_;
  std::int64_t epoch_seconds_ = default_epoch_seconds;
  Rng rng_;
  Trace trace_;
};

}  // namespace maillab::engine
