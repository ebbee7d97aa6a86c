// An IPv6 address in its canonical text form (RFC 5952 §4: lower-case hex, no leading zeros, the
// longest run of two or more zero groups shortened to "::", the first such run on a tie), the one
// form DNS (AAAA records) and SPF/DMARC (ip6: mechanisms, the %{i} macro) print.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace maillab::common {

std::string ipv6_to_text(const std::array<std::uint8_t, 16>& address);

}  // namespace maillab::common
