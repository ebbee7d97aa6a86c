// SMTP replies (RFC 5321 §4.2): a three-digit code, text lines, and the RFC 2034 / RFC 3463
// enhanced status code that prefixes each line when ENHANCEDSTATUSCODES is in use.
//   250-mx.example.org            multi-line: "-" after the code on every line but the last
//   250 2.1.0 Sender OK           the last line has a space after the code
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/result.h"

namespace maillab::smtp {

struct Reply {
  int code = 0;                    // 200-599; 0 means "no reply" (e.g. the connection dropped)
  std::string enhanced_status;     // "2.1.0", or "" when the reply has none
  std::vector<std::string> lines;  // the text of each line, without code or enhanced status

  // One line per text line, e.g. "250-2.0.0 text" ... "250 2.0.0 text", without CRLF.
  std::vector<std::string> wire_lines() const;
  std::string wire_line(std::size_t index) const;  // wire_lines()[index], without the vector
  void append_wire_line(std::string& out, std::size_t index) const;  // wire_line(index) added to `out`
  std::size_t wire_line_count() const { return lines.empty() ? 1 : lines.size(); }
  std::string to_wire() const;  // wire_lines joined with CRLF after each
  std::string text() const;     // the lines joined with a space
  // "550 5.1.1 text" on one line: for logs and the Diagnostic-Code of a bounce.
  std::string summary() const;

  bool is_positive() const { return code >= 200 && code < 300; }
  bool is_intermediate() const { return code >= 300 && code < 400; }  // 334, 354
  bool is_transient_failure() const { return code >= 400 && code < 500; }
  bool is_permanent_failure() const { return code >= 500 && code < 600; }
  bool operator==(const Reply&) const = default;
};

// A reply with one line; `enhanced_status` may be "".
Reply make_reply(int code, std::string_view enhanced_status, std::string_view text);

// Reads replies line by line (a client's view). Each call takes one line without CRLF and returns
// the reply once its last line has arrived. The enhanced status is recognised when a line starts
// with "c.s.d " whose class matches the code's first digit (RFC 2034 §4).
class ReplyParser {
 public:
  mail::ParseResult<std::optional<Reply>> handle_line(std::string_view line);
  bool in_progress() const { return !pending_.lines.empty(); }

 private:
  Reply pending_;
};

// Splits "2.1.0 text" into status and text when the status class matches `code` (else no status).
std::pair<std::string, std::string> split_enhanced_status(int code, std::string_view text);

}  // namespace maillab::smtp
