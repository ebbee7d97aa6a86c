// IPv4 addresses and transport endpoints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillab::engine {

using Address = std::uint32_t;  // IPv4, host byte order

std::string format_address(Address address);                 // "10.0.0.1"
std::optional<Address> parse_address(std::string_view text);  // nullopt unless dotted quad

struct Endpoint {
  Address address = 0;
  std::uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
  auto operator<=>(const Endpoint&) const = default;
};

std::string format_endpoint(const Endpoint& endpoint);  // "10.0.0.1:25"

// The application protocol a port carries, for trace records and colours:
// 53 DNS, 25/465/587 SMTP, 110/995 POP3, 143/993 IMAP; otherwise "".
std::string_view protocol_for_port(std::uint16_t port);

}  // namespace maillab::engine
