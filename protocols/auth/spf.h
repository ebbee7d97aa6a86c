#pragma once
// SPF check_host() (RFC 7208 §4), driven without blocking.
//
//   SpfCheck check(request);
//   while (!check.done()) {
//     DnsQuestion question = *check.pending_question();
//     check.provide_answer(question, resolve(question));   // as late as the resolver likes
//   }
//   check.outcome().result  // SpfResult::pass ...
//
// or, when answers are at hand, check_host(request, lookup).

#include <cstdint>
#include <optional>
#include <string>

#include "protocols/auth/dns_lookup.h"
#include "protocols/auth/dns_replay.h"

namespace maillab::auth {

enum class SpfResult { none, neutral, pass, fail, softfail, temperror, permerror };
std::string to_string(SpfResult result);  // "pass", "softfail", ...

enum class SpfIdentity { mail_from, helo };  // RFC 7208 §2.3, §2.4

struct SpfRequest {
  std::string client_ip;  // "192.0.2.1" or "2001:db8::1"
  std::string mail_from;  // RFC5321.MailFrom address; empty for the null reverse-path "<>"
  std::string helo;       // HELO/EHLO argument
  SpfIdentity identity = SpfIdentity::mail_from;
  std::string receiver = "unknown";  // %{r} and Received-SPF receiver=
  std::int64_t now_seconds = 0;      // %{t}
  std::string default_explanation = "SPF fail: see https://www.rfc-editor.org/rfc/rfc7208#section-2.6.4";
  int lookup_limit = 10;       // §4.6.4
  int void_lookup_limit = 2;   // §4.6.4
};

struct SpfOutcome {
  SpfResult result = SpfResult::none;
  std::string domain;       // the domain checked (MAIL FROM domain, or HELO)
  std::string sender;       // the sender used for macros: postmaster@helo when MAIL FROM was <>
  std::string mechanism;    // the term that decided, e.g. "-all", "ip4:192.0.2.0/24", "default"
  std::string reason;       // why, in words: "matched ip4:192.0.2.0/24", "more than 10 DNS lookups"
  std::string explanation;  // for fail only: exp= text or the default (§6.2)
  int dns_lookups = 0;      // terms that counted toward the 10 limit
  int void_lookups = 0;
};

class SpfCheck {
 public:
  explicit SpfCheck(SpfRequest request);
  bool done() const { return outcome_.has_value(); }
  // The next question to answer while !done().
  std::optional<DnsQuestion> pending_question() const { return replay_.pending(); }
  // Gives an answer (normally to pending_question()) and runs the check as far as it can go.
  void provide_answer(const DnsQuestion& question, DnsAnswer answer);
  const SpfOutcome& outcome() const { return *outcome_; }  // only when done()
  const SpfRequest& request() const { return request_; }
  // Every question asked so far with its answer, in order (for traces and lessons).
  const std::deque<std::pair<DnsQuestion, DnsAnswer>>& answers() const { return replay_.answers(); }

 private:
  friend SpfOutcome check_host(const SpfRequest&, const DnsLookupFunction&);
  SpfCheck(SpfRequest request, DnsLookupFunction synchronous);
  void run();
  SpfRequest request_;
  DnsReplay replay_;
  std::optional<SpfOutcome> outcome_;
};

// Synchronous convenience: every question is answered by lookup at once.
SpfOutcome check_host(const SpfRequest& request, const DnsLookupFunction& lookup);

// "Received-SPF: pass (receiver: domain of x@example.com designates 192.0.2.1 as permitted
// sender) client-ip=192.0.2.1; envelope-from="x@example.com"; helo=mail.example.com;" (§9.1),
// without a line ending.
std::string received_spf_header(const SpfRequest& request, const SpfOutcome& outcome);

}  // namespace maillab::auth
