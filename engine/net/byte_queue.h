// ByteQueue: the bytes of one direction of a stream, addressed by stream offset, appended at the
// back and released from the front (internal to engine/net; TcpStream's send buffer).
//
// Why not one std::string: erasing acknowledged bytes from the front of a string moves every byte
// behind them, on every ACK, so a transfer of N bytes cost N^2/MSS byte moves (a 100 MB transfer
// took minutes). Here bytes live in chunks: append copies each byte once, releasing drops whole
// chunks (or advances past a prefix of the first), and reading a segment copies just that
// segment. Every byte crossing the queue is therefore copied a bounded number of times, and the
// `moved` counter (shared with the network's statistics) lets tests prove it.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::engine {

class ByteQueue {
 public:
  // `moved` (optional) is increased by every byte the queue writes or reads.
  explicit ByteQueue(std::uint64_t* moved = nullptr) : moved_(moved) {}

  // Stream offsets: the first byte still held, and one past the last byte appended.
  std::uint64_t begin_offset() const { return begin_; }
  std::uint64_t end_offset() const { return end_; }
  std::uint64_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }

  void append(std::string_view bytes);
  // Appends bytes [offset, offset + length) to `out`; the range must be held.
  void copy(std::uint64_t offset, std::size_t length, std::vector<std::uint8_t>& out) const;
  // Lets go of every byte before `offset` (no-op for offsets already released).
  void release_until(std::uint64_t offset);

 private:
  // Small appends join the last chunk up to this size, so a stream written a byte at a time does
  // not become one chunk per byte; larger appends get a chunk of their own (one copy).
  static constexpr std::size_t join_limit = 16 * 1024;

  struct Chunk {
    std::uint64_t offset;  // stream offset of bytes[0]
    std::string bytes;
  };
  std::deque<Chunk> chunks_;
  std::uint64_t begin_ = 0, end_ = 0;
  std::uint64_t* moved_;
};

}  // namespace maillab::engine
