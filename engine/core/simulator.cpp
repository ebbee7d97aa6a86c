#include "engine/core/simulator.h"

#include <algorithm>
#include <cassert>
#include <string>

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
    if (slots_.size() >= pending_limit_) {
      throw TooManyPendingEvents("more than " + std::to_string(pending_limit_) +
                                 " events pending at once, the simulator's limit (a message or "
                                 "timer loop, or a run far larger than the lab is sized for)");
    }
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  const std::uint64_t sequence = next_sequence_++;
  Slot& s = slots_[slot];
  s.action = std::move(action);
  s.generation = static_cast<std::uint32_t>(sequence);
  s.active = true;
  // 40 bits of sequence in the key: a year of events at 30 million a second.
  insert(Entry{when, (sequence << slot_bits) | slot});
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
  ++dead_entries_;
  // The entry stays queued and is skipped when it comes up; the slot is freed then.
  return true;
}

void Simulator::insert(const Entry& e) {
  if (e.time < last_) {
    // Only after a peek moved last_ ahead of the clock (see simulator.h).
    const auto at = std::upper_bound(early_.begin(), early_.end(), e.time,
                                     [](Time t, const Entry& x) { return t < x.time; });
    early_.insert(at, e);
    return;
  }
  buckets_[bucket_of(e.time)].push_back(e);
}

bool Simulator::spread_lowest_bucket() {
  std::size_t lowest = 1;
  while (lowest < bucket_count && buckets_[lowest].empty()) ++lowest;
  if (lowest == bucket_count) return false;
  std::vector<Entry>& source = buckets_[lowest];
  Time minimum = source.front().time;
  for (const Entry& e : source) minimum = std::min(minimum, e.time);
  last_ = minimum;
  // Every entry lands in a lower bucket: it agrees with the new last_ on bit lowest-1 and above.
  if (dead_entries_ == 0) {
    for (const Entry& e : source) buckets_[bucket_of(e.time)].push_back(e);
  } else {
    for (const Entry& e : source) {
      if (entry_live(e)) {
        buckets_[bucket_of(e.time)].push_back(e);
      } else {
        free_slots_.push_back(slot_of(e));
        --dead_entries_;
      }
    }
  }
  source.clear();
  return true;
}

const Simulator::Entry* Simulator::front() {
  for (;;) {
    if (!early_.empty()) {
      const Entry& e = early_.front();
      if (dead_entries_ == 0 || entry_live(e)) return &e;
      free_slots_.push_back(slot_of(e));
      --dead_entries_;
      early_.erase(early_.begin());
      continue;
    }
    std::vector<Entry>& current = buckets_[0];
    if (bucket0_read_ < current.size()) {
      const Entry& e = current[bucket0_read_];
      if (dead_entries_ == 0 || entry_live(e)) return &e;
      free_slots_.push_back(slot_of(e));
      --dead_entries_;
      ++bucket0_read_;
      continue;
    }
    current.clear();
    bucket0_read_ = 0;
    // Cancelled entries may leave bucket 0 empty after a spread: then spread again.
    if (!spread_lowest_bucket()) return nullptr;
  }
}

void Simulator::remove_front() {
  if (!early_.empty())
    early_.erase(early_.begin());
  else
    ++bucket0_read_;
}

bool Simulator::step() {
  const Entry* next = front();
  if (!next) return false;
  const Entry e = *next;
  remove_front();
  // The following event's slot is likely a cache miss in a big queue: start fetching it now.
  if (bucket0_read_ < buckets_[0].size()) __builtin_prefetch(&slots_[slot_of(buckets_[0][bucket0_read_])]);
  const std::uint32_t slot = slot_of(e);
  Action action = std::move(slots_[slot].action);
  slots_[slot].active = false;
  free_slots_.push_back(slot);
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
    const Entry* next = front();
    if (!next || next->time > end) break;
    step();
  }
  if (!stop_requested_ && now_ < end) now_ = end;
}

std::optional<Time> Simulator::next_event_time() {
  const Entry* next = front();
  if (!next) return std::nullopt;
  return next->time;
}

}  // namespace maillab::engine
