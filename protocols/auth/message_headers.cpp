#include "protocols/auth/message_headers.h"

#include "protocols/auth/domain_name.h"

namespace maillab::auth {

std::string HeaderField::value() const {
  std::size_t colon = raw.find(':');
  std::string unfolded;
  for (std::size_t i = colon == std::string::npos ? raw.size() : colon + 1; i < raw.size(); ++i) {
    if (raw[i] == '\r' || raw[i] == '\n') continue;  // unfolding removes the CRLFs only
    unfolded += raw[i];
  }
  return trim(unfolded);
}

std::string to_crlf(std::string_view message) {
  // Copied a line at a time (the usual message has no bare LF: one pass of memchr and memcpy).
  std::string converted;
  converted.reserve(message.size() + message.size() / 32);
  std::size_t start = 0;
  for (std::size_t newline = message.find('\n'); newline != std::string_view::npos;
       newline = message.find('\n', newline + 1)) {
    if (newline > 0 && message[newline - 1] == '\r') continue;
    converted.append(message, start, newline - start);
    converted += '\r';
    start = newline;
  }
  converted.append(message, start);
  return converted;
}

bool has_bare_lf(std::string_view message) {
  for (std::size_t newline = message.find('\n'); newline != std::string_view::npos;
       newline = message.find('\n', newline + 1)) {
    if (newline == 0 || message[newline - 1] != '\r') return true;
  }
  return false;
}

SplitMessage split_message_to_crlf(std::string_view message) {
  return has_bare_lf(message) ? split_message(to_crlf(message)) : split_message(message);
}

SplitMessage split_message(std::string_view message) {
  SplitMessage split;
  std::size_t position = 0;
  while (position < message.size()) {
    std::size_t end = message.find("\r\n", position);
    std::size_t next = end == std::string_view::npos ? message.size() : end + 2;
    std::string_view line = message.substr(position, next - position);
    if (line == "\r\n") {  // the empty line ends the header section
      position = next;
      split.body = std::string(message.substr(position));
      return split;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !split.headers.empty()) {
      split.headers.back().raw += line;
    } else {
      HeaderField field;
      std::size_t colon = line.find(':');
      field.name = trim(line.substr(0, colon == std::string_view::npos ? line.size() : colon));
      field.raw = std::string(line);
      split.headers.push_back(std::move(field));
    }
    position = next;
  }
  return split;
}

std::optional<std::string> mailbox_address(std::string_view mailbox) {
  // Drop comments and keep track of quoting, angle brackets and commas at the top level.
  std::string plain;
  int comment_depth = 0;
  bool quoted = false;
  int angle_open = -1, angle_close = -1, commas = 0;
  for (std::size_t i = 0; i < mailbox.size(); ++i) {
    char c = mailbox[i];
    if (quoted) {
      if (c == '\\' && i + 1 < mailbox.size()) {
        plain += mailbox[++i];
      } else if (c == '"') {
        quoted = false;
      } else {
        plain += c;
      }
      continue;
    }
    if (comment_depth > 0) {
      if (c == '\\') ++i;
      else if (c == '(') ++comment_depth;
      else if (c == ')') --comment_depth;
      continue;
    }
    if (c == '(') ++comment_depth;
    else if (c == '"') quoted = true;
    else {
      if (c == '<') angle_open = static_cast<int>(plain.size());
      if (c == '>') angle_close = static_cast<int>(plain.size());
      if (c == ',' && angle_open < 0) ++commas;
      if (c == ',' && angle_close >= 0) ++commas;
      plain += c;
    }
  }
  if (commas > 0 || quoted || comment_depth > 0) return std::nullopt;
  std::string address;
  if (angle_open >= 0) {
    if (angle_close < angle_open) return std::nullopt;
    address = plain.substr(angle_open + 1, angle_close - angle_open - 1);
  } else {
    address = plain;
  }
  address = trim(address);
  std::size_t at = address.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == address.size()) return std::nullopt;
  if (address.find_first_of(" \t") != std::string::npos) return std::nullopt;
  return address;
}

std::optional<std::string> from_domain(std::string_view message) {
  // Only the header section is read: it ends at the first empty line, CRLF or bare LF.
  std::size_t header_end = message.size();
  for (std::size_t newline = message.find('\n'); newline != std::string_view::npos;
       newline = message.find('\n', newline + 1)) {
    std::size_t next = newline + 1;
    if (next < message.size() && message[next] == '\r') ++next;
    if (next < message.size() && message[next] == '\n') {
      header_end = next + 1;
      break;
    }
  }
  SplitMessage split = split_message_to_crlf(message.substr(0, header_end));
  const HeaderField* from = nullptr;
  for (const auto& field : split.headers) {
    if (!equals_ignoring_case(field.name, "from")) continue;
    if (from) return std::nullopt;  // two From fields (RFC 5322 §3.6 allows one)
    from = &field;
  }
  if (!from) return std::nullopt;
  auto address = mailbox_address(from->value());
  if (!address) return std::nullopt;
  return normalize_domain(address->substr(address->rfind('@') + 1));
}

}  // namespace maillab::auth
