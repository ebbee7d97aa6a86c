// Which trace records the event log shows, and a message's journey: every record that carries a
// given tracking id ("M1"), in trace order. Like the flight index, a FilteredView consumes only new
// records each frame and starts over when the filter or the trace changes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/trace.h"
#include "viz/model/record_log.h"
#include "viz/model/style.h"

namespace maillab::viz {

constexpr std::uint32_t kind_bit(engine::TraceKind kind) { return 1u << static_cast<unsigned>(kind); }
constexpr std::uint32_t category_bit(PacketCategory category) { return 1u << static_cast<unsigned>(category); }
constexpr std::uint32_t all_kinds = 0xffu;
constexpr std::uint32_t all_categories = 0x7fu;

struct RecordFilter {
  std::uint32_t kinds = all_kinds;            // bit per engine::TraceKind
  std::uint32_t categories = all_categories;  // bit per PacketCategory, for records with a protocol
  bool without_protocol = true;               // records whose protocol is empty (mail, fault, note)
  std::string host;     // case-insensitive substring of node or peer; empty = any
  std::string message;  // exact tracking id; empty = any
  std::string text;     // case-insensitive substring of the summary; empty = any

  bool matches(const engine::TraceRecord& record) const;
  bool operator==(const RecordFilter&) const = default;
};

class FilteredView {
 public:
  // Brings rows() up to date with `records` (a RecordLog or a whole trace's vector) under
  // `filter`; rows of records the log has let go of are dropped.
  template <typename Records>
  void sync(const Records& records, const RecordFilter& filter) {
    if (!primed_ || !(filter == filter_) || records.size() < consumed_) {
      reset();
      filter_ = filter;
      primed_ = true;
    }
    while (!rows_.empty() && rows_.front() < first_index(records)) rows_.pop_front();
    for (std::size_t i = std::max(consumed_, first_index(records)); i < records.size(); ++i) {
      if (filter_.matches(records[i])) rows_.push_back(i);
    }
    consumed_ = records.size();
  }
  const std::deque<std::size_t>& rows() const { return rows_; }  // indices into records
  void reset();

 private:
  RecordFilter filter_;
  std::deque<std::size_t> rows_;  // grows at the back, shrinks at the front, never moves
  std::size_t consumed_ = 0;
  bool primed_ = false;
};

// Every message's journey: the indices of the records that carry its tracking id, in trace order,
// and the ids in order of first appearance. Incremental like the views above, so the journey
// panel reads each record once, not the whole trace every frame.
class JourneyIndex {
 public:
  template <typename Records>
  void sync(const Records& records) {
    if (records.size() < consumed_) reset();
    consumed_ = read_new_records(records, consumed_, [this](const engine::TraceRecord& r, std::size_t i) { add(r, i); });
  }
  void add(const engine::TraceRecord& record, std::size_t index);
  void reset();
  const std::vector<std::string>& ids() const { return ids_; }
  // Empty for an id never seen.
  const std::vector<std::size_t>& journey(const std::string& message_id) const;

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, std::vector<std::size_t>> journeys_;
  std::size_t consumed_ = 0;
};

// Indices of every record whose `message` is `message_id`, in trace order.
std::vector<std::size_t> journey(const std::vector<engine::TraceRecord>& records, const std::string& message_id);

// Every tracking id that appears in the trace, in order of first appearance.
std::vector<std::string> message_ids(const std::vector<engine::TraceRecord>& records);

}  // namespace maillab::viz
