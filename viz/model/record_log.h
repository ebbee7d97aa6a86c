// The visualizer's own copy of a scene's trace records (DESIGN.md: "a consumer that needs the past
// keeps its own compact index of it"). The engine's Trace keeps nothing for the visualizer; this
// log hears every record through a Trace listener and stores it in fixed-size blocks, so a long
// run never moves the records it already holds (a growing std::vector copied all of them each time
// it doubled: the visualizer's frame-time spikes) and the oldest blocks can be let go.
//
// A record's index here is its position in the trace stream (TraceRecord::sequence), so indices
// mean the same record in a straight run and in a replay that made no records for a while
// (engine::Trace::skip() still numbers those). The log holds the indices [first(), size()):
// `first()` is above 0 when the log was attached late (a fast-forwarding replay) or when it is
// bounded (set_capacity) and older blocks were let go.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <memory>
#include <vector>

#include "engine/core/trace.h"

namespace maillab::viz {

class RecordLog {
 public:
  static constexpr std::size_t block_records = 4096;

  // Records from index first() up to (not including) size().
  std::size_t first() const { return first_; }
  std::size_t size() const { return end_; }
  bool empty() const { return first_ == end_; }
  bool contains(std::size_t index) const { return index >= first_ && index < end_; }
  // Requires contains(index).
  const engine::TraceRecord& operator[](std::size_t index) const {
    const std::size_t offset = index - base_;
    return (*blocks_[offset / block_records])[offset % block_records];
  }
  const engine::TraceRecord& back() const { return (*this)[end_ - 1]; }

  // Appends a record at index record.sequence. A record past size() (records were skipped while
  // nobody listened) starts the log over at its index.
  void append(const engine::TraceRecord& record);
  // Forgets everything; the next record appended sets first().
  void clear();
  // Forgets the records from index `end` on (end >= first()): going back within what the log
  // holds (viz/model/replay.h) keeps its earlier records, the same in the run gone back to.
  void truncate(std::size_t end);
  // At most about this many records are held (a whole block more at most); older blocks go.
  void set_capacity(std::size_t records) { capacity_ = std::max(records, block_records); }
  std::size_t capacity() const { return capacity_; }
  // The longest flight (arrive - time) of the hops appended since the last clear().
  engine::Time longest_hop() const { return longest_hop_; }

 private:
  using Block = std::vector<engine::TraceRecord>;
  std::deque<std::unique_ptr<Block>> blocks_;  // blocks_[0] holds indices from base_
  std::size_t base_ = 0;
  std::size_t first_ = 0;
  std::size_t end_ = 0;
  std::size_t capacity_ = std::numeric_limits<std::size_t>::max();
  engine::Time longest_hop_ = 0;
};

// The first index a record container holds: a plain vector holds a whole trace from record 0.
inline std::size_t first_index(const std::vector<engine::TraceRecord>&) { return 0; }
inline std::size_t first_index(const RecordLog& log) { return log.first(); }

// Hands `add(record, index)` every record of `records` from index `consumed` on (or from the first
// one held, if later) and returns the new consumed count: the incremental indices' sync.
template <typename Records, typename Add>
std::size_t read_new_records(const Records& records, std::size_t consumed, Add&& add) {
  for (std::size_t i = std::max(consumed, first_index(records)); i < records.size(); ++i) add(records[i], i);
  return records.size();
}

// A Trace listener that appends to a log while the tap is open. The trace keeps its listeners for
// its whole life, and a scene (a lesson's World) can outlive the log's owner: closing the tap
// makes the listener do nothing from then on.
class RecordTap {
 public:
  explicit RecordTap(RecordLog& log) : target_(std::make_shared<RecordLog*>(&log)) {}
  ~RecordTap() { close(); }
  RecordTap(const RecordTap&) = delete;
  RecordTap& operator=(const RecordTap&) = delete;
  void close() { *target_ = nullptr; }
  engine::Trace::Listener listener() const {
    return [target = target_](const engine::TraceRecord& record) {
      if (*target) (*target)->append(record);
    };
  }

 private:
  std::shared_ptr<RecordLog*> target_;
};

}  // namespace maillab::viz
