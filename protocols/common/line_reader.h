// The line framing the three mail servers share: SMTP commands and message text (RFC 5321 §2.3.8,
// §4.5.3.1.4-6), POP3 commands (RFC 1939 §3), IMAP command lines and their literals (RFC 3501
// §2.2, §4.3). Bytes are fed as they arrive; complete lines come out one at a time.
//
// Memory stays bounded: a line longer than its limit is not kept. It is reported once, as a line
// with `too_long` set, either as soon as more than the limit is buffered (POP3 and IMAP answer at
// once) or when its line end arrives (SMTP answers after the client has finished sending it);
// the rest of it is dropped. Cost is linear in the bytes: consumed input is dropped from the
// front only when it is at least half the buffer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace maillab::common {

struct LineLimit {
  std::size_t octets = 0;        // the longest line accepted
  bool counts_line_end = false;  // the limit includes the CRLF (RFC 5321 §4.5.3.1.4 counts it)
  // Only CRLF ends a line: a bare LF is content. For message text, so that "<LF>.<LF>" cannot end
  // DATA early ("SMTP smuggling", 2023). Otherwise a bare LF from a sloppy client ends a line too.
  bool crlf_only = false;
};

class LineReader {
 public:
  enum class ReportTooLong { at_once, at_line_end };
  explicit LineReader(ReportTooLong report = ReportTooLong::at_once) : report_(report) {}

  void feed(std::string_view bytes);

  struct Line {
    // Without its line end; empty when too_long. It views the reader's buffer: valid until the
    // next call to any member (every line of a message was a string of its own before).
    std::string_view text;
    bool too_long = false;  // a line over the limit (reported once; its bytes are dropped)
  };
  // The next complete line under `limit`, or nothing until more bytes come.
  std::optional<Line> next(const LineLimit& limit);

  // Up to `count` raw bytes (an IMAP literal), fewer if fewer are buffered.
  std::string_view take(std::size_t count);

  void clear();  // drops everything buffered (after STARTTLS, at logout)
  std::size_t buffered() const { return buffer_.size() - offset_; }

 private:
  std::string_view pending() const { return std::string_view(buffer_).substr(offset_); }
  void consume(std::size_t count);

  ReportTooLong report_;
  std::string buffer_;
  std::size_t offset_ = 0;   // bytes of buffer_ already handed out
  bool discarding_ = false;  // dropping the rest of an over-long line
};

}  // namespace maillab::common
