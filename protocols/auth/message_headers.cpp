#include "protocols/auth/message_headers.h"

#include <algorithm>

#include "protocols/auth/domain_name.h"

namespace maillab::auth {

std::string HeaderField::value() const { return unfolded_value(raw); }

std::string unfolded_value(std::string_view raw_field) {
  const std::size_t colon = raw_field.find(':');
  // Trimming first gives the same ends: CR and LF are among the octets trim removes.
  std::string_view rest = trim_view(raw_field.substr(colon == std::string_view::npos ? raw_field.size() : colon + 1));
  std::string unfolded;
  unfolded.reserve(rest.size());
  while (!rest.empty()) {  // unfolding removes the CRs and LFs only: the text between them goes whole
    std::size_t line_break = 0;
    while (line_break < rest.size() && rest[line_break] != '\r' && rest[line_break] != '\n') ++line_break;
    unfolded.append(rest.data(), line_break);
    rest.remove_prefix(std::min(line_break + 1, rest.size()));
  }
  return unfolded;
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

namespace {

// Calls visit(name, raw) for each header field of a CRLF message, in order: the name trimmed,
// the raw field with its folded lines and final CRLF (a line that starts with SP or HTAB continues
// the field above, RFC 5322 §2.2.3). Returns where the body starts, after the empty line, or npos
// when there is none. Both are views into `message`: split_message copies them, from_domain
// reads one.
template <class Visit>
std::size_t scan_header_fields(std::string_view message, Visit&& visit) {
  std::size_t position = 0;
  std::size_t field_start = std::string_view::npos;
  std::string_view field_name;
  auto end_field = [&] {
    if (field_start != std::string_view::npos) visit(field_name, message.substr(field_start, position - field_start));
  };
  while (position < message.size()) {
    const std::size_t end = message.find("\r\n", position);
    const std::size_t next = end == std::string_view::npos ? message.size() : end + 2;
    const std::string_view line = message.substr(position, next - position);
    if (line == "\r\n") {  // the empty line ends the header section
      end_field();
      return next;
    }
    if ((line[0] != ' ' && line[0] != '\t') || field_start == std::string_view::npos) {
      end_field();
      field_start = position;
      field_name = trim_view(line.substr(0, line.find(':')));
    }
    position = next;
  }
  end_field();
  return std::string_view::npos;
}

}  // namespace

MessageView::MessageView(std::string_view message) {
  if (has_bare_lf(message)) converted_ = to_crlf(message);
  text_ = converted_.empty() ? message : std::string_view(converted_);
  headers_.reserve(16);
  const std::size_t body = scan_header_fields(text_, [&](std::string_view name, std::string_view raw) {
    headers_.push_back(HeaderFieldView{name, raw});
  });
  if (body != std::string_view::npos) body_ = text_.substr(body);
}

SplitMessage split_message(std::string_view message) {
  SplitMessage split;
  const std::size_t body = scan_header_fields(message, [&](std::string_view name, std::string_view raw) {
    split.headers.push_back(HeaderField{std::string(name), std::string(raw)});
  });
  if (body != std::string_view::npos) split.body = std::string(message.substr(body));
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

namespace {

// RFC 7489 §6.6.1 via from_domain: the domain of the single From field's single address.
std::optional<std::string> domain_of_single_from(std::size_t from_fields, std::string_view from) {
  if (from_fields != 1) return std::nullopt;  // none, or two From fields (RFC 5322 §3.6 allows one)
  auto address = mailbox_address(unfolded_value(from));
  if (!address) return std::nullopt;
  return normalize_domain(address->substr(address->rfind('@') + 1));
}

}  // namespace

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
  // The header section only, read in place (a copy only when it has bare LFs to convert).
  const std::string_view header = message.substr(0, header_end);
  const std::string converted = has_bare_lf(header) ? to_crlf(header) : std::string();
  std::string_view from;
  std::size_t from_fields = 0;
  scan_header_fields(converted.empty() ? header : std::string_view(converted),
                     [&](std::string_view name, std::string_view raw) {
                       if (!equals_ignoring_case(name, "from")) return;
                       ++from_fields;
                       from = raw;
                     });
  return domain_of_single_from(from_fields, from);
}

std::optional<std::string> from_domain(const MessageView& message) {
  std::string_view from;
  std::size_t from_fields = 0;
  for (const HeaderFieldView& field : message.headers()) {
    if (!equals_ignoring_case(field.name, "from")) continue;
    ++from_fields;
    from = field.raw;
  }
  return domain_of_single_from(from_fields, from);
}

}  // namespace maillab::auth
