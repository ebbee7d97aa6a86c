// The discrete-event kernel: a clock, an event list, the run's RNG and its Trace.
//
// Ordering rule: events run in order of time; events at the same time run in the order they were
// scheduled (first in, first out). Cancelling is O(1): the event is marked and skipped when it
// reaches the front. A Simulator is an instance, never a global, so two runs can sit side by side
// (the visualizer's step back replays a second one; tests build many).
#pragma once

#include <cstdint>
#include <functional>
#include <new>
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
  // A heap entry is 16 bytes: the time, and a key whose high 40 bits are the scheduling sequence
  // (the FIFO tie-break) and whose low 24 bits name the slot holding the action. Four children
  // of a node then fill one 64-byte cache line.
  static constexpr unsigned slot_bits = 24;
  static constexpr std::uint64_t slot_mask = (std::uint64_t{1} << slot_bits) - 1;
  struct Entry {
    Time time;
    std::uint64_t key;
  };
  struct Slot {
    Action action;
    std::uint32_t generation = 0;
    bool active = false;
  };
  // Cache-line-aligned storage, so that sibling groups never straddle two lines.
  template <typename T>
  struct LineAllocator {
    using value_type = T;
    LineAllocator() = default;
    template <typename U>
    LineAllocator(const LineAllocator<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
    void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{64}); }
    bool operator==(const LineAllocator&) const { return true; }
  };

  // Times are never negative, so (time, key) compares as one unsigned 128-bit number.
  static bool earlier(const Entry& a, const Entry& b) {
    using Wide = unsigned __int128;
    return ((Wide(static_cast<std::uint64_t>(a.time)) << 64) | a.key) <
           ((Wide(static_cast<std::uint64_t>(b.time)) << 64) | b.key);
  }
  static std::uint32_t slot_of(const Entry& e) { return static_cast<std::uint32_t>(e.key & slot_mask); }
  static std::uint32_t generation_of(const Entry& e) { return static_cast<std::uint32_t>(e.key >> slot_bits); }
  bool entry_live(const Entry& e) const {
    const Slot& s = slots_[slot_of(e)];
    return s.active && s.generation == generation_of(e);
  }
  // The heap is stored from index `heap_offset` on, so that node i's children 4i+1..4i+4 start
  // on a 64-byte boundary.
  static constexpr std::size_t heap_offset = 3;
  Entry* heap_base() { return heap_.data() + heap_offset; }
  std::size_t heap_size() const { return heap_.size() - heap_offset; }
  void heap_push(const Entry& e);
  void sift_down(std::size_t hole, const Entry& e);
  void fill_hole();
  void drop_dead_front();

  // A 4-ary min-heap: shallower than a binary heap and kinder to the cache at 100k events.
  // While an event runs, the root it came from is left empty (`root_hole_`): the first event it
  // schedules drops straight into the root, one sift instead of a pop and a push (the "hold"
  // pattern of simulations: take one, schedule one).
  std::vector<Entry, LineAllocator<Entry>> heap_;
  bool root_hole_ = false;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t dead_in_heap_ = 0;  // cancelled entries not yet popped: 0 means every entry is live
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
