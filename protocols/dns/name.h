#pragma once
// A domain name as a small value type (RFC 1035 §2.3.4, §3.1).
//
// Labels are kept exactly as given (case-preserving, any octet allowed); comparison is
// case-insensitive for ASCII letters only (RFC 4343 §3). A Name is always absolute; the root
// has no labels. Construction enforces label <= 63 octets and name <= 255 octets on the wire.
//
// A Name holds its labels in one string, in their wire form without the final root octet
// ("\4mail\7example\3org"): one allocation or none (short names fit the string's own buffer)
// where a vector of labels made one per label and one for the vector, and every DNS message a
// world decodes, caches and answers is made of names. Parent, suffix and equality tests are then
// comparisons of byte ranges, and the wire encoder copies the bytes as they are.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/dns/result.h"

namespace maillab::dns {

class Name {
 public:
  static constexpr std::size_t max_label_length = 63;   // RFC 1035 §2.3.4
  static constexpr std::size_t max_wire_length = 255;   // RFC 1035 §2.3.4, including the root octet

  Name() noexcept : count_(0) {}  // the root, "."

  // Presentation form: "mail.example.org." (absolute) or "mail" (relative: origin is appended).
  // Understands \. and \DDD escapes (RFC 1035 §5.1). "@" alone means the origin.
  static Result<Name> from_text(std::string_view text, const Name& origin = Name());
  static Result<Name> from_labels(const std::vector<std::string>& labels);
  // From the uncompressed wire form of the labels without the root octet (what wire_labels()
  // gives): each label as its length octet and its octets.
  static Result<Name> from_wire_labels(std::string wire);
  // For constants in code and tests: throws std::invalid_argument on a malformed name.
  static Name literal(std::string_view text);

  // The labels, leftmost first ({"mail", "example", "org"}).
  std::vector<std::string> labels() const;
  // The labels in their wire form, without the root octet: "\4mail\7example\3org".
  std::string_view wire_labels() const { return wire_; }
  std::size_t label_count() const { return count_; }
  bool is_root() const { return count_ == 0; }
  std::size_t wire_length() const { return wire_.size() + 1; }  // uncompressed, root octet included

  // "mail.example.org." with a trailing dot; "." for the root; odd octets escaped.
  std::string to_text() const;
  // The same without the trailing dot ("mail.example.org"), "." for the root: for one-line summaries.
  std::string to_short_text() const;

  Name parent() const;                    // drops the leftmost label; the root's parent is the root
  Result<Name> prepend(std::string_view label) const;
  Name lowercase() const;
  bool is_subdomain_of(const Name& ancestor) const;  // true when equal, too
  Name first_labels(std::size_t count) const;        // keeps the `count` rightmost labels

  friend bool operator==(const Name& left, const Name& right);
  // RFC 4034 §6.1 canonical order: compare labels from the right, case-folded.
  friend std::strong_ordering operator<=>(const Name& left, const Name& right);

 private:
  Name(std::string wire, std::size_t count) : wire_(std::move(wire)), count_(static_cast<std::uint8_t>(count)) {}
  // Where the labels after the first `skip` ones start in wire_.
  std::size_t offset_after(std::size_t skip) const;

  std::string wire_;         // length-prefixed labels, leftmost first, no root octet
  std::uint8_t count_;       // at most 127 labels fit in 255 octets
};

// Escapes one label for presentation (RFC 1035 §5.1).
std::string escape_label(std::string_view label);

// The name reverse DNS looks up for an IPv4 address (RFC 1035 §3.5), host byte order in:
// 10.0.3.25 -> "25.3.0.10.in-addr.arpa." (the octets backwards under in-addr.arpa).
std::string reverse_pointer_name(std::uint32_t ipv4);

}  // namespace maillab::dns
