#include "viz/model/filters.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace maillab::viz {

namespace {

bool contains_ignoring_case(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) { return std::tolower((unsigned char)a) == std::tolower((unsigned char)b); });
  return it != haystack.end();
}

}  // namespace

bool RecordFilter::matches(const engine::TraceRecord& record) const {
  if (!(kinds & kind_bit(record.kind))) return false;
  if (record.protocol.empty()) {
    if (!without_protocol) return false;
  } else if (!(categories & category_bit(categorize_protocol(record.protocol)))) {
    return false;
  }
  if (!host.empty() && !contains_ignoring_case(record.node, host) && !contains_ignoring_case(record.peer, host)) {
    return false;
  }
  if (!message.empty() && record.message != message) return false;
  return contains_ignoring_case(record.summary, text);
}

void FilteredView::reset() {
  rows_.clear();
  consumed_ = 0;
  primed_ = false;
}

void FilteredView::sync(const std::vector<engine::TraceRecord>& records, const RecordFilter& filter) {
  if (!primed_ || !(filter == filter_) || records.size() < consumed_) {
    reset();
    filter_ = filter;
    primed_ = true;
  }
  for (std::size_t i = consumed_; i < records.size(); ++i) {
    if (filter_.matches(records[i])) rows_.push_back(i);
  }
  consumed_ = records.size();
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
