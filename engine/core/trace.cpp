#include "engine/core/trace.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <span>

namespace maillab::engine {

std::string_view to_string(TraceKind kind) {
  switch (kind) {
    case TraceKind::hop: return "hop";
    case TraceKind::drop: return "drop";
    case TraceKind::transport: return "transport";
    case TraceKind::protocol: return "protocol";
    case TraceKind::mail: return "mail";
    case TraceKind::cache: return "cache";
    case TraceKind::fault: return "fault";
    case TraceKind::note: return "note";
  }
  return "note";
}

std::string format_seconds(Time t) {
  char buffer[48];
  const char* sign = t < 0 ? "-" : "";
  const Time magnitude = t < 0 ? -t : t;
  std::snprintf(buffer, sizeof buffer, "%s%lld.%06lld", sign, static_cast<long long>(magnitude / 1000000),
                static_cast<long long>(magnitude % 1000000));
  return buffer;
}

namespace {

// FNV-1a's step over eight bytes at a time (then the odd bytes one by one): a packet's bytes are
// mixed into every hop's fingerprint, so this runs over every byte the network carries.
void mix(std::uint64_t& h, const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes + i, 8);
    h = (h ^ word) * 0x100000001b3ULL;
    h ^= h >> 29;  // folds the high bits back down, which the multiply alone never does
  }
  for (; i < size; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
}
// The same as mix() over `a` followed by `b` in one buffer: the word that straddles the seam is
// put together first, so a hop's payload (its own header, then the shared transport bytes) mixes
// exactly as the contiguous packet did.
void mix(std::uint64_t& h, std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  const std::size_t whole = a.size() / 8 * 8;
  mix(h, a.data(), whole);
  const std::size_t left = a.size() - whole;
  if (left == 0) return mix(h, b.data(), b.size());
  unsigned char seam[8];
  const std::size_t taken = std::min<std::size_t>(8 - left, b.size());
  std::memcpy(seam, a.data() + whole, left);
  if (taken) std::memcpy(seam + left, b.data(), taken);
  mix(h, seam, left + taken);
  mix(h, b.data() + taken, b.size() - taken);
}
void mix(std::uint64_t& h, std::string_view s) {
  mix(h, s.data(), s.size());
  mix(h, "\0", 1);
}
template <typename Int>
void mix_int(std::uint64_t& h, Int v) {
  mix(h, &v, sizeof v);
}

}  // namespace

const TraceRecord& Trace::record(TraceRecord record) {
  record.sequence = next_sequence_++;
  if (fingerprinting_) {
    mix_int(fingerprint_, record.time);
    mix_int(fingerprint_, static_cast<int>(record.kind));
    mix(fingerprint_, record.node);
    mix(fingerprint_, record.peer);
    mix(fingerprint_, record.protocol);
    mix(fingerprint_, record.summary);
    const auto [head, tail] = record.payload.pieces();
    mix(fingerprint_, head, tail);
    mix_int(fingerprint_, record.packet);
    mix_int(fingerprint_, record.connection);
    mix(fingerprint_, record.message);
    mix_int(fingerprint_, record.arrive);
  }
  for (const auto& listener : listeners_) listener(record);
  if (keep_records_) {
    records_.push_back(std::move(record));
    return records_.back();
  }
  last_ = std::move(record);
  return last_;
}

}  // namespace maillab::engine
