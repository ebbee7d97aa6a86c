#pragma once
// Parsing an SPF record ("v=spf1 ip4:192.0.2.0/24 mx -all") into terms (RFC 7208 §4.5, §12 ABNF).
// The whole record is checked before evaluation so a syntax error anywhere is a permerror (§4.6).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/auth/ip_address.h"

namespace maillab::auth {

enum class SpfQualifier { pass, fail, softfail, neutral };  // + - ~ ?
enum class SpfMechanismKind { all, include, a, mx, ptr, ip4, ip6, exists };

struct SpfDirective {
  SpfQualifier qualifier = SpfQualifier::pass;
  SpfMechanismKind kind = SpfMechanismKind::all;
  std::string domain_spec;  // macro-string; empty means "the current domain"
  IpAddress network;        // ip4 / ip6
  int ip4_prefix = 32;
  int ip6_prefix = 128;
  std::string text;  // the term as written, for reasons and headers
  bool counts_dns_lookup() const;  // include a mx ptr exists (§4.6.4)
};

struct SpfRecord {
  std::vector<SpfDirective> directives;
  std::optional<std::string> redirect;     // domain-spec
  std::optional<std::string> explanation;  // exp= domain-spec
};

struct SpfParseResult {
  std::optional<SpfRecord> record;
  std::string error;  // set when record is empty: why the record is a permerror
};

// True for a TXT string that is an SPF record: "v=spf1" then a space or the end (§4.5).
bool is_spf_record(std::string_view text);
SpfParseResult parse_spf_record(std::string_view text);
std::string to_string(SpfMechanismKind kind);

}  // namespace maillab::auth
