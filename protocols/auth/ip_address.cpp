#include "protocols/auth/ip_address.h"

#include <cstdio>
#include <vector>

#include "protocols/common/ip_text.h"

namespace maillab::auth {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a dotted quad into out[0..3].
bool parse_quad(std::string_view text, std::uint8_t* out) {
  int part = 0;
  std::size_t position = 0;
  while (part < 4) {
    std::size_t start = position;
    int value = 0;
    while (position < text.size() && is_digit(text[position])) {
      value = value * 10 + (text[position] - '0');
      if (value > 255) return false;
      ++position;
    }
    std::size_t length = position - start;
    if (length == 0 || length > 3) return false;
    if (length > 1 && text[start] == '0') return false;  // no leading zeros (RFC 7208 dec-octet)
    out[part++] = static_cast<std::uint8_t>(value);
    if (part < 4) {
      if (position >= text.size() || text[position] != '.') return false;
      ++position;
    }
  }
  return position == text.size();
}

}  // namespace

std::optional<IpAddress> IpAddress::parse_v4(std::string_view text) {
  IpAddress address;
  if (!parse_quad(text, address.bytes.data())) return std::nullopt;
  return address;
}

std::optional<IpAddress> IpAddress::parse_v6(std::string_view text) {
  // Split into groups around a single "::".
  std::vector<std::uint16_t> head, tail;
  bool seen_gap = false;
  std::size_t position = 0;
  if (text.empty()) return std::nullopt;
  if (text.substr(0, 2) == "::") {
    seen_gap = true;
    position = 2;
  } else if (text[0] == ':') {
    return std::nullopt;
  }
  std::uint8_t quad[4];
  bool has_quad = false;
  while (position < text.size()) {
    auto& groups = seen_gap ? tail : head;
    // A trailing dotted quad takes the last 32 bits.
    std::size_t next_colon = text.find(':', position);
    std::string_view piece = text.substr(position, next_colon == std::string_view::npos ? std::string_view::npos
                                                                                        : next_colon - position);
    if (next_colon == std::string_view::npos && piece.find('.') != std::string_view::npos) {
      if (!parse_quad(piece, quad)) return std::nullopt;
      has_quad = true;
      position = text.size();
      break;
    }
    if (piece.empty() || piece.size() > 4) return std::nullopt;
    std::uint16_t value = 0;
    for (char c : piece) {
      int digit = hex_value(c);
      if (digit < 0) return std::nullopt;
      value = static_cast<std::uint16_t>(value * 16 + digit);
    }
    groups.push_back(value);
    position += piece.size();
    if (position == text.size()) break;
    ++position;  // the ':'
    if (position < text.size() && text[position] == ':') {
      if (seen_gap) return std::nullopt;
      seen_gap = true;
      ++position;
    } else if (position == text.size()) {
      return std::nullopt;  // trailing single ':'
    }
  }
  std::size_t total = head.size() + tail.size() + (has_quad ? 2 : 0);
  if (seen_gap ? total > 7 : total != 8) return std::nullopt;
  IpAddress address;
  address.is_v6 = true;
  std::size_t index = 0;
  for (auto group : head) {
    address.bytes[index++] = static_cast<std::uint8_t>(group >> 8);
    address.bytes[index++] = static_cast<std::uint8_t>(group & 0xff);
  }
  index = 16 - tail.size() * 2 - (has_quad ? 4 : 0);
  for (auto group : tail) {
    address.bytes[index++] = static_cast<std::uint8_t>(group >> 8);
    address.bytes[index++] = static_cast<std::uint8_t>(group & 0xff);
  }
  if (has_quad) {
    for (int i = 0; i < 4; ++i) address.bytes[12 + i] = quad[i];
  }
  return address;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) return parse_v6(text);
  return parse_v4(text);
}

IpAddress IpAddress::unmapped() const {
  if (!is_v6) return *this;
  for (int i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return *this;
  }
  if (bytes[10] != 0xff || bytes[11] != 0xff) return *this;
  IpAddress v4;
  for (int i = 0; i < 4; ++i) v4.bytes[i] = bytes[12 + i];
  return v4;
}

bool IpAddress::matches(const IpAddress& other, int prefix_length) const {
  if (is_v6 != other.is_v6) return false;
  int bits = is_v6 ? 128 : 32;
  if (prefix_length > bits) prefix_length = bits;
  for (int bit = 0; bit < prefix_length; ++bit) {
    int mask = 0x80 >> (bit % 8);
    if ((bytes[bit / 8] & mask) != (other.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

std::string IpAddress::to_string() const {
  char buffer[64];
  if (!is_v6) {
    std::snprintf(buffer, sizeof buffer, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
    return buffer;
  }
  return common::ipv6_to_text(bytes);
}

std::string IpAddress::to_dotted_form(bool upper_case) const {
  if (!is_v6) return to_string();
  const char* digits = upper_case ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string text;
  for (int i = 0; i < 16; ++i) {
    if (!text.empty()) text += '.';
    text += digits[bytes[i] >> 4];
    text += '.';
    text += digits[bytes[i] & 0xf];
  }
  return text;
}

std::string IpAddress::reverse_name() const {
  std::string dotted = to_dotted_form();
  std::vector<std::string> labels(1);
  for (char c : dotted) {
    if (c == '.') labels.emplace_back();
    else labels.back() += c;
  }
  std::string reversed;
  for (auto label = labels.rbegin(); label != labels.rend(); ++label) reversed += *label + ".";
  return reversed + (is_v6 ? "ip6.arpa" : "in-addr.arpa");
}

}  // namespace maillab::auth
