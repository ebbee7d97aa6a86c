// An RFC 5322 message: a header section and a body with CRLF line endings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/address.h"
#include "protocols/mail/header.h"
#include "protocols/mail/result.h"

namespace maillab::mail {

class Message {
 public:
  Headers headers;
  std::string body;  // CRLF line endings (RFC 5322 §2.3); may be empty

  // Header section, blank line, body. Long header lines are folded at 78 columns.
  std::string serialize() const;

  // Accessors over the headers. Address fields that do not parse give an empty list (use
  // parse_address_list on headers.get(...) to see the error).
  std::vector<Address> from() const { return addresses("From"); }
  std::vector<Address> to() const { return addresses("To"); }
  std::vector<Address> cc() const { return addresses("Cc"); }
  std::string subject() const { return headers.get("Subject").value_or(""); }
  std::string message_id() const { return headers.get("Message-ID").value_or(""); }
  std::string date() const { return headers.get("Date").value_or(""); }
  void set_subject(std::string_view subject) { headers.set("Subject", subject); }

  std::vector<Address> addresses(std::string_view field_name) const;
};

// Parses a message (CRLF or bare LF line endings; the body is stored with CRLF). The header
// section ends at the first empty line; a message without one is all headers.
ParseResult<Message> parse_message(std::string_view text);

// The header section of raw message bytes (up to, not including, the blank line), unchanged.
std::string_view header_section(std::string_view message_bytes);

// Inserts a folded "Name: value" line at the very top of raw message bytes (how an MTA adds
// Received, RFC 5321 §4.4, without re-serializing the message it relays).
std::string prepend_header(std::string_view message_bytes, std::string_view name, std::string_view value);

}  // namespace maillab::mail
