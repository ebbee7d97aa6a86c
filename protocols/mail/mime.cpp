#include "protocols/mail/mime.h"

#include "protocols/mail/message.h"
#include "protocols/mail/text.h"

namespace maillab::mail {

std::string ContentType::parameter(std::string_view name) const {
  for (const auto& [key, value] : parameters) {
    if (equals_ignoring_case(key, name)) return value;
  }
  return {};
}

ContentType parse_content_type(std::string_view value) {
  ContentType result;
  std::size_t semicolon = value.find(';');
  std::string_view media = trim(value.substr(0, semicolon));
  std::size_t slash = media.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= media.size()) return result;
  result.type = to_lower(trim(media.substr(0, slash)));
  result.subtype = to_lower(trim(media.substr(slash + 1)));
  std::size_t position = semicolon;
  while (position != std::string_view::npos && position < value.size()) {
    ++position;  // past ';'
    std::size_t equals = value.find('=', position);
    if (equals == std::string_view::npos) break;
    std::string name = to_lower(trim(value.substr(position, equals - position)));
    position = equals + 1;
    while (position < value.size() && (value[position] == ' ' || value[position] == '\t')) ++position;
    std::string parameter_value;
    if (position < value.size() && value[position] == '"') {
      ++position;
      while (position < value.size() && value[position] != '"') {
        if (value[position] == '\\' && position + 1 < value.size()) ++position;
        parameter_value += value[position++];
      }
      if (position < value.size()) ++position;  // closing quote
      position = value.find(';', position);
    } else {
      std::size_t end = value.find(';', position);
      parameter_value = std::string(trim(value.substr(position, end == std::string_view::npos ? std::string_view::npos : end - position)));
      position = end;
    }
    result.parameters.emplace_back(name, parameter_value);
  }
  return result;
}

ParseResult<std::vector<MimePart>> split_multipart(std::string_view body, std::string_view boundary) {
  using Result = ParseResult<std::vector<MimePart>>;
  if (boundary.empty()) return Result::failure("multipart body without a boundary parameter");
  std::vector<std::string> lines = split_lines(body);
  std::string delimiter = "--" + std::string(boundary);
  std::string closing = delimiter + "--";
  std::vector<MimePart> parts;
  bool inside = false;
  bool closed = false;
  std::string current;
  auto finish_part = [&]() -> bool {
    // The CRLF before a boundary line belongs to the boundary (RFC 2046 §5.1.1).
    if (current.size() >= 2) current.resize(current.size() - 2);
    auto message = parse_message(current);
    if (!message.ok()) return false;
    parts.push_back(MimePart{std::move(message.value().headers), std::move(message.value().body)});
    current.clear();
    return true;
  };
  for (const auto& line : lines) {
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) trimmed.remove_suffix(1);
    if (trimmed == closing) {
      if (inside && !finish_part()) return Result::failure("a MIME part has malformed headers");
      closed = true;
      break;
    }
    if (trimmed == delimiter) {
      if (inside && !finish_part()) return Result::failure("a MIME part has malformed headers");
      inside = true;
      continue;
    }
    if (inside) {
      current += line;
      current += "\r\n";
    }
  }
  if (!closed) return Result::failure("multipart body has no closing boundary '" + closing + "'");
  return Result::success(std::move(parts));
}

}  // namespace maillab::mail
