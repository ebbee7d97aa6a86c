// RFC 5322 §2.2 header fields: case-insensitive names, order preserved, folding and unfolding.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/result.h"

namespace maillab::mail {

struct HeaderField {
  std::string name;   // as written, e.g. "Subject"
  std::string value;  // unfolded (RFC 5322 §2.2.3), without the whitespace after the colon
};

// Lines are folded at whitespace to stay within 78 characters where possible (RFC 5322 §2.1.1).
constexpr std::size_t recommended_line_length = 78;

// "Name: value" folded to `width` columns, ending with CRLF. Folding inserts CRLF before existing
// whitespace only, so unfolding gives the value back unchanged (round trip).
std::string fold_header_line(std::string_view name, std::string_view value,
                             std::size_t width = recommended_line_length);

// Removes every CRLF that is followed by whitespace (RFC 5322 §2.2.3).
std::string unfold(std::string_view text);

class Headers {
 public:
  // Adds at the bottom (normal order for a new message).
  void append(std::string_view name, std::string_view value);
  // Adds at the top: trace fields such as Received (RFC 5321 §4.4) and Authentication-Results
  // (RFC 8601 §5) are prepended by each host that handles the message.
  void prepend(std::string_view name, std::string_view value);
  // Replaces the first field with this name (removing the others), or appends.
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);

  bool contains(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;  // first match
  std::vector<std::string> get_all(std::string_view name) const;
  const std::vector<HeaderField>& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }

  // Every field folded, each ending with CRLF (no blank line after them).
  std::string serialize() const;

 private:
  std::vector<HeaderField> fields_;
};

// Parses a header section (without the blank line), unfolding continuation lines. CRLF or bare LF.
ParseResult<Headers> parse_headers(std::string_view section);

}  // namespace maillab::mail
