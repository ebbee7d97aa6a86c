// Small text helpers shared by the mail and SMTP code: ASCII case folding, trimming, CRLF lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocols/common/ascii_case.h"

namespace maillab::mail {

using common::equals_ignoring_case;  // ASCII case, one set for every protocol (protocols/common)
using common::starts_with_ignoring_case;
using common::to_lower;
using common::to_upper;
std::string_view trim(std::string_view text);  // spaces and tabs (RFC 5322 WSP) and CR/LF

// Rewrites every line ending (CRLF, bare LF, bare CR) as CRLF: the canonical form of RFC 5322 §2.1.
std::string to_crlf(std::string_view text);
// Whether every line ending is already CRLF (no bare LF, no bare CR): to_crlf would give the
// text back unchanged, so a caller that owns the text may keep it and skip the copy.
bool is_crlf(std::string_view text);

// Splits on CRLF (or bare LF); the last line is kept even without a line ending.
std::vector<std::string> split_lines(std::string_view text);

}  // namespace maillab::mail
