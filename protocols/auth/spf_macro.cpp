#include "protocols/auth/spf_macro.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "protocols/auth/domain_name.h"

namespace maillab::auth {
namespace {

bool is_delimiter(char c) {
  return c == '.' || c == '-' || c == '+' || c == ',' || c == '/' || c == '_' || c == '=';
}

bool is_letter_allowed(char letter, SpfMacroMode mode) {
  switch (to_lower(letter)) {
    case 's': case 'l': case 'o': case 'd': case 'i': case 'p': case 'h': case 'v':
      return true;
    case 'c': case 'r': case 't':
      return mode == SpfMacroMode::explanation;
    default:
      return false;
  }
}

// Parsed "%{" letter digits ["r"] delimiters "}".
struct MacroExpand {
  char letter = 0;
  int keep = 0;  // 0 = all parts
  bool reverse = false;
  std::string delimiters;
  std::size_t length = 0;  // characters consumed from '%'
};

// Parses the macro at text[position] == '%' and text[position+1] == '{'. Returns an error text.
std::string parse_expand(std::string_view text, std::size_t position, SpfMacroMode mode, MacroExpand& out) {
  std::size_t cursor = position + 2;
  if (cursor >= text.size()) return "unterminated macro";
  out.letter = text[cursor++];
  if (!is_letter_allowed(out.letter, mode)) return std::string("macro letter '") + out.letter + "' not allowed here";
  bool has_digits = false;
  while (cursor < text.size() && std::isdigit(static_cast<unsigned char>(text[cursor]))) {
    out.keep = out.keep * 10 + (text[cursor] - '0');
    if (out.keep > 1000) out.keep = 1000;
    has_digits = true;
    ++cursor;
  }
  if (has_digits && out.keep == 0) return "macro keeps zero parts";
  if (cursor < text.size() && (text[cursor] == 'r' || text[cursor] == 'R')) {
    out.reverse = true;
    ++cursor;
  }
  while (cursor < text.size() && is_delimiter(text[cursor])) out.delimiters += text[cursor++];
  if (cursor >= text.size() || text[cursor] != '}') return "malformed macro";
  out.length = cursor + 1 - position;
  return {};
}

std::string url_escape(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string escaped;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      escaped += static_cast<char>(c);
    } else {
      escaped += '%';
      escaped += hex[c >> 4];
      escaped += hex[c & 0xf];
    }
  }
  return escaped;
}

std::string letter_value(char letter, const SpfMacroContext& context) {
  switch (to_lower(letter)) {
    case 's': return context.sender;
    case 'l': return context.local_part;
    case 'o': return context.sender_domain;
    case 'd': return context.domain;
    case 'i': return context.ip.to_dotted_form(true);
    case 'p': return context.validated_name ? context.validated_name() : "unknown";
    case 'h': return context.helo;
    case 'v': return context.ip.is_v6 ? "ip6" : "in-addr";
    case 'c': return context.ip.to_string();
    case 'r': return context.receiver;
    case 't': return std::to_string(context.timestamp);
  }
  return {};
}

// RFC 7208 §7.3: split on the delimiters, optionally reverse, keep the right-most parts, join with ".".
std::string transform(const std::string& value, const MacroExpand& macro) {
  std::string delimiters = macro.delimiters.empty() ? "." : macro.delimiters;
  std::vector<std::string> parts(1);
  for (char c : value) {
    if (delimiters.find(c) != std::string::npos) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  if (macro.reverse) std::reverse(parts.begin(), parts.end());
  std::size_t first = 0;
  if (macro.keep > 0 && static_cast<std::size_t>(macro.keep) < parts.size()) first = parts.size() - macro.keep;
  std::string joined;
  for (std::size_t i = first; i < parts.size(); ++i) {
    if (i > first) joined += '.';
    joined += parts[i];
  }
  return joined;
}

}  // namespace

std::string validate_macro_string(std::string_view text, SpfMacroMode mode) {
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c > 0x7e) return "non-ASCII or control character";
    if (c == ' ' && mode == SpfMacroMode::domain_spec) return "space in domain-spec";
    if (c != '%') {
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) return "'%' at end of macro-string";
    char next = text[i + 1];
    if (next == '%' || next == '_' || next == '-') {
      i += 2;
      continue;
    }
    if (next != '{') return std::string("'%' followed by '") + next + "'";
    MacroExpand macro;
    std::string error = parse_expand(text, i, mode, macro);
    if (!error.empty()) return error;
    i += macro.length;
  }
  return {};
}

std::string expand_macro_string(std::string_view text, SpfMacroMode mode, const SpfMacroContext& context) {
  std::string expanded;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '%' || i + 1 >= text.size()) {
      expanded += text[i++];
      continue;
    }
    char next = text[i + 1];
    if (next == '%') {
      expanded += '%';
      i += 2;
    } else if (next == '_') {
      expanded += ' ';
      i += 2;
    } else if (next == '-') {
      expanded += "%20";
      i += 2;
    } else {
      MacroExpand macro;
      if (!parse_expand(text, i, mode, macro).empty()) return expanded;  // caller validated first
      std::string value = transform(letter_value(macro.letter, context), macro);
      if (std::isupper(static_cast<unsigned char>(macro.letter))) value = url_escape(value);
      expanded += value;
      i += macro.length;
    }
  }
  return expanded;
}

std::string expand_domain_spec(std::string_view text, const SpfMacroContext& context) {
  std::string name = expand_macro_string(text, SpfMacroMode::domain_spec, context);
  if (!name.empty() && name.back() == '.') name.pop_back();
  while (name.size() > 253) {
    std::size_t dot = name.find('.');
    if (dot == std::string::npos) break;
    name.erase(0, dot + 1);
  }
  return to_lower(name);
}

}  // namespace maillab::auth
