#pragma once
// The Authentication-Results header field (RFC 8601): build one from SPF, DKIM and DMARC
// outcomes, and parse one back (enough for tests and for lessons that inspect it).
//
//   Authentication-Results: mx.example.net;
//   	spf=pass smtp.mailfrom=example.com;
//   	dkim=pass (2048-bit key) header.d=example.com header.i=@example.com header.s=sel header.b=AbCdEfGh;
//   	dmarc=pass (p=reject dis=none) header.from=example.com

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/auth/dkim.h"
#include "protocols/auth/dmarc.h"
#include "protocols/auth/spf.h"

namespace maillab::auth {

struct AuthenticationResult {
  std::string method;   // "spf", "dkim", "dmarc"
  std::string result;   // "pass", "fail", ...
  std::string comment;  // shown in parentheses; optional
  std::vector<std::pair<std::string, std::string>> properties;  // ("smtp.mailfrom", "example.com")
  std::optional<std::string> property(std::string_view name) const;
};

struct AuthenticationResults {
  std::string authserv_id;  // the receiving host, e.g. "mx.example.net"
  std::vector<AuthenticationResult> results;  // empty formats as "none" (§2.2)
};

AuthenticationResult spf_authentication_result(const SpfRequest& request, const SpfOutcome& outcome);
AuthenticationResult dkim_authentication_result(const DkimSignatureResult& result);
AuthenticationResult dkim_none_authentication_result();  // the message had no signature
AuthenticationResult dmarc_authentication_result(const DmarcOutcome& outcome);

// One resinfo: "spf=pass smtp.mailfrom=example.com" (values quoted when they need it).
std::string format_authentication_result(const AuthenticationResult& result);
std::string spf_authentication_results_fragment(const SpfRequest& request, const SpfOutcome& outcome);
std::string dkim_authentication_results_fragment(const DkimSignatureResult& result);
std::string dmarc_authentication_results_fragment(const DmarcOutcome& outcome);

// The whole field, "Authentication-Results: ...\r\n", one result per folded line.
std::string format_authentication_results(const AuthenticationResults& results);
// Accepts the whole field or only its value; comments are kept as result comments.
std::optional<AuthenticationResults> parse_authentication_results(std::string_view field);

}  // namespace maillab::auth
