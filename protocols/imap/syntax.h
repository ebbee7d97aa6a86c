#pragma once
// IMAP4rev1 syntax shared by the server and client sessions (RFC 3501 §4, §9): parsing a command
// or response into values (atoms, quoted strings, literals, parenthesized lists), writing strings
// back (quoted or as a literal), and sequence sets ("1:*", "2,4:6", "*").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/common/ascii_case.h"

namespace maillab::imap {

struct Value {
  enum class Kind { atom, string, list };
  Kind kind = Kind::atom;
  std::string text;          // atom text, or the string's content (quotes/escapes removed)
  std::vector<Value> items;  // for a list
  bool literal = false;      // the string came as a {n} literal

  bool is_atom() const { return kind == Kind::atom; }
  bool is_list() const { return kind == Kind::list; }
  // An atom or a string (IMAP "astring"). NIL is an atom.
  bool is_astring() const { return kind != Kind::list; }
  bool is_nil() const;
  // Atom text upper-cased (for keywords); "" for strings and lists.
  std::string keyword() const;
};

// Parses space-separated values. Literals appear in `text` as "{n}\r\n" followed by n bytes
// (also "{n+}\r\n", RFC 7888). An atom may contain a "[...]" section with spaces and parentheses
// inside, as in BODY[HEADER.FIELDS (FROM)]<0.100>. Returns nullopt and sets *error on bad syntax,
// and on lists nested deeper than `max_depth` (the parser recurses once per level).
inline constexpr std::size_t max_list_depth = 100;
std::optional<std::vector<Value>> parse_values(std::string_view text, std::string* error,
                                               std::size_t max_depth = max_list_depth);

// If `line` (without CRLF) ends with a literal marker "{n}" or "{n+}", returns n and sets
// *non_synchronizing; else nullopt. Sizes over 4 GiB are refused (nullopt, *too_large = true).
std::optional<std::uint64_t> trailing_literal(std::string_view line, bool* non_synchronizing,
                                              bool* too_large = nullptr);

// A string as an IMAP quoted string when safe ("a \"b\""), otherwise a literal "{n}\r\n...".
std::string quote_string(std::string_view text);
// NIL when absent, else quote_string().
std::string nstring(const std::optional<std::string>& text);
// A mailbox name or other astring: a bare atom when possible, else quote_string().
std::string astring(std::string_view text);
// Always a literal: "{n}\r\n" + bytes (used for message data).
std::string literal(std::string_view bytes);

// A sequence set: ranges with 0 standing for "*" (RFC 3501 §9 sequence-set).
struct SequenceRange {
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};
using SequenceSet = std::vector<SequenceRange>;
std::optional<SequenceSet> parse_sequence_set(std::string_view text);
// Whether `number` is in the set when "*" means `largest`. A range is unordered (4:2 == 2:4).
bool sequence_contains(const SequenceSet& set, std::uint32_t number, std::uint32_t largest);
// "1:3,5" from sorted numbers (for the client).
std::string format_sequence_set(const std::vector<std::uint32_t>& sorted_numbers);

// RFC 3501 date-time "17-Jul-1996 02:44:25 +0000" from seconds since the epoch (UTC).
std::string format_date_time(std::int64_t seconds);
// Parses "d-Mon-yyyy" (SEARCH dates) to days since the epoch.
std::optional<std::int64_t> parse_date_days(std::string_view text);
// Parses "dd-Mon-yyyy hh:mm:ss +zzzz" (APPEND) to seconds since the epoch.
std::optional<std::int64_t> parse_date_time(std::string_view text);

using common::to_lower;  // ASCII case (protocols/common)
using common::to_upper;

}  // namespace maillab::imap
