#include "protocols/common/ip_text.h"

#include <cstdio>

namespace maillab::common {

std::string ipv6_to_text(const std::array<std::uint8_t, 16>& address) {
  std::array<unsigned, 8> groups{};
  for (int index = 0; index < 8; ++index)
    groups[index] = (static_cast<unsigned>(address[2 * index]) << 8) | address[2 * index + 1];
  // RFC 5952 §4.2: shorten the longest run (first if tied) of two or more zero groups.
  int best_start = -1, best_length = 0;
  for (int index = 0; index < 8;) {
    if (groups[index] != 0) {
      ++index;
      continue;
    }
    int start = index;
    while (index < 8 && groups[index] == 0) ++index;
    if (index - start > best_length && index - start >= 2) {
      best_start = start;
      best_length = index - start;
    }
  }
  std::string text;
  char buffer[8];
  for (int index = 0; index < 8; ++index) {
    if (index == best_start) {
      text += "::";
      index += best_length - 1;
      continue;
    }
    if (!text.empty() && text.back() != ':') text += ':';
    std::snprintf(buffer, sizeof buffer, "%x", groups[index]);
    text += buffer;
  }
  return text;
}

}  // namespace maillab::common
