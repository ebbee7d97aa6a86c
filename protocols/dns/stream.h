#pragma once
// DNS over TCP (RFC 1035 §4.2.2, RFC 7766): every message on the stream is preceded by its
// length as a two-octet big-endian number. A UDP reply that does not fit (512 octets without
// EDNS, RFC 1035 §4.2.1) comes back with TC set, and the asker repeats the question over TCP,
// where a message may be up to 65535 octets (RFC 7766 §5: resolvers MUST do this).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocols/dns/wire.h"

namespace maillab::dns {

inline constexpr std::size_t max_udp_message = 512;    // RFC 1035 §4.2.1, no EDNS
inline constexpr std::size_t max_tcp_message = 65535;  // the two-octet length's limit

// `message` with its two-octet length in front, as bytes for a StreamConnection.
std::string frame_for_stream(std::span<const std::uint8_t> message);

// Collects stream bytes and hands out whole messages as they complete. Bytes may arrive in any
// pieces (a length split in two, several messages at once).
class StreamReader {
 public:
  void feed(std::string_view bytes);
  std::optional<Bytes> next();  // the next complete message, without its length
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

}  // namespace maillab::dns
