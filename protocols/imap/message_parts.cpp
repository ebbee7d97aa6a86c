#include "protocols/imap/message_parts.h"

#include <algorithm>

#include "protocols/imap/syntax.h"

namespace maillab::imap {

namespace {

// Offset just past the blank line that ends the header (RFC 5322 §2.1), or npos.
std::size_t header_end(std::string_view message) {
  if (message.substr(0, 2) == "\r\n") return 2;
  if (message.substr(0, 1) == "\n") return 1;
  const std::size_t crlf = message.find("\r\n\r\n");
  const std::size_t lf = message.find("\n\n");
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::string_view::npos;
  if (lf == std::string_view::npos || (crlf != std::string_view::npos && crlf < lf)) return crlf + 4;
  return lf + 2;
}

struct Field {
  std::string name;       // as written
  std::string_view raw;   // the whole field including continuation lines and line ends
};

std::vector<Field> header_field_list(std::string_view message) {
  std::vector<Field> fields;
  std::string_view header = message_header(message);
  std::size_t position = 0;
  while (position < header.size()) {
    std::size_t end = header.find('\n', position);
    end = end == std::string_view::npos ? header.size() : end + 1;
    std::string_view line = header.substr(position, end - position);
    if (line == "\r\n" || line == "\n") break;
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      // Continuation: extend the previous field's raw view.
      Field& last = fields.back();
      last.raw = std::string_view(last.raw.data(), static_cast<std::size_t>(line.data() + line.size() - last.raw.data()));
    } else {
      const std::size_t colon = line.find(':');
      std::string name(colon == std::string_view::npos ? std::string_view() : line.substr(0, colon));
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
      fields.push_back(Field{name, line});
    }
    position = end;
  }
  return fields;
}

std::string unfold_value(std::string_view raw) {
  const std::size_t colon = raw.find(':');
  std::string_view value = colon == std::string_view::npos ? std::string_view() : raw.substr(colon + 1);
  std::string out;
  for (char c : value) {
    if (c == '\r' || c == '\n') continue;  // unfolding (RFC 5322 §2.2.3): drop the line breaks
    out += c;
  }
  const std::size_t first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const std::size_t last = out.find_last_not_of(" \t");
  return out.substr(first, last - first + 1);
}

std::string trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const std::size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// "John \"J\" Doe" -> John "J" Doe; plain text is trimmed.
std::string unquote_phrase(std::string_view text) {
  std::string trimmed = trim(text);
  if (trimmed.size() >= 2 && trimmed.front() == '"' && trimmed.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < trimmed.size(); ++i) {
      if (trimmed[i] == '\\' && i + 2 < trimmed.size()) ++i;
      out += trimmed[i];
    }
    return out;
  }
  return trimmed;
}

// Removes (comments) outside quotes; returns the last comment's text (for "a@b (Name)").
std::string strip_comments(std::string_view text, std::string* comment) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (depth == 0 && c == '"') quoted = !quoted;
    if (!quoted && c == '(') {
      if (depth++ == 0) current.clear();
      else current += c;
      continue;
    }
    if (!quoted && c == ')' && depth > 0) {
      if (--depth == 0 && comment) *comment = current;
      else current += c;
      continue;
    }
    if (depth > 0) current += c;
    else out += c;
  }
  return out;
}

EnvelopeAddress parse_one_address(std::string_view text) {
  EnvelopeAddress address;
  std::string comment;
  const std::string cleaned = strip_comments(text, &comment);
  std::string spec;
  bool quoted = false;
  std::size_t open = std::string::npos;
  for (std::size_t i = 0; i < cleaned.size(); ++i) {
    if (cleaned[i] == '"') quoted = !quoted;
    if (!quoted && cleaned[i] == '<') {
      open = i;
      break;
    }
  }
  if (open != std::string::npos) {
    const std::size_t close = cleaned.find('>', open);
    spec = trim(cleaned.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1));
    const std::string name = unquote_phrase(cleaned.substr(0, open));
    if (!name.empty()) address.name = name;
    // Drop a source route "@a,@b:" (obsolete, RFC 5322 §4.4).
    if (!spec.empty() && spec[0] == '@') {
      const std::size_t colon = spec.find(':');
      spec = colon == std::string::npos ? "" : spec.substr(colon + 1);
    }
  } else {
    spec = trim(cleaned);
    if (!comment.empty()) address.name = trim(comment);
  }
  const std::size_t at = spec.rfind('@');
  if (at == std::string::npos) {
    address.mailbox = unquote_phrase(spec);
    address.host = std::string();  // no domain: RFC 3501 allows an empty host only for groups,
                                   // but NIL here would read as a group; keep it a string
  } else {
    address.mailbox = spec.substr(0, at);
    address.host = spec.substr(at + 1);
  }
  return address;
}

