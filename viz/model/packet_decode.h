// Decoding a hop's payload (an IPv4 packet as the network built it) for the packet inspector:
// IPv4 (RFC 791), TCP (RFC 9293 §3.1) and UDP (RFC 768) header fields, the DNS header and
// question (RFC 1035 §4.1) for port 53, the application bytes as text when they are text, and a
// classic hex dump. Bad or truncated bytes give a note in `problem`, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace maillab::viz {

struct DecodedField {
  std::string layer;  // "IPv4", "TCP", "UDP", "DNS"
  std::string name;
  std::string value;
};

struct DecodedPacket {
  std::vector<DecodedField> fields;
  std::size_t application_offset = 0;  // where the transport payload starts in the bytes
  std::size_t application_length = 0;
  std::string application_text;        // the payload with control characters escaped, when it is text
  std::string problem;                 // empty when the headers decoded cleanly
};

DecodedPacket decode_ipv4_packet(const std::vector<std::uint8_t>& bytes);

// "0000  45 00 00 3c 1c 46 40 00  40 06 b1 e6 0a 00 00 01  |E..<.F@.@.......|", 16 bytes a line
// (or `per_line`, for narrow panels; a gap is put after 8 bytes when a line holds more).
std::vector<std::string> hex_dump(const std::vector<std::uint8_t>& bytes, std::size_t max_bytes = 65536,
                                  std::size_t per_line = 16);

// "SYN ACK" from the TCP flags byte.
std::string tcp_flag_names(std::uint8_t flags);

}  // namespace maillab::viz
