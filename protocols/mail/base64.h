// Base64 (RFC 4648 §4), used by SMTP AUTH (RFC 4954) and MIME.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace maillab::mail {

std::string base64_encode(std::string_view data);

// Returns nothing when the text is not valid base64 (a client's junk must not crash us).
// Whitespace is ignored; padding is optional.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace maillab::mail
