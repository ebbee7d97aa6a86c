#pragma once
// A minimal RFC 5322 header reader for the checks in this folder: split a raw message into its
// header fields and body, unfold values, and find the From domain. (protocols/mail has the full
// message model; this one is kept separate so protocols/auth stands alone.)

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::auth {

struct HeaderField {
  std::string name;  // as written, e.g. "Subject"
  std::string raw;   // the whole field exactly as in the message, folding and final CRLF included
  std::string value() const;  // unfolded (RFC 5322 §2.2.3), without the name, colon and ends' whitespace
};

struct SplitMessage {
  std::vector<HeaderField> headers;  // in message order
  std::string body;                  // everything after the empty line
};

// Bare LF line endings become CRLF (DKIM is defined over CRLF lines, RFC 6376 §5.3).
std::string to_crlf(std::string_view message);
// Whether to_crlf would change the text; when not, callers use the text as it is and skip a copy.
bool has_bare_lf(std::string_view message);
SplitMessage split_message(std::string_view message);  // expects CRLF; call to_crlf first if unsure
// split_message(to_crlf(message)) without the intermediate copy when there is no bare LF.
SplitMessage split_message_to_crlf(std::string_view message);

// The domain of the single address in the RFC5322.From field, lower-cased ("example.com" from
// "Joe <joe@Example.COM>"). nullopt when there is no From, several, or several addresses (RFC 7489
// §6.6.1 leaves those to local policy; we reject them).
std::optional<std::string> from_domain(std::string_view message);
// The address part of a mailbox: "Joe <joe@example.com>" -> "joe@example.com". Comments and
// quoted display names are skipped.
std::optional<std::string> mailbox_address(std::string_view mailbox);

}  // namespace maillab::auth