std::string address_list(std::string_view message, std::string_view name,
                         std::string_view fallback = {}) {
  std::optional<std::string> value = header_value(message, name);
  if ((!value || value->empty()) && !fallback.empty()) value = header_value(message, fallback);
  if (!value || value->empty()) return "NIL";
  const std::vector<EnvelopeAddress> addresses = parse_address_list(*value);
  if (addresses.empty()) return "NIL";
  std::string out = "(";
  for (const auto& address : addresses) {
    out += "(" + nstring(address.name) + " NIL " + nstring(address.mailbox) + " " +
           nstring(address.host) + ")";
  }
  out += ")";
  return out;
}

}  // namespace

std::string_view message_header(std::string_view message) {
  const std::size_t end = header_end(message);
  return end == std::string_view::npos ? message : message.substr(0, end);
}

std::string_view message_text(std::string_view message) {
  const std::size_t end = header_end(message);
  return end == std::string_view::npos ? std::string_view() : message.substr(end);
}

std::string header_fields(std::string_view message, const std::vector<std::string>& names,
                          bool exclude) {
  std::vector<std::string> wanted;
  for (const auto& name : names) wanted.push_back(to_lower(name));
  std::string out;
  for (const auto& field : header_field_list(message)) {
    const bool listed =
        std::find(wanted.begin(), wanted.end(), to_lower(field.name)) != wanted.end();
    if (listed != exclude) {
      out += field.raw;
      if (out.back() != '\n') out += "\r\n";
    }
  }
  out += "\r\n";
  return out;
}

std::optional<std::string> header_value(std::string_view message, std::string_view name) {
  const std::string wanted = to_lower(name);
  for (const auto& field : header_field_list(message)) {
    if (to_lower(field.name) == wanted) return unfold_value(field.raw);
  }
  return std::nullopt;
}

std::vector<std::string> header_values(std::string_view message, std::string_view name) {
  std::vector<std::string> out;
  const std::string wanted = to_lower(name);
  for (const auto& field : header_field_list(message)) {
    if (to_lower(field.name) == wanted) out.push_back(unfold_value(field.raw));
  }
  return out;
}

std::vector<EnvelopeAddress> parse_address_list(std::string_view value) {
  std::vector<EnvelopeAddress> out;
  std::string current;
  bool quoted = false;
  int angle = 0, comment = 0;
  bool in_group = false;
  auto flush = [&]() {
    if (!trim(current).empty()) out.push_back(parse_one_address(current));
    current.clear();
  };
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\\' && (quoted || comment) && i + 1 < value.size()) {
      current += c;
      current += value[++i];
      continue;
    }
    if (comment == 0 && c == '"') quoted = !quoted;
    if (!quoted) {
      if (c == '(') ++comment;
      else if (c == ')' && comment > 0) --comment;
      else if (comment == 0 && c == '<') ++angle;
      else if (comment == 0 && c == '>' && angle > 0) --angle;
      else if (comment == 0 && angle == 0) {
        if (c == ',') {
          flush();
          continue;
        }
        if (c == ':' && !in_group) {
          // Group start (RFC 3501 §7.4.2: mailbox = group name, host NIL).
          EnvelopeAddress start;
          start.mailbox = unquote_phrase(strip_comments(current, nullptr));
          out.push_back(start);
          current.clear();
          in_group = true;
          continue;
        }
        if (c == ';' && in_group) {
          flush();
          out.push_back(EnvelopeAddress{});  // group end: all NIL
          in_group = false;
          continue;
        }
      }
    }
    current += c;
  }
  flush();
  if (in_group) out.push_back(EnvelopeAddress{});
  return out;
}

std::string envelope(std::string_view message) {
  auto field = [&](std::string_view name) { return nstring(header_value(message, name)); };
  std::string out = "(";
  out += field("Date") + " ";
  out += field("Subject") + " ";
  out += address_list(message, "From") + " ";
  out += address_list(message, "Sender", "From") + " ";
  out += address_list(message, "Reply-To", "From") + " ";
  out += address_list(message, "To") + " ";
  out += address_list(message, "Cc") + " ";
  out += address_list(message, "Bcc") + " ";
  out += field("In-Reply-To") + " ";
  out += field("Message-ID");
  out += ")";
  return out;
}

}  // namespace maillab::imap
