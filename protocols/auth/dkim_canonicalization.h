#pragma once
// DKIM canonicalization (RFC 6376 §3.4) and tag-lists (§3.2).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maillab::auth {

enum class DkimCanonicalization { simple, relaxed };
std::string to_string(DkimCanonicalization canonicalization);

// One header field, raw (name, colon, value, folding, final CRLF). The result ends in CRLF.
std::string canonicalize_header(std::string_view raw_field, DkimCanonicalization canonicalization);
// The same appended to `out` (the signed header data is one string of several fields).
void append_canonical_header(std::string& out, std::string_view raw_field, DkimCanonicalization canonicalization);
// The body (after the empty line). simple: trailing empty lines removed, "" becomes CRLF (§3.4.3);
// relaxed: trailing WSP dropped, WSP runs become one SP, trailing empty lines removed (§3.4.4).
std::string canonicalize_body(std::string_view body, DkimCanonicalization canonicalization);

// "a=b; c = d" -> [("a","b"), ("c","d")]; values keep inner FWS except at their ends.
// nullopt on a malformed list or a duplicated tag (§3.2: "MUST be treated as an error").
std::optional<std::vector<std::pair<std::string, std::string>>> parse_tag_list(std::string_view text);
// The same as views into `text`, for a reader that does not keep the tags (every signature and key
// record of every message is read once this way).
using DkimTagViews = std::vector<std::pair<std::string_view, std::string_view>>;
std::optional<DkimTagViews> parse_tag_list_views(std::string_view text);

// Removes the value of the "b=" tag from a raw DKIM-Signature field, keeping "b=" (§3.5 b=).
std::string remove_signature_value(std::string_view raw_field);

}  // namespace maillab::auth
