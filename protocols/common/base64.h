// Base64 (RFC 4648 §4), shared by SMTP and IMAP AUTH (RFC 4954, RFC 3501 §6.2.2), MIME and
// DKIM tags (RFC 6376 §3.5: whitespace inside a folded tag value is ignored).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace maillab::common {

std::string base64_encode(std::string_view data);

// Returns nothing when the text is not valid base64 (a client's junk must not crash us).
// Whitespace is ignored; padding is optional.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace maillab::common
