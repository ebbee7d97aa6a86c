#include "protocols/auth/spf_record.h"

#include <cctype>

#include "protocols/auth/domain_name.h"
#include "protocols/auth/spf_macro.h"

namespace maillab::auth {
namespace {

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label) {
  if (label.empty()) return false;
  bool has_alpha = false, has_hyphen = false;
  for (char c : label) {
    if (c == '-') {
      has_hyphen = true;
    } else if (!is_alnum(c)) {
      return false;
    } else if (is_alpha(c)) {
      has_alpha = true;
    }
  }
  if (has_hyphen) return label.front() != '-' && label.back() != '-';
  return has_alpha;
}

// domain-spec = macro-string domain-end; domain-end = ( "." toplabel ["."] ) / macro-expand
std::string validate_domain_spec(std::string_view spec) {
  if (spec.empty()) return "empty domain-spec";
  std::string error = validate_macro_string(spec, SpfMacroMode::domain_spec);
  if (!error.empty()) return error;
  if (spec.back() == '}') {
    std::size_t open = spec.rfind("%{");
    if (open != std::string_view::npos && (open == 0 || spec[open - 1] != '%')) return {};
  }
  // "%%", "%_" and "%-" are macro-expands too; an odd run of '%' before them makes one.
  if (spec.size() >= 2 && (spec.back() == '%' || spec.back() == '_' || spec.back() == '-')) {
    std::size_t percents = 0;
    for (std::size_t i = spec.size() - 1; i-- > 0 && spec[i] == '%';) ++percents;
    if (percents % 2 == 1) return {};
  }
  std::string_view body = spec;
  if (body.back() == '.') body.remove_suffix(1);
  std::size_t dot = body.rfind('.');
  if (dot == std::string_view::npos) return "domain-spec '" + std::string(spec) + "' has no top label";
  if (!is_toplabel(body.substr(dot + 1))) return "domain-spec '" + std::string(spec) + "' ends in a bad top label";
  return {};
}

// "/" then "0" or a number without a leading zero, up to maximum.
bool parse_prefix(std::string_view text, int maximum, int& out) {
  if (text.empty() || text.size() > 3) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    value = value * 10 + (c - '0');
  }
  if (value > maximum) return false;
  out = value;
  return true;
}

// dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ], text starting at the first '/'.
bool parse_dual_cidr(std::string_view text, SpfDirective& directive) {
  if (text.empty()) return true;
  if (text[0] != '/') return false;
  text.remove_prefix(1);
  std::size_t second = text.find("//");
  std::string_view ip4_part = text, ip6_part;
  bool has_ip6 = false;
  if (text.substr(0, 1) == "/") {  // "//64"
    ip4_part = {};
    ip6_part = text.substr(1);
    has_ip6 = true;
  } else if (second != std::string_view::npos) {
    ip4_part = text.substr(0, second);
    ip6_part = text.substr(second + 2);
    has_ip6 = true;
  }
  if (!ip4_part.empty() && !parse_prefix(ip4_part, 32, directive.ip4_prefix)) return false;
  if (has_ip6 && !parse_prefix(ip6_part, 128, directive.ip6_prefix)) return false;
  return true;
}

// Where a trailing dual-cidr-length starts: the left-most '/' after which only '/' and digits
// follow ("a:foo:bar/baz.example.com" has none; "a:example.com/24//64" starts at "/24").
std::size_t find_cidr_start(std::string_view text) {
  std::size_t start = std::string_view::npos;
  for (std::size_t i = text.size(); i-- > 0;) {
    char c = text[i];
    if (c == '/') start = i;
    else if (!std::isdigit(static_cast<unsigned char>(c))) break;
  }
  return start;
}

