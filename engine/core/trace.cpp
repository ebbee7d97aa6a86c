#include "engine/core/trace.h"

#include <cstdio>
#include <cstring>

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
    mix(fingerprint_, record.payload.data(), record.payload.size());
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
