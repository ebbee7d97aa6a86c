#pragma once
// The little RFC 5322 reading the IMAP server needs (kept here so IMAP does not depend on
// protocols/mail): splitting header and body, picking header fields for BODY[HEADER.FIELDS],
// unfolded header values for SEARCH, and the ENVELOPE structure (RFC 3501 §7.4.2).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::imap {

// The header including the blank line that ends it, and the body after it. A message without a
// blank line is all header (body empty).
std::string_view message_header(std::string_view message);
std::string_view message_text(std::string_view message);

// The header lines (with their continuation lines) whose field name is (or, with `exclude`, is
// not) in `names` (case-insensitive), followed by the blank line, as BODY[HEADER.FIELDS (...)].
std::string header_fields(std::string_view message, const std::vector<std::string>& names,
                          bool exclude);

// The first field of that name, unfolded (CRLF+WSP -> WSP), leading/trailing blanks trimmed.
std::optional<std::string> header_value(std::string_view message, std::string_view name);
// All fields of that name joined with ", " (for SEARCH over repeated headers).
std::vector<std::string> header_values(std::string_view message, std::string_view name);

// The ENVELOPE: ("date" "subject" (from) (sender) (reply-to) (to) (cc) (bcc) "in-reply-to"
// "message-id") with NIL for absent fields; sender and reply-to default to from (§7.4.2).
std::string envelope(std::string_view message);

// One address of an address list as ENVELOPE wants it (name, route, mailbox, host); a group
// start has host absent and mailbox = group name, a group end has everything absent.
struct EnvelopeAddress {
  std::optional<std::string> name;
  std::optional<std::string> mailbox;
  std::optional<std::string> host;
};
std::vector<EnvelopeAddress> parse_address_list(std::string_view value);

}  // namespace maillab::imap
