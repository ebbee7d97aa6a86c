// What every fuzz target shares: the input's first byte chooses how the rest is cut into pieces
// (and any yes/no choices a target makes), so libFuzzer explores split points and verdicts by
// mutating one byte, and a crash file replays exactly.
//
//   byte 0 % 4 == 0   the stream in one piece
//              == 1   one byte at a time (every split point at once)
//              == 2   pieces of 1..16 bytes, sizes from a generator seeded by byte 0
//              == 3   pieces of 1..512 bytes, likewise
//
// The seed files in corpus/ start with a printable byte ('0' is mode 0, '1' mode 1 ...) so they
// stay readable text.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace maillab::fuzz {

class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return;
    mode_ = data[0] % 4;
    state_ = 0x9E3779B97F4A7C15ull * (data[0] + 1);
    stream_ = std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1);
  }

  // The whole stream (after the control byte).
  std::string_view stream() const { return stream_; }
  bool done() const { return position_ >= stream_.size(); }

  // The next piece of the stream; empty when done.
  std::string_view next_piece() {
    std::size_t length = stream_.size() - position_;
    if (mode_ == 1) length = std::min<std::size_t>(length, 1);
    if (mode_ == 2) length = std::min<std::size_t>(length, 1 + next_number() % 16);
    if (mode_ == 3) length = std::min<std::size_t>(length, 1 + next_number() % 512);
    std::string_view piece = stream_.substr(position_, length);
    position_ += length;
    return piece;
  }

  // A choice among `count` (> 0) options, from the same generator (xorshift64*).
  std::size_t choose(std::size_t count) { return next_number() % count; }

 private:
  std::uint64_t next_number() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1Dull;
  }

  std::string_view stream_;
  std::size_t position_ = 0;
  unsigned mode_ = 0;
  std::uint64_t state_ = 1;
};

}  // namespace maillab::fuzz
