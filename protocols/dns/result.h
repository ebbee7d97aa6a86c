#pragma once
// A value-or-error result for everything that reads untrusted input (bytes from a peer, zone text).
// Errors carry a message and, for wire decoding, the byte offset where the problem was found.

#include <cassert>
#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace maillab::dns {

struct Error {
  std::string message;
  std::size_t offset = 0;  // byte offset into the message (wire decoding) or line number (zone text)
  // The problem is in an OPT record (RFC 6891 §7: a FORMERR for it carries an OPT record, so the
  // asker can tell "EDNS is broken" from "EDNS is not implemented").
  bool in_edns = false;

  std::string describe() const { return message + " (at offset " + std::to_string(offset) + ")"; }
};

template <typename Value>
class Result {
 public:
  Result(Value value) : content_(std::move(value)) {}
  Result(Error error) : content_(std::move(error)) {}

  bool ok() const { return content_.index() == 0; }
  explicit operator bool() const { return ok(); }

  Value& value() & { assert(ok()); return std::get<0>(content_); }
  const Value& value() const& { assert(ok()); return std::get<0>(content_); }
  Value&& value() && { assert(ok()); return std::get<0>(std::move(content_)); }
  const Error& error() const { assert(!ok()); return std::get<1>(content_); }

 private:
  std::variant<Value, Error> content_;
};

inline Error make_error(std::string message, std::size_t offset = 0) {
  return Error{std::move(message), offset, false};
}

}  // namespace maillab::dns
