// The bytes a trace record carries: a protocol record's message, or a hop's IPv4 packet.
//
// A packet that crosses six links is recorded six times, and the six copies differ only in the
// IPv4 header (each router lowers the TTL and so changes the header checksum, RFC 791 §3.2). A
// hop's payload therefore holds its own header (`head`, 20 bytes) and shares the rest, the
// transport header and data, with every other hop of the same packet: a run whose records are
// kept (the visualizer, lessons, tests) keeps each packet's bytes once, not once per hop.
//
// Readers see one sequence of bytes: size(), operator[], iteration, pieces() for writers that
// can take it in two parts (pcap, the fingerprint), and bytes() for a contiguous copy.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace maillab::engine {

class TracePayload {
 public:
  // An IPv4 header without options: every packet the lab makes. A longer head (options, IHL > 5)
  // is kept with its tail as one unshared buffer.
  static constexpr std::size_t max_head = 20;

  TracePayload() = default;
  // A payload of its own (a protocol record's bytes).
  TracePayload(std::vector<std::uint8_t> bytes)  // NOLINT: implicit, records assign byte vectors
      : tail_(bytes.empty() ? nullptr : std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes))) {}
  TracePayload(std::initializer_list<std::uint8_t> bytes) : TracePayload(std::vector<std::uint8_t>(bytes)) {}
  // `head` followed by the shared `tail` (a hop: its IPv4 header, then the packet's transport bytes).
  TracePayload(std::span<const std::uint8_t> head, std::shared_ptr<const std::vector<std::uint8_t>> tail) {
    if (head.size() > max_head) {
      std::vector<std::uint8_t> whole(head.begin(), head.end());
      if (tail) whole.insert(whole.end(), tail->begin(), tail->end());
      *this = TracePayload(std::move(whole));
      return;
    }
    tail_ = std::move(tail);
    head_size_ = static_cast<std::uint8_t>(head.size());
    std::copy(head.begin(), head.end(), head_.begin());
  }

  std::size_t size() const { return head_size_ + (tail_ ? tail_->size() : 0); }
  bool empty() const { return size() == 0; }
  std::uint8_t operator[](std::size_t i) const {
    if (i >= head_size_) return (*tail_)[i - head_size_];
    return head_[std::min(i, max_head - 1)];  // the min only tells GCC's -Warray-bounds that i < 20
  }

  // The two parts, in order (either may be empty).
  std::pair<std::span<const std::uint8_t>, std::span<const std::uint8_t>> pieces() const {
    return {std::span<const std::uint8_t>(head_.data(), head_size_),
            tail_ ? std::span<const std::uint8_t>(*tail_) : std::span<const std::uint8_t>()};
  }
  // A contiguous copy (decoders that want one buffer).
  std::vector<std::uint8_t> bytes() const {
    std::vector<std::uint8_t> out(head_.begin(), head_.begin() + head_size_);
    if (tail_) out.insert(out.end(), tail_->begin(), tail_->end());
    return out;
  }
  // Whether the transport bytes are the very same object as `other`'s (two hops of one packet).
  bool shares_tail_with(const TracePayload& other) const { return tail_ && tail_ == other.tail_; }
  // What this record holds of its own, and the identity and size of the part it may share: for
  // counting what a kept trace costs (`maillab bench mail --keep-trace`).
  std::size_t head_size() const { return head_size_; }
  const void* tail_identity() const { return tail_.get(); }
  std::size_t tail_size() const { return tail_ ? tail_->size() : 0; }

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::uint8_t;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::uint8_t;

    const_iterator() = default;
    const_iterator(const TracePayload* payload, std::size_t at) : payload_(payload), at_(at) {}
    std::uint8_t operator*() const { return (*payload_)[at_]; }
    std::uint8_t operator[](difference_type n) const { return (*payload_)[at_ + static_cast<std::size_t>(n)]; }
    const_iterator& operator++() { return ++at_, *this; }
    const_iterator operator++(int) { return const_iterator(payload_, at_++); }
    const_iterator& operator--() { return --at_, *this; }
    const_iterator operator--(int) { return const_iterator(payload_, at_--); }
    const_iterator& operator+=(difference_type n) { return at_ += static_cast<std::size_t>(n), *this; }
    const_iterator& operator-=(difference_type n) { return at_ -= static_cast<std::size_t>(n), *this; }
    friend const_iterator operator+(const_iterator i, difference_type n) { return i += n; }
    friend const_iterator operator+(difference_type n, const_iterator i) { return i += n; }
    friend const_iterator operator-(const_iterator i, difference_type n) { return i -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.at_) - static_cast<difference_type>(b.at_);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.at_ == b.at_; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.at_ <=> b.at_; }

   private:
    const TracePayload* payload_ = nullptr;
    std::size_t at_ = 0;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

  friend bool operator==(const TracePayload& a, const TracePayload& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }
  friend bool operator==(const TracePayload& a, const std::vector<std::uint8_t>& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
  }

 private:
  std::shared_ptr<const std::vector<std::uint8_t>> tail_;
  std::array<std::uint8_t, max_head> head_{};
  std::uint8_t head_size_ = 0;
};

}  // namespace maillab::engine
