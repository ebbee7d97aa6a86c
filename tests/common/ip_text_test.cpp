#include <catch2/catch.hpp>

#include "protocols/common/ip_text.h"

using maillab::common::ipv6_to_text;

namespace {

std::array<std::uint8_t, 16> groups(std::initializer_list<std::uint16_t> values) {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t at = 0;
  for (auto value : values) {
    bytes[at++] = static_cast<std::uint8_t>(value >> 8);
    bytes[at++] = static_cast<std::uint8_t>(value & 0xff);
  }
  return bytes;
}

}  // namespace

TEST_CASE("IPv6 text is RFC 5952's canonical form", "[common][ip_text]") {
  CHECK(ipv6_to_text(groups({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1})) == "2001:db8::1");
  CHECK(ipv6_to_text(groups({0, 0, 0, 0, 0, 0, 0, 0})) == "::");
  CHECK(ipv6_to_text(groups({0, 0, 0, 0, 0, 0, 0, 1})) == "::1");
  CHECK(ipv6_to_text(groups({0xfe80, 0, 0, 0, 0, 0, 0, 0})) == "fe80::");
  // §4.2.2: one zero group is not shortened; §4.2.3: the longest run, the first on a tie.
  CHECK(ipv6_to_text(groups({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1})) == "2001:db8:0:1:1:1:1:1");
  CHECK(ipv6_to_text(groups({0x2001, 0, 0, 1, 0, 0, 0, 1})) == "2001:0:0:1::1");
  CHECK(ipv6_to_text(groups({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1})) == "2001:db8::1:0:0:1");
  // §4.3: lower case, no leading zeros.
  CHECK(ipv6_to_text(groups({0x2001, 0x0DB8, 0xABCD, 0x000F, 0, 0, 0, 0x0A})) == "2001:db8:abcd:f::a");
}
