#include "viz/model/filters.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

#include "protocols/common/ascii_case.h"

namespace maillab::viz {


bool RecordFilter::matches(const engine::TraceRecord& record) const {
  if (!(kinds & kind_bit(record.kind))) return false;
  if (record.protocol.empty()) {
    if (!without_protocol) return false;
  } else if (!(categories & category_bit(categorize_protocol(record.protocol)))) {
    return false;
  }
  if (!host.empty() && !common::contains_ignoring_case(record.node, host) && !common::contains_ignoring_case(record.peer, host)) {
    return false;
  }
  if (!message.empty() && record.message != message) return false;
  return common::contains_ignoring_case(record.summary, text);
}

void FilteredView::reset() {
  rows_.clear();
  consumed_ = 0;
  primed_ = false;
}

void JourneyIndex::add(const engine::TraceRecord& record, std::size_t index) {
  if (record.message.empty()) return;
  auto [it, added] = journeys_.try_emplace(record.message);
  if (added) ids_.push_back(record.message);
  it->second.push_back(index);
}

void JourneyIndex::reset() {
  ids_.clear();
  journeys_.clear();
  consumed_ = 0;
}

const std::vector<std::size_t>& JourneyIndex::journey(const std::string& message_id) const {
  static const std::vector<std::size_t> none;
  const auto it = journeys_.find(message_id);
  return it == journeys_.end() ? none : it->second;
}

std::vector<std::size_t> journey(const std::vector<engine::TraceRecord>& records, const std::string& message_id) {
  std::vector<std::size_t> out;
  if (message_id.empty()) return out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].message == message_id) out.push_back(i);
  }
  return out;
}

std::vector<std::string> message_ids(const std::vector<engine::TraceRecord>& records) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const auto& record : records) {
    if (!record.message.empty() && seen.insert(record.message).second) out.push_back(record.message);
  }
  return out;
}

}  // namespace maillab::viz
