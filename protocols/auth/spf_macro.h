#pragma once
// SPF macro strings (RFC 7208 §7): "%{ir}.%{v}._spf.%{d2}" and friends.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "protocols/auth/ip_address.h"

namespace maillab::auth {

enum class SpfMacroMode {
  domain_spec,  // letters s l o d i p h v
  explanation,  // also c r t (RFC 7208 §7.3), and spaces are literal text
};

struct SpfMacroContext {
  std::string sender;       // %{s}: local-part@domain
  std::string local_part;   // %{l}
  std::string sender_domain;  // %{o}
  std::string domain;       // %{d}: the domain being checked now
  IpAddress ip;             // %{i} %{c} %{v}
  std::string helo;         // %{h}
  std::string receiver = "unknown";  // %{r}
  std::int64_t timestamp = 0;        // %{t}, seconds since the epoch
  // %{p}: the validated name of ip (RFC 7208 §5.5); may need DNS, so it is asked only when used.
  std::function<std::string()> validated_name;
};

// Empty when text is a well-formed macro-string for mode, otherwise why not.
std::string validate_macro_string(std::string_view text, SpfMacroMode mode);

// Expands a macro-string that validate_macro_string accepted.
std::string expand_macro_string(std::string_view text, SpfMacroMode mode, const SpfMacroContext& context);

// Expands a domain-spec and makes it a query name: trailing dot removed, lower-cased, and labels
// dropped from the left until it fits in 253 octets (RFC 7208 §7.3).
std::string expand_domain_spec(std::string_view text, const SpfMacroContext& context);

}  // namespace maillab::auth
