#pragma once
// IPv4/IPv6 addresses as SPF needs them (RFC 7208 §5.6 matching, §7.3 macro forms).
// Written here, not with inet_pton, because protocols/auth uses only std and OpenSSL.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillab::auth {

struct IpAddress {
  bool is_v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4

  // Dotted quad without leading zeros (RFC 7208 ip4-network), or RFC 4291 text (with an optional
  // trailing dotted quad). nullopt when malformed.
  static std::optional<IpAddress> parse(std::string_view text);
  static std::optional<IpAddress> parse_v4(std::string_view text);
  static std::optional<IpAddress> parse_v6(std::string_view text);

  // ::ffff:a.b.c.d becomes a.b.c.d (RFC 7208 §5: treat IPv4-mapped addresses as IPv4).
  IpAddress unmapped() const;
  // True when the first prefix_length bits equal other's (both of the same family).
  bool matches(const IpAddress& other, int prefix_length) const;
  // "192.0.2.1", or the compressed RFC 5952 form "2001:db8::1".
  std::string to_string() const;
  // Macro form for %{i}: dotted quad, or 32 dot-separated nibbles (RFC 7208 §7.3). The openspf
  // suite expects upper-case nibbles in %{i} (the RFC's examples show lower case; DNS ignores it).
  std::string to_dotted_form(bool upper_case = false) const;
  // "1.2.0.192.in-addr.arpa" or the nibble form under ip6.arpa.
  std::string reverse_name() const;
  bool operator==(const IpAddress&) const = default;
};

}  // namespace maillab::auth
