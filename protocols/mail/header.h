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

// The header fields of a section as views into it, read by the same scanner as parse_headers
// (ok() exactly when parse_headers succeeds, the same fields and values), for a host that asks a
// received message a few questions (its Received count, Subject, a tracking field): one vector
// for the whole section, where parse_headers makes a string per name and value. A value is
// unfolded and trimmed only when asked for. The section must outlive the index.
class HeaderIndex {
 public:
  explicit HeaderIndex(std::string_view section);

  bool ok() const { return ok_; }
  // As Headers::get, get_all and contains; nothing (none, false) when the section did not parse.
  std::optional<std::string> get(std::string_view name) const;
  std::vector<std::string> get_all(std::string_view name) const;
  bool contains(std::string_view name) const;
  std::size_t count(std::string_view name) const;

 private:
  struct Field {
    std::string_view name;   // trimmed, as parse_headers names it
    std::string_view lines;  // after the colon, through the end of its last continuation line
  };
  static std::string value_of(const Field& field);  // unfolded and trimmed (parse_headers' value)

  std::vector<Field> fields_;
  bool ok_ = false;
};

}  // namespace maillab::mail
