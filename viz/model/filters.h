// Which trace records the event log shows, and a message's journey: every record that carries a
// given tracking id ("M1"), in trace order. Like the flight index, a FilteredView consumes only new
// records each frame and starts over when the filter or the trace changes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/trace.h"
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
  // Brings rows() up to date with `records` under `filter`.
  void sync(const std::vector<engine::TraceRecord>& records, const RecordFilter& filter);
  const std::vector<std::size_t>& rows() const { return rows_; }  // indices into records
  void reset();

 private:
  RecordFilter filter_;
  std::vector<std::size_t> rows_;
  std::size_t consumed_ = 0;
  bool primed_ = false;
};

// Indices of every record whose `message` is `message_id`, in trace order.
std::vector<std::size_t> journey(const std::vector<engine::TraceRecord>& records, const std::string& message_id);

// Every tracking id that appears in the trace, in order of first appearance.
std::vector<std::string> message_ids(const std::vector<engine::TraceRecord>& records);

}  // namespace maillab::viz
