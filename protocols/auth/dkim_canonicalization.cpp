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
  std::string field;
  append_canonical_header(field, raw_field, canonicalization);
  return field;
}

void append_canonical_header(std::string& out, std::string_view raw_field, DkimCanonicalization canonicalization) {
  if (canonicalization == DkimCanonicalization::simple) {
    out += raw_field;
    if (raw_field.size() < 2 || raw_field.substr(raw_field.size() - 2) != "\r\n") out += "\r\n";
    return;
  }
  // §3.4.2: lower-case name, unfold, WSP runs to one SP, no WSP at the value's ends or around ':'.
  // This runs for every signed field of every message: the value's runs without WSP, CR or LF are
  // appended whole.
  std::size_t colon = raw_field.find(':');
  std::string_view name = raw_field.substr(0, colon);
  auto is_space = [](char c) { return is_wsp(c) || c == '\r' || c == '\n'; };
  while (!name.empty() && is_space(name.front())) name.remove_prefix(1);
  while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
  out.reserve(out.size() + raw_field.size() + 2);
  for (char c : name) out += to_lower(c);
  out += ':';
  if (colon != std::string_view::npos) {
    const std::string_view value = raw_field.substr(colon + 1);
    bool pending_space = false;
    bool any = false;  // value text written (a WSP run before it is dropped)
    std::size_t i = 0;
    while (i < value.size()) {
      if (value[i] == '\r' || value[i] == '\n') {  // unfolding removes CR and LF only
        ++i;
        continue;
      }
      if (is_wsp(value[i])) {
        pending_space = true;
        ++i;
        continue;
      }
      std::size_t run_end = i + 1;
      while (run_end < value.size() && !is_space(value[run_end])) ++run_end;
      if (pending_space && any) out += ' ';
      pending_space = false;
      out.append(value.data() + i, run_end - i);
      any = true;
      i = run_end;
    }
  }
  out += "\r\n";
}

std::string canonicalize_body(std::string_view body, DkimCanonicalization canonicalization) {
  std::string result;
  result.reserve(body.size() + 2);
  detail::for_each_canonical_body_piece(body, canonicalization, [&](std::string_view piece) { result += piece; });
  return result;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_tag_list(std::string_view text) {
  auto views = parse_tag_list_views(text);
  if (!views) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> tags;
  tags.reserve(views->size());
  for (const auto& [name, value] : *views) tags.emplace_back(std::string(name), std::string(value));
  return tags;
}

std::optional<DkimTagViews> parse_tag_list_views(std::string_view text) {
  DkimTagViews tags;
  tags.reserve(16);
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
    tags.emplace_back(name, value);
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