bool is_modifier_name(std::string_view name) {
  if (name.empty() || !is_alpha(name[0])) return false;
  for (char c : name) {
    if (!is_alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

std::string parse_directive(std::string_view term, SpfDirective& directive) {
  directive.text = std::string(term);
  switch (term[0]) {
    case '+': directive.qualifier = SpfQualifier::pass; term.remove_prefix(1); break;
    case '-': directive.qualifier = SpfQualifier::fail; term.remove_prefix(1); break;
    case '~': directive.qualifier = SpfQualifier::softfail; term.remove_prefix(1); break;
    case '?': directive.qualifier = SpfQualifier::neutral; term.remove_prefix(1); break;
    default: break;
  }
  std::size_t name_end = term.find_first_of(":/");
  std::string name = to_lower(term.substr(0, name_end));
  std::string_view rest = name_end == std::string_view::npos ? std::string_view{} : term.substr(name_end);
  bool has_argument = !rest.empty() && rest[0] == ':';
  std::string_view argument = has_argument ? rest.substr(1) : std::string_view{};
  auto bad = [&](const std::string& why) { return "'" + directive.text + "': " + why; };

  if (name == "all") {
    directive.kind = SpfMechanismKind::all;
    if (!rest.empty()) return bad("'all' takes no argument");
    return {};
  }
  if (name == "include" || name == "exists") {
    directive.kind = name == "include" ? SpfMechanismKind::include : SpfMechanismKind::exists;
    if (!has_argument) return bad("needs ':domain'");
    directive.domain_spec = std::string(argument);
    std::string error = validate_domain_spec(argument);
    return error.empty() ? error : bad(error);
  }
  if (name == "a" || name == "mx") {
    directive.kind = name == "a" ? SpfMechanismKind::a : SpfMechanismKind::mx;
    std::string_view cidr = rest;
    if (has_argument) {
      std::size_t slash = find_cidr_start(argument);
      directive.domain_spec = std::string(argument.substr(0, slash));
      cidr = slash == std::string_view::npos ? std::string_view{} : argument.substr(slash);
      std::string error = validate_domain_spec(directive.domain_spec);
      if (!error.empty()) return bad(error);
    }
    if (!parse_dual_cidr(cidr, directive)) return bad("bad CIDR length");
    return {};
  }
  if (name == "ptr") {
    directive.kind = SpfMechanismKind::ptr;
    if (!rest.empty() && !has_argument) return bad("'ptr' takes no CIDR length");
    if (has_argument) {
      directive.domain_spec = std::string(argument);
      std::string error = validate_domain_spec(argument);
      if (!error.empty()) return bad(error);
    }
    return {};
  }
  if (name == "ip4" || name == "ip6") {
    bool v6 = name == "ip6";
    directive.kind = v6 ? SpfMechanismKind::ip6 : SpfMechanismKind::ip4;
    if (!has_argument) return bad("needs ':address'");
    std::size_t slash = argument.find('/');
    std::string_view address_text = argument.substr(0, slash);
    auto address = v6 ? IpAddress::parse_v6(address_text) : IpAddress::parse_v4(address_text);
    if (!address) return bad("bad address");
    directive.network = *address;
    if (slash != std::string_view::npos) {
      int& prefix = v6 ? directive.ip6_prefix : directive.ip4_prefix;
      if (!parse_prefix(argument.substr(slash + 1), v6 ? 128 : 32, prefix)) return bad("bad CIDR length");
    }
    return {};
  }
  return bad("unknown mechanism");
}

}  // namespace

bool SpfDirective::counts_dns_lookup() const {
  return kind == SpfMechanismKind::include || kind == SpfMechanismKind::a || kind == SpfMechanismKind::mx ||
         kind == SpfMechanismKind::ptr || kind == SpfMechanismKind::exists;
}

std::string to_string(SpfMechanismKind kind) {
  switch (kind) {
    case SpfMechanismKind::all: return "all";
    case SpfMechanismKind::include: return "include";
    case SpfMechanismKind::a: return "a";
    case SpfMechanismKind::mx: return "mx";
    case SpfMechanismKind::ptr: return "ptr";
    case SpfMechanismKind::ip4: return "ip4";
    case SpfMechanismKind::ip6: return "ip6";
    case SpfMechanismKind::exists: return "exists";
  }
  return "?";
}

bool is_spf_record(std::string_view text) {
  if (text.size() < 6 || to_lower(text.substr(0, 6)) != "v=spf1") return false;
  return text.size() == 6 || text[6] == ' ';
}

SpfParseResult parse_spf_record(std::string_view text) {
  SpfParseResult result;
  if (!is_spf_record(text)) {
    result.error = "not an SPF record";
    return result;
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) {
      result.error = "record contains a non-ASCII or control character (RFC 7208 §3.1)";
      return result;
    }
  }
  SpfRecord record;
  std::string_view rest = text.substr(6);
  while (!rest.empty()) {
    if (rest[0] == ' ') {
      rest.remove_prefix(1);
      continue;
    }
    std::size_t end = rest.find(' ');
    std::string_view term = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);

    std::size_t special = term.find_first_of("=:/");
    if (special != std::string_view::npos && term[special] == '=') {
      std::string name = to_lower(term.substr(0, special));
      std::string_view value = term.substr(special + 1);
      if (!is_modifier_name(name)) {
        result.error = "'" + std::string(term) + "': bad modifier name";
        return result;
      }
      std::string error;
      if (name == "redirect" || name == "exp") {
        auto& slot = name == "redirect" ? record.redirect : record.explanation;
        if (slot) error = "'" + name + "' appears twice (RFC 7208 §6)";
        else error = validate_domain_spec(value);
        slot = std::string(value);
      } else {
        error = validate_macro_string(value, SpfMacroMode::domain_spec);  // unknown modifiers: §6, ignored
      }
      if (!error.empty()) {
        result.error = "'" + std::string(term) + "': " + error;
        return result;
      }
      continue;
    }
    SpfDirective directive;
    std::string error = parse_directive(term, directive);
    if (!error.empty()) {
      result.error = error;
      return result;
    }
    record.directives.push_back(std::move(directive));
  }
  result.record = std::move(record);
  return result;
}

}  // namespace maillab::auth
