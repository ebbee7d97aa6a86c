// RFC 3461 §4: NOTIFY lists, xtext and ORCPT.
#include "protocols/smtp/dsn_parameters.h"

#include <cctype>

#include "protocols/mail/text.h"

namespace maillab::smtp {

std::string Notify::to_parameter() const {
  if (never) return "NEVER";
  std::string out;
  auto add = [&](bool on, const char* word) {
    if (on) out += (out.empty() ? "" : ",") + std::string(word);
  };
  add(success, "SUCCESS");
  add(failure, "FAILURE");
  add(delay, "DELAY");
  return out;
}

std::optional<Notify> parse_notify(std::string_view value) {
  Notify notify;
  std::size_t position = 0;
  while (position <= value.size()) {
    std::size_t comma = value.find(',', position);
    if (comma == std::string_view::npos) comma = value.size();
    const std::string word = mail::to_upper(value.substr(position, comma - position));
    bool* flag = word == "NEVER" ? &notify.never
                 : word == "SUCCESS" ? &notify.success
                 : word == "FAILURE" ? &notify.failure
                 : word == "DELAY" ? &notify.delay
                                   : nullptr;
    if (!flag || *flag) return std::nullopt;  // unknown, empty or repeated
    *flag = true;
    position = comma + 1;
  }
  // §4.1: "NEVER" MUST NOT be combined with any other keyword.
  if (notify.never && (notify.success || notify.failure || notify.delay)) return std::nullopt;
  return notify;
}

std::string xtext_encode(std::string_view text) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (c >= 33 && c <= 126 && c != '+' && c != '=') {
      out += static_cast<char>(c);
    } else {
      out += '+';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> xtext_decode(std::string_view xtext) {
  auto hex_value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;  // §4: hexchar is upper case only
  };
  std::string out;
  for (std::size_t i = 0; i < xtext.size(); ++i) {
    const char c = xtext[i];
    if (c == '+') {
      if (i + 2 >= xtext.size()) return std::nullopt;
      const int high = hex_value(xtext[i + 1]), low = hex_value(xtext[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (static_cast<unsigned char>(c) < 33 || static_cast<unsigned char>(c) > 126 || c == '=') {
      return std::nullopt;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> parse_orcpt(std::string_view value) {
  const auto semicolon = value.find(';');
  if (semicolon == std::string_view::npos || semicolon == 0) return std::nullopt;
  const std::string_view type = value.substr(0, semicolon);
  // addr-type is an atom (RFC 3461 §4.2, RFC 5321 atom): letters, digits, '-'
  for (char c : type)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return std::nullopt;
  auto address = xtext_decode(value.substr(semicolon + 1));
  if (!address || address->empty()) return std::nullopt;
  return std::string(type) + ";" + *address;
}

std::string orcpt_parameter(std::string_view decoded) {
  const auto semicolon = decoded.find(';');
  if (semicolon == std::string_view::npos) return "rfc822;" + xtext_encode(decoded);
  return std::string(decoded.substr(0, semicolon + 1)) + xtext_encode(decoded.substr(semicolon + 1));
}

}  // namespace maillab::smtp
