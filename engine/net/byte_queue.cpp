#include "engine/net/byte_queue.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace maillab::engine {

void ByteQueue::append(std::string_view bytes) {
  if (bytes.empty()) return;
  if (!chunks_.empty() && chunks_.back().bytes.size() + bytes.size() <= join_limit)
    chunks_.back().bytes.append(bytes);
  else if (bytes.size() < join_limit) {
    chunks_.push_back(Chunk{end_, {}});
    chunks_.back().bytes.reserve(join_limit);  // later small appends never reallocate (recopy)
    chunks_.back().bytes.append(bytes);
  } else {
    chunks_.push_back(Chunk{end_, std::string(bytes)});
  }
  end_ += bytes.size();
  if (moved_) *moved_ += bytes.size();
}

void ByteQueue::copy(std::uint64_t offset, std::size_t length, std::vector<std::uint8_t>& out) const {
  assert(offset >= begin_ && offset + length <= end_);
  if (length == 0) return;
  // The chunk holding `offset`: the last one starting at or before it (binary search).
  auto chunk = std::upper_bound(chunks_.begin(), chunks_.end(), offset,
                                [](std::uint64_t value, const Chunk& c) { return value < c.offset; });
  --chunk;
  // memcpy, not insert(): from char to uint8_t iterators, insert copies a byte at a time.
  std::size_t at = out.size();
  out.resize(at + length);
  std::size_t left = length;
  for (; left > 0; ++chunk) {
    const auto skip = static_cast<std::size_t>(offset - chunk->offset);
    const std::size_t take = std::min(left, chunk->bytes.size() - skip);
    std::memcpy(out.data() + at, chunk->bytes.data() + skip, take);
    at += take;
    offset += take;
    left -= take;
  }
  if (moved_) *moved_ += length;
}

void ByteQueue::release_until(std::uint64_t offset) {
  offset = std::min(offset, end_);
  if (offset <= begin_) return;
  begin_ = offset;
  // Whole chunks before `offset` go; a chunk `offset` falls inside stays until it is all released.
  while (!chunks_.empty() && chunks_.front().offset + chunks_.front().bytes.size() <= begin_) chunks_.pop_front();
}

}  // namespace maillab::engine
