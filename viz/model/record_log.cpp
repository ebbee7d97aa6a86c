#include "viz/model/record_log.h"

namespace maillab::viz {

void RecordLog::clear() {
  blocks_.clear();
  base_ = first_ = end_ = 0;
  longest_hop_ = 0;
}

void RecordLog::truncate(std::size_t end) {
  if (end >= end_) return;
  if (end <= first_) {
    clear();
    return;
  }
  const std::size_t keep = end - base_;
  const std::size_t blocks = (keep + block_records - 1) / block_records;
  while (blocks_.size() > blocks) blocks_.pop_back();
  blocks_.back()->resize(keep - (blocks - 1) * block_records);  // shrinking: nothing held moves
  end_ = end;
}

void RecordLog::append(const engine::TraceRecord& record) {
  const std::size_t index = std::size_t(record.sequence);
  if (empty() || index != end_) {
    // The first record, or one after a gap: the log starts at it, on a block boundary of its own.
    clear();
    base_ = first_ = end_ = index;
  }
  if ((end_ - base_) % block_records == 0) {
    blocks_.push_back(std::make_unique<Block>());
    blocks_.back()->reserve(block_records);  // a block never reallocates: records never move
  }
  blocks_.back()->push_back(record);
  if (record.kind == engine::TraceKind::hop) longest_hop_ = std::max(longest_hop_, record.arrive - record.time);
  ++end_;
  // Let the oldest whole block go once the log holds a block more than its capacity.
  while (end_ - base_ > capacity_ && end_ - base_ - capacity_ > block_records && blocks_.size() > 1) {
    blocks_.pop_front();
    base_ += block_records;
    first_ = base_;
  }
}

}  // namespace maillab::viz
