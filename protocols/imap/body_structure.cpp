#include "protocols/imap/body_structure.h"

#include <algorithm>
#include <cctype>

#include "protocols/imap/message_parts.h"
#include "protocols/imap/syntax.h"

namespace maillab::imap {

namespace {

constexpr int max_depth = 32;

// Reads RFC 2045 §5.1 structured values: tokens, quoted strings, "/", ";" and "=", skipping
// RFC 5322 comments "( ... )".
class FieldReader {
 public:
  explicit FieldReader(std::string_view text) : text_(text) {}

  void skip_blanks() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++at_;
      } else if (c == '(') {  // a comment, possibly nested
        int depth = 0;
        for (; at_ < text_.size(); ++at_) {
          if (text_[at_] == '\\') ++at_;
          else if (text_[at_] == '(') ++depth;
          else if (text_[at_] == ')' && --depth == 0) break;
        }
        ++at_;
      } else {
        return;
      }
    }
  }
  bool take(char c) {
    skip_blanks();
    if (at_ < text_.size() && text_[at_] == c) return ++at_, true;
    return false;
  }
  bool done() {
    skip_blanks();
    return at_ >= text_.size();
  }
  // A token (RFC 2045 §5.1: no tspecials) or, with `quoted_ok`, a quoted string.
  std::optional<std::string> word(bool quoted_ok) {
    skip_blanks();
    if (at_ >= text_.size()) return std::nullopt;
    if (text_[at_] == '"') {
      if (!quoted_ok) return std::nullopt;
      std::string out;
      for (++at_; at_ < text_.size() && text_[at_] != '"'; ++at_) {
        if (text_[at_] == '\\' && at_ + 1 < text_.size()) ++at_;
        out += text_[at_];
      }
      ++at_;
      return out;
    }
    static constexpr std::string_view specials = "()<>@,;:\\\"/[]?= \t\r\n";
    const std::size_t start = at_;
    while (at_ < text_.size() && specials.find(text_[at_]) == std::string_view::npos &&
           static_cast<unsigned char>(text_[at_]) > 0x20)
      ++at_;
    if (at_ == start) return std::nullopt;
    return std::string(text_.substr(start, at_ - start));
  }
  // "; name=value" pairs up to the end; a malformed pair ends the list (what was read stays).
  MimeParameters parameters() {
    MimeParameters out;
    while (take(';')) {
      auto name = word(false);
      if (!name || !take('=')) break;
      auto value = word(true);
      if (!value) break;
      out.emplace_back(to_lower(*name), *value);
    }
    return out;
  }

 private:
  std::string_view text_;
  std::size_t at_ = 0;
};

std::optional<std::string> parameter(const MimeParameters& parameters, std::string_view name) {
  for (const auto& [key, value] : parameters)
    if (key == name) return value;
  return std::nullopt;
}

// The header of an entity, and the body after it. An entity that starts with its blank line has
// an empty header; one with no blank line at all is all header (RFC 2046 §5.1.1 allows a part
// with no header fields: it then starts with the blank line).
void split(std::string_view bytes, MimeEntity& entity) {
  entity.header = message_header(bytes);
  entity.body = message_text(bytes);
}

std::vector<std::string_view> split_multipart(std::string_view body, const std::string& boundary) {
  // RFC 2046 §5.1.1: a delimiter is a line "--boundary" (trailing blanks allowed); the CRLF before
  // it belongs to it; "--boundary--" closes. Text before the first one is the preamble.
  std::vector<std::string_view> parts;
  const std::string dash = "--" + boundary;
  std::size_t part_start = std::string_view::npos;
  std::size_t line = 0;
  while (line <= body.size()) {
    std::size_t end = body.find('\n', line);
    const std::size_t next = end == std::string_view::npos ? body.size() + 1 : end + 1;
    std::string_view text = body.substr(line, (end == std::string_view::npos ? body.size() : end) - line);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.substr(0, dash.size()) == dash) {
      std::string_view rest = text.substr(dash.size());
      const bool closing = rest.substr(0, 2) == "--";
      if (closing) rest.remove_prefix(2);
      if (rest.find_first_not_of(" \t") == std::string_view::npos) {
        if (part_start != std::string_view::npos) {
          std::size_t part_end = line;
          if (part_end > part_start && body[part_end - 1] == '\n') --part_end;
          if (part_end > part_start && body[part_end - 1] == '\r') --part_end;
          parts.push_back(body.substr(part_start, part_end - part_start));
        }
        if (closing) return parts;
        part_start = std::min(next, body.size());
      }
    }
    line = next;
  }
  // No closing delimiter: the last part runs to the end (be liberal in what we read).
  if (part_start != std::string_view::npos) parts.push_back(body.substr(part_start));
  return parts;
}

