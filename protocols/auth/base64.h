#pragma once
// Base64 (RFC 4648 §4) for DKIM's bh=, b= and p= tags.

#include <optional>
#include <string>
#include <string_view>

namespace maillab::auth {

std::string base64_encode(std::string_view bytes);
// Ignores whitespace (tag values may be folded, RFC 6376 §3.5); nullopt on other bad characters.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace maillab::auth
