#include "engine/net/address.h"

#include <charconv>

namespace maillab::engine {

std::string format_address(Address address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

std::optional<Address> parse_address(std::string_view text) {
  Address result = 0;
  std::size_t position = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (position >= text.size() || text[position] != '.') return std::nullopt;
      ++position;
    }
    const std::size_t start = position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') ++position;
    const std::size_t length = position - start;
    // One to three digits, no leading zeros (they read as octal in some tools: reject, not guess).
    if (length == 0 || length > 3 || (length > 1 && text[start] == '0')) return std::nullopt;
    unsigned value = 0;
    std::from_chars(text.data() + start, text.data() + position, value);
    if (value > 255) return std::nullopt;
    result = (result << 8) | value;
  }
  if (position != text.size()) return std::nullopt;
  return result;
}

std::string format_endpoint(const Endpoint& endpoint) {
  return format_address(endpoint.address) + ":" + std::to_string(endpoint.port);
}

std::string_view protocol_for_port(std::uint16_t port) {
  switch (port) {
    case 53: return "DNS";
    case 25:
    case 465:
    case 587: return "SMTP";
    case 110:
    case 995: return "POP3";
    case 143:
    case 993: return "IMAP";
    default: return "";
  }
}

}  // namespace maillab::engine
