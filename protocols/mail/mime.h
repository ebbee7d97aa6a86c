// Just enough MIME (RFC 2045/2046) to build and read multipart/report bounces: Content-Type
// parameters and splitting a multipart body at its boundary.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/mail/header.h"
#include "protocols/mail/result.h"

namespace maillab::mail {

struct ContentType {
  std::string type = "text";     // lowercased
  std::string subtype = "plain";  // lowercased
  std::vector<std::pair<std::string, std::string>> parameters;  // names lowercased, values unquoted

  std::string media_type() const { return type + "/" + subtype; }
  std::string parameter(std::string_view name) const;  // "" when absent
};

// RFC 2045 §5.1. A missing or unreadable value gives the default text/plain (RFC 2045 §5.2).
ContentType parse_content_type(std::string_view value);

struct MimePart {
  Headers headers;
  std::string body;  // CRLF line endings, without the CRLF that belongs to the next boundary
};

// The parts between "--boundary" lines (RFC 2046 §5.1.1); preamble and epilogue are dropped.
ParseResult<std::vector<MimePart>> split_multipart(std::string_view body, std::string_view boundary);

}  // namespace maillab::mail
