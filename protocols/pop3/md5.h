#pragma once
// MD5 (RFC 1321), only for APOP (RFC 1939 §7), which is defined in terms of it. Not for security.

#include <string>
#include <string_view>

namespace maillab::pop3 {

// The digest as 32 lower-case hex digits, e.g. md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e".
std::string md5_hex(std::string_view data);

}  // namespace maillab::pop3
