#include "viz/model/flights.h"

#include <algorithm>

namespace maillab::viz {

using engine::Time;
using engine::TraceKind;
using engine::TraceRecord;

double hop_progress(const TraceRecord& hop, Time t) {
  if (hop.arrive <= hop.time) return t >= hop.time ? 1.0 : 0.0;
  const double fraction = double(t - hop.time) / double(hop.arrive - hop.time);
  return std::clamp(fraction, 0.0, 1.0);
}

void FlightIndex::reset() {
  hops_.clear();
  forgotten_hops_ = 0;
  drops_.clear();
  longest_hop_ = 0;
  last_hop_of_packet_.clear();
  consumed_ = 0;
  endpoint_names_.clear();
  endpoint_numbers_.clear();
  ++epoch_;
}

std::uint32_t FlightIndex::intern(const std::string& name) {
  const auto [it, added] = endpoint_numbers_.try_emplace(name, std::uint32_t(endpoint_names_.size()));
  if (added) endpoint_names_.push_back(name);
  return it->second;
}

std::optional<std::uint32_t> FlightIndex::endpoint_number(const std::string& name) const {
  const auto it = endpoint_numbers_.find(name);
  if (it == endpoint_numbers_.end()) return std::nullopt;
  return it->second;
}

void FlightIndex::add(const TraceRecord& record, std::size_t index) {
  if (record.kind == TraceKind::hop) {
    add_hop(record, index);
  } else if (record.kind == TraceKind::drop) {
    add_drop(record, index);
  }
}

void FlightIndex::forget_before(Time t) {
  while (forgotten_hops_ < hops_.size() && hops_[forgotten_hops_].arrive < t) {
    // A drop is matched to its packet's last hop only while that hop is on the wire (add_drop):
    // a packet whose last hop landed needs no entry. Forgotten with the hop, one at a time, so
    // the map's size follows the packets in flight and no frame pays for a sweep.
    const HopEntry& hop = hops_[forgotten_hops_];
    if (const auto last = last_hop_of_packet_.find(hop.packet);
        last != last_hop_of_packet_.end() && last->second.record == hop.record) {
      last_hop_of_packet_.erase(last);
    }
    ++forgotten_hops_;
  }
  if (forgotten_hops_ > 4096 && forgotten_hops_ > hops_.size() / 2) {
    hops_.erase(hops_.begin(), hops_.begin() + std::ptrdiff_t(forgotten_hops_));
    forgotten_hops_ = 0;
  }
  while (!drops_.empty() && drops_.front().shown < t - longest_linger) drops_.pop_front();
}

void FlightIndex::add_hop(const TraceRecord& record, std::size_t index) {
  HopEntry entry{record.time,        std::max(record.arrive, record.time), std::max(record.arrive, record.time),
                 index,              intern(record.node),                  intern(record.peer),
                 categorize_protocol(record.protocol), record.packet};
  longest_hop_ = std::max(longest_hop_, entry.arrive - entry.depart);
  // Departures come almost in order (a queued packet can leave after one recorded later), so
  // insert from the back.
  auto position = std::upper_bound(hops_.begin() + std::ptrdiff_t(forgotten_hops_), hops_.end(), entry.depart,
                                   [](Time t, const HopEntry& e) { return t < e.depart; });
  hops_.insert(position, entry);
  if (record.packet != 0) last_hop_of_packet_[record.packet] = {index, entry.depart, entry.arrive, entry.from, entry.to};
}

FlightIndex::HopEntry* FlightIndex::find_hop(Time depart, std::size_t record) {
  auto it = std::lower_bound(hops_.begin() + std::ptrdiff_t(forgotten_hops_), hops_.end(), depart,
                             [](const HopEntry& e, Time t) { return e.depart < t; });
  for (; it != hops_.end() && it->depart == depart; ++it) {
    if (it->record == record) return &*it;
  }
  return nullptr;
}

void FlightIndex::add_drop(const TraceRecord& record, std::size_t index) {
  DropEntry entry{record.time, index, std::nullopt, 0};
  auto last = record.packet != 0 ? last_hop_of_packet_.find(record.packet) : last_hop_of_packet_.end();
  if (last != last_hop_of_packet_.end()) {
    const LastHop& hop = last->second;
    const auto node = endpoint_number(record.node);
    const auto peer = record.peer.empty() ? std::nullopt : endpoint_number(record.peer);
    const bool any_peer = record.peer.empty();
    const bool same_link = node && ((*node == hop.from && (any_peer || peer == hop.to)) ||
                                    (*node == hop.to && (any_peer || peer == hop.from)));
    if (same_link && hop.depart <= record.time && record.time <= hop.arrive) {
      // Lost on the wire. Where exactly a bit flips is meaningless for teaching; the packet is
      // drawn travelling at least to the middle of the link and falling there, so a loss decided
      // at departure is still seen to happen on that link.
      const double progress =
          hop.arrive > hop.depart ? std::clamp(double(record.time - hop.depart) / double(hop.arrive - hop.depart), 0.0, 1.0)
                                  : 1.0;
      entry.hop = hop.record;
      entry.position = std::clamp(std::max(progress, 0.5), 0.5, 0.92);
      entry.shown = hop.depart + Time(double(hop.arrive - hop.depart) * entry.position);
      entry.shown = std::max(entry.shown, record.time);
      if (HopEntry* flying = find_hop(hop.depart, hop.record)) flying->cut = entry.shown;
    }
  }
  auto position = std::upper_bound(drops_.begin(), drops_.end(), entry.shown,
                                   [](Time t, const DropEntry& e) { return t < e.shown; });
  drops_.insert(position, entry);
}

void FlightIndex::in_flight(Time t, std::vector<Flight>& out) const {
  out.clear();
  auto begin = std::lower_bound(hops_.begin() + std::ptrdiff_t(forgotten_hops_), hops_.end(), t - longest_hop_,
                                [](const HopEntry& e, Time bound) { return e.depart < bound; });
  for (auto it = begin; it != hops_.end() && it->depart <= t; ++it) {
    if (t > it->arrive || t > it->cut) continue;
    const double progress =
        it->arrive > it->depart ? std::clamp(double(t - it->depart) / double(it->arrive - it->depart), 0.0, 1.0) : 1.0;
    out.push_back({it->record, progress, it->from, it->to, it->category});
  }
}

void FlightIndex::falling(Time t, Time linger, std::vector<Fall>& out) const {
  out.clear();
  linger = std::clamp<Time>(linger, 1, longest_linger);
  auto begin = std::lower_bound(drops_.begin(), drops_.end(), t - linger,
                                [](const DropEntry& e, Time bound) { return e.shown < bound; });
  for (auto it = begin; it != drops_.end() && it->shown <= t; ++it) {
    out.push_back({it->record, it->hop, it->position, std::clamp(double(t - it->shown) / double(linger), 0.0, 1.0)});
  }
}

}  // namespace maillab::viz
