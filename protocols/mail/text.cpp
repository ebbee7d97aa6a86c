#include "protocols/mail/text.h"

#include <cstring>

namespace maillab::mail {

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string to_crlf(std::string_view text) {
  // A line at a time: memchr finds each line end and the bytes between are copied in one go, so
  // a message already in CRLF form (the usual case: it is converted at every hand-over) costs two
  // scans and one copy, not a branch and an append per character.
  std::string result;
  result.reserve(text.size() + text.size() / 32);
  const char* p = text.data();
  const char* const end = p + text.size();
  auto find = [end](const char* from, const char* to, char c) {
    if (from == to) return end;  // memchr may not be given a null pointer, even for no bytes
    const void* found = std::memchr(from, c, static_cast<std::size_t>(to - from));
    return found ? static_cast<const char*>(found) : end;
  };
  const char* cr = find(p, end, '\r');  // the next CR at or after p; end when there is none
  while (p < end) {
    if (cr < p) cr = find(p, end, '\r');
    const char* lf = find(p, cr, '\n');  // a LF before that CR; `end` when none
    const char* line_end = lf < cr ? lf : cr;
    result.append(p, line_end);
    if (line_end == end) break;
    result += "\r\n";
    p = line_end + 1;
    if (*line_end == '\r' && p < end && *p == '\n') ++p;  // CRLF: one line end, not two
  }
  return result;
}

bool is_crlf(std::string_view text) {
  // memchr over the CRs, then the LFs: each CR must have its LF right after it, and every LF a
  // CR right before it; two scans at memchr speed, no copy.
  const char* const begin = text.data();
  const char* const end = begin + text.size();
  std::size_t crs = 0;
  for (const char* p = begin; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, '\r', static_cast<std::size_t>(end - p)));
    if (!p) break;
    if (p + 1 == end || p[1] != '\n') return false;
    ++crs;
  }
  std::size_t lfs = 0;
  for (const char* p = begin; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (!p) break;
    ++lfs;
  }
  return crs == lfs;  // every CR is followed by a LF, so equal counts leave no bare LF
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.emplace_back(text.substr(start));
      break;
    }
    std::size_t content_end = (end > start && text[end - 1] == '\r') ? end - 1 : end;
    lines.emplace_back(text.substr(start, content_end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace maillab::mail
