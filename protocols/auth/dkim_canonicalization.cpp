#include "protocols/auth/dkim_canonicalization.h"

#include <cctype>

#include "protocols/auth/dkim_body_pieces.h"
#include "protocols/auth/domain_name.h"

namespace maillab::auth {
namespace {
bool is_wsp(char c) { return c == ' ' || c == '\t'; }
}  // namespace

std::string to_string(DkimCanonicalization canonicalization) {
  return canonicalization == DkimCanonicalization::simple ? "simple" : "relaxed";
}

std::string canonicalize_header(std::string_view raw_field, DkimCanonicalization canonicalization) {
  if (canonicalization == DkimCanonicalization::simple) {
    std::string field(raw_field);
    if (field.size() < 2 || field.compare(field.size() - 2, 2, "\r\n") != 0) field += "\r\n";
    return field;
  }
  // §3.4.2: lower-case name, unfold, WSP runs to one SP, no WSP at the value's ends or around ':'.
  // Written straight into one string (this runs for every signed field of every message).
  std::size_t colon = raw_field.find(':');
  std::string_view name = raw_field.substr(0, colon);
  auto is_space = [](char c) { return is_wsp(c) || c == '\r' || c == '\n'; };
  while (!name.empty() && is_space(name.front())) name.remove_prefix(1);
  while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
  std::string field;
  field.reserve(raw_field.size() + 2);
  for (char c : name) field += to_lower(c);
  field += ':';
  if (colon != std::string_view::npos) {
    const std::size_t value_start = field.size();
    bool pending_space = false;
    for (char c : raw_field.substr(colon + 1)) {
      if (c == '\r' || c == '\n') continue;
      if (is_wsp(c)) {
        pending_space = true;
        continue;
      }
      if (pending_space && field.size() > value_start) field += ' ';
      pending_space = false;
      field += c;
    }
  }
  field += "\r\n";
  return field;
}

std::string canonicalize_body(std::string_view body, DkimCanonicalization canonicalization) {
  std::string result;
  result.reserve(body.size() + 2);
  detail::for_each_canonical_body_piece(body, canonicalization, [&](std::string_view piece) { result += piece; });
  return result;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_tag_list(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> tags;
  std::size_t position = 0;
  while (position <= text.size()) {
    std::size_t end = text.find(';', position);
    std::string_view spec = text.substr(position, end == std::string_view::npos ? std::string_view::npos : end - position);
    position = end == std::string_view::npos ? text.size() + 1 : end + 1;
    const std::string_view trimmed = trim_view(spec);
    if (trimmed.empty()) {
      if (end == std::string_view::npos) break;  // a trailing ';' is allowed
      continue;
    }
    std::size_t equals = trimmed.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    const std::string_view name = trim_view(trimmed.substr(0, equals));
    const std::string_view value = trim_view(trimmed.substr(equals + 1));
    if (name.empty()) return std::nullopt;
    for (char c : name) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return std::nullopt;
    }
    for (const auto& [existing, unused] : tags) {
      if (existing == name) return std::nullopt;
    }
    tags.emplace_back(std::string(name), std::string(value));
  }
  return tags;
}

std::string remove_signature_value(std::string_view raw_field) {
  std::size_t colon = raw_field.find(':');
  std::size_t position = colon == std::string_view::npos ? 0 : colon + 1;
  std::string_view ending;
  if (raw_field.size() >= 2 && raw_field.substr(raw_field.size() - 2) == "\r\n") {
    ending = "\r\n";
    raw_field.remove_suffix(2);
  }
  while (position < raw_field.size()) {
    std::size_t end = raw_field.find(';', position);
    if (end == std::string_view::npos) end = raw_field.size();
    std::string_view spec = raw_field.substr(position, end - position);
    std::size_t equals = spec.find('=');
    if (equals != std::string_view::npos && trim_view(spec.substr(0, equals)) == "b") {
      std::string stripped(raw_field.substr(0, position + equals + 1));
      stripped += raw_field.substr(end);
      return stripped + std::string(ending);
    }
    position = end + 1;
  }
  return std::string(raw_field) + std::string(ending);
}

}  // namespace maillab::auth
