#include "engine/core/simulator.h"

#include <cassert>

namespace maillab::engine {

Simulator::Simulator(std::uint64_t seed) : seed_(seed), rng_(seed) {}

Simulator::EventId Simulator::schedule_at(Time when, Action action) {
  assert(when >= now_ && "events cannot be scheduled in the past");
  if (when < now_) when = now_;
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  const std::uint64_t sequence = next_sequence_++;
  Slot& s = slots_[slot];
  s.action = std::move(action);
  s.generation = static_cast<std::uint32_t>(sequence);
  s.active = true;
  heap_push(Entry{when, sequence, slot});
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
  // The heap entry stays and is skipped when it reaches the front; the slot is freed then.
  return true;
}

void Simulator::drop_dead_front() {
  while (!heap_.empty() && !entry_live(heap_.front())) {
    free_slots_.push_back(heap_.front().slot);
    heap_pop();
  }
}

bool Simulator::step() {
  drop_dead_front();
  if (heap_.empty()) return false;
  const Entry e = heap_.front();
  heap_pop();
  Slot& s = slots_[e.slot];
  Action action = std::move(s.action);
  s.active = false;
  free_slots_.push_back(e.slot);
  --pending_;
  now_ = e.time;
  ++executed_;
  action();
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
    if (heap_.empty() || heap_.front().time > end) break;
    step();
  }
  if (!stop_requested_ && now_ < end) now_ = end;
}

std::optional<Time> Simulator::next_event_time() {
  drop_dead_front();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().time;
}

void Simulator::heap_push(const Entry& e) {
  std::size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const std::size_t parent = (i - 1) / 4;
    if (!earlier(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void Simulator::heap_pop() {
  const Entry last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {
    const std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t best = first;
    const std::size_t end = first + 4 < n ? first + 4 : n;
    for (std::size_t c = first + 1; c < end; ++c)
      if (earlier(heap_[c], heap_[best])) best = c;
    if (!earlier(heap_[best], last)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = last;
}

}  // namespace maillab::engine
