// The animation model: which packets are on which link at a given simulated time, how far along,
// and which were lost and where. It reads `hop` and `drop` trace records (engine/core/trace.h):
// a hop has time = departure and `arrive` = arrival, node = sending end, peer = receiving end;
// a drop carries the same packet id as the hops of the packet it ends.
//
// The index is incremental: sync() consumes only the records appended since the last call, so a
// long run costs nothing per frame beyond the packets actually in the air. What a frame needs of
// each hop is worked out once, at sync: its two ends as small numbers (names interned here, so
// drawing 50,000 packets looks up no string) and its colour category. It keeps only what a frame
// can still show: forget_before(now) lets go of hops that have landed and falls long gone, so its
// size follows the packets in flight, not the packets ever sent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/trace.h"
#include "viz/model/record_log.h"
#include "viz/model/style.h"

namespace maillab::viz {

// How far (0 = just left the sender, 1 = fully arrived) a hop is at time t, clamped to [0, 1].
double hop_progress(const engine::TraceRecord& hop, engine::Time t);

struct Flight {
  std::size_t record = 0;  // index of the hop record in the trace
  double progress = 0;     // along the link, from record.node towards record.peer
  std::uint32_t from = 0;  // record.node and record.peer as FlightIndex::endpoint_name() numbers
  std::uint32_t to = 0;
  PacketCategory category = PacketCategory::other;  // categorize_protocol(record.protocol)
};

// A lost packet, shown for a while where it was lost.
struct Fall {
  std::size_t record = 0;                // index of the drop record
  std::optional<std::size_t> hop;        // the hop it was lost on, when it was lost on a link
  double position = 0;                   // along that hop's link (node -> peer)
  double age = 0;                        // 0 when it is lost .. 1 when it is gone from the screen
};

class FlightIndex {
 public:
  // A fall is shown for at most this long (the canvas's linger at 1000x is 25 minutes).
  static constexpr engine::Time longest_linger = engine::seconds(1800);

  void reset();
  // Reads the records appended since the last sync (a RecordLog or a whole trace's vector). If the
  // container got shorter (a new trace after a replay), call reset() first; sync does that itself
  // when it notices.
  template <typename Records>
  void sync(const Records& records) {
    if (records.size() < consumed_) reset();
    consumed_ = read_new_records(records, consumed_, [this](const engine::TraceRecord& r, std::size_t i) { add(r, i); });
  }
  // Reads one record, at index `index` of the trace.
  void add(const engine::TraceRecord& record, std::size_t index);
  std::size_t consumed() const { return consumed_; }
  // Lets go of what no query at `t` or later can show: hops that arrived (or were lost) before t,
  // falls shown longer ago than longest_linger, and the last hops of packets that landed.
  void forget_before(engine::Time t);

  // Hops with departure <= t <= arrival (and not yet lost), in departure order.
  void in_flight(engine::Time t, std::vector<Flight>& out) const;
  // Drops shown at t: those lost within the last `linger` (at most longest_linger) of simulated time.
  void falling(engine::Time t, engine::Time linger, std::vector<Fall>& out) const;

  std::size_t hop_count() const { return hops_.size() - forgotten_hops_; }  // hops held
  // The node names hops start or end at, numbered in order of first appearance (Flight::from/to).
  // Numbers stay valid until reset(); `epoch()` changes on every reset.
  const std::vector<std::string>& endpoint_names() const { return endpoint_names_; }
  std::uint64_t epoch() const { return epoch_; }
  std::size_t drop_count() const { return drops_.size(); }

 private:
  struct HopEntry {
    engine::Time depart = 0, arrive = 0;
    engine::Time cut = 0;  // the packet stops being drawn after this (its loss), else == arrive
    std::size_t record = 0;
    std::uint32_t from = 0, to = 0;
    PacketCategory category = PacketCategory::other;
    std::uint64_t packet = 0;
  };
  struct DropEntry {
    engine::Time shown = 0;  // when the fall starts on screen
    std::size_t record = 0;
    std::optional<std::size_t> hop;
    double position = 0;
  };
  // What a drop needs of the last hop its packet made, without reading that hop's record again.
  struct LastHop {
    std::size_t record = 0;
    engine::Time depart = 0, arrive = 0;
    std::uint32_t from = 0, to = 0;
  };
  void add_hop(const engine::TraceRecord& record, std::size_t index);
  void add_drop(const engine::TraceRecord& record, std::size_t index);
  HopEntry* find_hop(engine::Time depart, std::size_t record);
  std::uint32_t intern(const std::string& name);
  std::optional<std::uint32_t> endpoint_number(const std::string& name) const;

  // Deques: they grow at the back and shrink at the front without moving what they hold.
  // Hops sorted by departure; the first forgotten_hops_ are forgotten. A vector, not a deque: a
  // frame walks every hop in the air (in_flight), and a contiguous walk is the fast one. The
  // forgotten prefix is erased once it is half the vector, so the vector's size follows the
  // packets in flight and, past the first seconds, it never reallocates.
  std::vector<HopEntry> hops_;
  std::size_t forgotten_hops_ = 0;
  std::deque<DropEntry> drops_;  // sorted by shown time (few: a deque is fine)
  engine::Time longest_hop_ = 0;
  std::unordered_map<std::uint64_t, LastHop> last_hop_of_packet_;  // packet id -> its latest hop in hops_
  std::size_t consumed_ = 0;
  std::vector<std::string> endpoint_names_;
  std::unordered_map<std::string, std::uint32_t> endpoint_numbers_;
  std::uint64_t epoch_ = 0;
};

}  // namespace maillab::viz