MimeEntity parse_entity(std::string_view bytes, bool digest_default, int depth) {
  MimeEntity entity;
  split(bytes, entity);
  if (digest_default) entity.type = "message", entity.subtype = "rfc822";  // RFC 2046 §5.1.5
  if (auto value = header_value(entity.header, "Content-Type")) {
    FieldReader reader(*value);
    auto type = reader.word(false);
    if (type && reader.take('/')) {
      if (auto subtype = reader.word(false)) {
        entity.type = to_lower(*type), entity.subtype = to_lower(*subtype);
        entity.parameters = reader.parameters();
      }
    }
  }
  if (entity.type == "text" && !parameter(entity.parameters, "charset"))
    entity.parameters.insert(entity.parameters.begin(), {"charset", "us-ascii"});  // RFC 2045 §5.2
  if (auto value = header_value(entity.header, "Content-Transfer-Encoding")) {
    FieldReader reader(*value);
    if (auto word = reader.word(false)) entity.encoding = to_lower(*word);
  }
  entity.id = header_value(entity.header, "Content-ID");
  entity.description = header_value(entity.header, "Content-Description");
  entity.md5 = header_value(entity.header, "Content-MD5");
  entity.language = header_value(entity.header, "Content-Language");
  entity.location = header_value(entity.header, "Content-Location");
  if (auto value = header_value(entity.header, "Content-Disposition")) {
    FieldReader reader(*value);
    if (auto word = reader.word(false)) {
      entity.disposition = to_lower(*word);
      entity.disposition_parameters = reader.parameters();
    }
  }
  if (depth >= max_depth) return entity;
  if (entity.is_multipart()) {
    const auto boundary = parameter(entity.parameters, "boundary");
    if (boundary && !boundary->empty())
      for (std::string_view part : split_multipart(entity.body, *boundary))
        entity.parts.push_back(parse_entity(part, entity.subtype == "digest", depth + 1));
    if (entity.parts.empty()) {  // not really multipart: show it as the text it is
      entity.type = "text", entity.subtype = "plain";
      entity.parameters = {{"charset", "us-ascii"}};
    }
  } else if (entity.is_message()) {
    entity.parts.push_back(parse_entity(entity.body, false, depth + 1));
  }
  return entity;
}

std::size_t count_lines(std::string_view body) {
  std::size_t lines = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n'));
  if (!body.empty() && body.back() != '\n') ++lines;
  return lines;
}

std::string parameter_list(const MimeParameters& parameters) {
  if (parameters.empty()) return "NIL";
  std::string out = "(";
  for (std::size_t i = 0; i < parameters.size(); ++i)
    out += (i ? " " : "") + quote_string(to_upper(parameters[i].first)) + " " + quote_string(parameters[i].second);
  return out + ")";
}

std::string disposition(const MimeEntity& entity) {
  if (entity.disposition.empty()) return "NIL";
  return "(" + quote_string(to_upper(entity.disposition)) + " " + parameter_list(entity.disposition_parameters) + ")";
}

}  // namespace

MimeEntity parse_mime(std::string_view message) { return parse_entity(message, false, 0); }

std::string body_structure(const MimeEntity& entity, bool extended) {
  std::string out = "(";
  if (entity.is_multipart()) {
    // §7.4.2: the parts one after another (no space), then the subtype.
    for (const auto& part : entity.parts) out += body_structure(part, extended);
    out += " " + quote_string(to_upper(entity.subtype));
    if (extended)
      out += " " + parameter_list(entity.parameters) + " " + disposition(entity) + " " + nstring(entity.language) +
             " " + nstring(entity.location);
    return out + ")";
  }
  out += quote_string(to_upper(entity.type)) + " " + quote_string(to_upper(entity.subtype)) + " " +
         parameter_list(entity.parameters) + " " + nstring(entity.id) + " " + nstring(entity.description) + " " +
         quote_string(to_upper(entity.encoding)) + " " + std::to_string(entity.body.size());
  if (entity.is_message() && !entity.parts.empty()) {
    // message/rfc822: the inner message's envelope and structure, then the size in lines.
    out += " " + envelope(entity.body) + " " + body_structure(entity.parts.front(), extended) + " " +
           std::to_string(count_lines(entity.body));
  } else if (entity.type == "text") {
    out += " " + std::to_string(count_lines(entity.body));
  }
  if (extended)
    out += " " + nstring(entity.md5) + " " + disposition(entity) + " " + nstring(entity.language) + " " +
           nstring(entity.location);
  return out + ")";
}

const MimeEntity* find_part(const MimeEntity& root, const std::vector<unsigned>& numbers) {
  const MimeEntity* entity = &root;
  bool chosen = false;  // `entity` was named by a number (not the message we started from)
  for (unsigned number : numbers) {
    // The parts of a message/rfc822 part are the parts of the message inside it.
    if (chosen && entity->is_message()) {
      if (entity->parts.empty()) return nullptr;
      entity = &entity->parts.front();
    }
    if (entity->is_multipart()) {
      if (number < 1 || number > entity->parts.size()) return nullptr;
      entity = &entity->parts[number - 1];
    } else if (number != 1) {  // a single-part entity has one part: its body
      return nullptr;
    }
    chosen = true;
  }
  return entity;
}

}  // namespace maillab::imap
