#include "protocols/common/line_reader.h"

#include <algorithm>

namespace maillab::common {

void LineReader::feed(std::string_view bytes) {
  if (offset_ > 0 && offset_ * 2 >= buffer_.size()) {  // amortized: never more moved than consumed
    buffer_.erase(0, offset_);
    offset_ = 0;
  }
  buffer_.append(bytes);
}

// Lines handed out view the buffer, so consumed bytes are dropped only on the next call.
void LineReader::consume(std::size_t count) { offset_ += count; }

void LineReader::clear() {
  buffer_.clear();
  offset_ = 0;
}

std::string_view LineReader::take(std::size_t count) {
  const std::size_t size = std::min(count, buffered());
  const std::string_view bytes = pending().substr(0, size);
  offset_ += size;  // not consume(): the view must stay valid until the next call
  return bytes;
}

std::optional<LineReader::Line> LineReader::next(const LineLimit& limit) {
  if (offset_ == buffer_.size()) clear();  // the last line handed out is no longer needed
  while (true) {
    const std::string_view available = pending();
    std::size_t newline = std::string_view::npos;  // index of the LF that ends the line
    if (limit.crlf_only) {
      const std::size_t crlf = available.find("\r\n");
      if (crlf != std::string_view::npos) newline = crlf + 1;
    } else {
      newline = available.find('\n');
    }
    if (newline == std::string_view::npos) {
      if (available.size() <= limit.octets) return std::nullopt;
      // Already too long: drop what we have. A CR at the end may start the CRLF we look for.
      const bool keep_cr = available.back() == '\r';
      clear();
      if (keep_cr) buffer_.push_back('\r');
      if (discarding_) return std::nullopt;
      discarding_ = true;
      if (report_ == ReportTooLong::at_once) return Line{"", true};
      return std::nullopt;
    }
    const std::size_t content_end = (newline > 0 && available[newline - 1] == '\r') ? newline - 1 : newline;
    const std::size_t length = limit.counts_line_end ? newline + 1 : content_end;
    const std::string_view text = available.substr(0, content_end);
    consume(newline + 1);
    if (discarding_) {
      discarding_ = false;
      if (report_ == ReportTooLong::at_once) continue;  // its report went out already
      return Line{"", true};
    }
    if (length > limit.octets) return Line{"", true};
    return Line{text, false};
  }
}

}  // namespace maillab::common
