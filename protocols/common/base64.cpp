#include "protocols/common/base64.h"

namespace maillab::common {

namespace {
constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int decode_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view data) {
  std::string result;
  result.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned value = (static_cast<unsigned char>(data[i]) << 16) |
                     (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
    result += alphabet[(value >> 18) & 63];
    result += alphabet[(value >> 12) & 63];
    result += alphabet[(value >> 6) & 63];
    result += alphabet[value & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest == 1) {
    unsigned value = static_cast<unsigned char>(data[i]) << 16;
    result += alphabet[(value >> 18) & 63];
    result += alphabet[(value >> 12) & 63];
    result += "==";
  } else if (rest == 2) {
    unsigned value = (static_cast<unsigned char>(data[i]) << 16) |
                     (static_cast<unsigned char>(data[i + 1]) << 8);
    result += alphabet[(value >> 18) & 63];
    result += alphabet[(value >> 12) & 63];
    result += alphabet[(value >> 6) & 63];
    result += '=';
  }
  return result;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string result;
  result.reserve(text.size() / 4 * 3 + 3);  // at most 3 octets for every 4 characters (RFC 4648 §4)
  unsigned accumulator = 0;
  int bits = 0;
  int padding = 0;
  std::size_t digits = 0;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return std::nullopt;  // data after padding
    int digit = decode_digit(c);
    if (digit < 0) return std::nullopt;
    ++digits;
    accumulator = (accumulator << 6) | static_cast<unsigned>(digit);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      result += static_cast<char>((accumulator >> bits) & 0xFF);
    }
  }
  if (padding > 2 || digits % 4 == 1) return std::nullopt;
  if (padding > 0 && (digits + static_cast<std::size_t>(padding)) % 4 != 0) return std::nullopt;
  return result;
}

}  // namespace maillab::common
