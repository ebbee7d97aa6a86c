#pragma once
// Small domain-name helpers shared by SPF, DKIM and DMARC.

#include <string>
#include <string_view>
#include <vector>

#include "protocols/common/ascii_case.h"

namespace maillab::auth {

using common::to_lower;  // ASCII case (protocols/common)
using common::equals_ignoring_case;
// Lower-cased, one trailing dot removed.
std::string normalize_domain(std::string_view domain);
// RFC 7208 §4.3: a fully qualified name — at least two labels, none empty or longer than 63
// octets, 253 octets at most, not a domain literal.
bool is_valid_fqdn(std::string_view domain);
// True when name equals domain or is below it (case-insensitive, no trailing dots).
bool is_same_or_subdomain(std::string_view name, std::string_view domain);
std::vector<std::string> split_labels(std::string_view domain);
std::string trim(std::string_view text);  // removes spaces, tabs, CR and LF at both ends
std::string_view trim_view(std::string_view text);  // the same, as a view into `text`

}  // namespace maillab::auth
