#include "engine/core/simulator.h"

#include <cassert>

namespace maillab::engine {

Simulator::Simulator(std::uint64_t seed) : seed_(seed), rng_(seed) { heap_.resize(heap_offset); }

Simulator::EventId Simulator::schedule_at(Time when, Action action) {
  assert(when >= now_ && "events cannot be scheduled in the past");
  if (when < now_) when = now_;
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    assert(slot <= slot_mask && "more than 16 million pending events");
    slots_.emplace_back();
  }
  const std::uint64_t sequence = next_sequence_++;
  Slot& s = slots_[slot];
  s.action = std::move(action);
  s.generation = static_cast<std::uint32_t>(sequence);
  s.active = true;
  // The low 40 bits of the sequence order the key: a million years of events at 30 M/s.
  const Entry entry{when, (sequence << slot_bits) | slot};
  if (root_hole_) {
    root_hole_ = false;
    sift_down(0, entry);
  } else {
    heap_push(entry);
  }
  ++pending_;
  // The id carries the slot and the generation, so a stale id cannot cancel a reused slot.
  return (static_cast<std::uint64_t>(slot) << 32) | static_cast<std::uint32_t>(sequence);
}

bool Simulator::cancel(EventId id) {
  const auto slot = static_cast<std::uint32_t>(id >> 32);
  const auto generation = static_cast<std::uint32_t>(id);
  if (id == 0 || slot >= slots_.size()) return false;
  Slot& s = slots_[slot];
  if (!s.active || s.generation != generation) return false;
  s.active = false;
  s.action = nullptr;
  --pending_;
  ++dead_in_heap_;
  // The heap entry stays and is skipped when it reaches the front; the slot is freed then.
  return true;
}

void Simulator::fill_hole() {
  root_hole_ = false;
  const Entry last = heap_.back();
  heap_.pop_back();
  if (heap_size() > 0) sift_down(0, last);
}

void Simulator::drop_dead_front() {
  if (root_hole_) fill_hole();
  while (dead_in_heap_ > 0 && heap_size() > 0 && !entry_live(heap_base()[0])) {
    free_slots_.push_back(slot_of(heap_base()[0]));
    --dead_in_heap_;
    root_hole_ = true;
    fill_hole();
  }
}

bool Simulator::step() {
  drop_dead_front();
  if (heap_size() == 0) return false;
  const Entry e = heap_base()[0];
  const std::uint32_t slot = slot_of(e);
  Action action = std::move(slots_[slot].action);
  slots_[slot].active = false;
  free_slots_.push_back(slot);
  --pending_;
  now_ = e.time;
  ++executed_;
  root_hole_ = true;
  action();
  if (root_hole_) fill_hole();
  // The next event's slot is a cache miss in a big queue: start fetching it now.
  if (heap_size() > 0) __builtin_prefetch(&slots_[slot_of(heap_base()[0])]);
  return true;
}

void Simulator::run() {
  stop_requested_ = false;
  while (!stop_requested_ && step()) {
  }
}

void Simulator::run_until(Time end) {
  stop_requested_ = false;
  while (!stop_requested_) {
    drop_dead_front();
    if (heap_size() == 0 || heap_base()[0].time > end) break;
    step();
  }
  if (!stop_requested_ && now_ < end) now_ = end;
}

std::optional<Time> Simulator::next_event_time() {
  drop_dead_front();
  if (heap_size() == 0) return std::nullopt;
  return heap_base()[0].time;
}

void Simulator::heap_push(const Entry& e) {
  heap_.push_back(e);
  Entry* heap = heap_base();
  std::size_t i = heap_size() - 1;
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!earlier(e, heap[parent])) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = e;
}

// Places `e` into the empty position `hole` and moves it down to where it belongs.
void Simulator::sift_down(std::size_t hole, const Entry& e) {
  Entry* heap = heap_base();
  const std::size_t n = heap_size();
  std::size_t i = hole;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best;
    if (first + 3 < n) {
      // A full group: a tournament of two pairs, which the compiler can do without branches.
      const std::size_t left = earlier(heap[first + 1], heap[first]) ? first + 1 : first;
      const std::size_t right = earlier(heap[first + 3], heap[first + 2]) ? first + 3 : first + 2;
      best = earlier(heap[right], heap[left]) ? right : left;
    } else {
      best = first;
      for (std::size_t c = first + 1; c < n; ++c)
        if (earlier(heap[c], heap[best])) best = c;
    }
    if (!earlier(heap[best], e)) break;
    heap[i] = heap[best];
    i = best;
  }
  heap[i] = e;
}

}  // namespace maillab::engine
