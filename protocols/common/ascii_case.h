// ASCII case folding, the one set every protocol uses: SMTP verbs and domains (RFC 5321 §2.4),
// POP3 keywords (RFC 1939 §3), IMAP atoms (RFC 3501 §9), DNS names (RFC 4343), header field names
// (RFC 5322 §1.2.2). Only A-Z and a-z change; other bytes (UTF-8 included) pass through.
#pragma once

#include <string>
#include <string_view>

namespace maillab::common {

constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);
bool equals_ignoring_case(std::string_view left, std::string_view right);
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);
// `needle` anywhere in `text` (IMAP SEARCH, RFC 3501 §6.4.4: "case-insensitive substring"); an
// empty needle is in every text.
bool contains_ignoring_case(std::string_view text, std::string_view needle);

}  // namespace maillab::common
