#include "protocols/auth/spf.h"

#include <sstream>

#include "protocols/auth/domain_name.h"
#include "protocols/auth/ip_address.h"
#include "protocols/auth/spf_macro.h"
#include "protocols/auth/spf_record.h"

namespace maillab::auth {
namespace {

// Ends the whole check at once: limits exceeded, DNS failures, errors in included records.
struct SpfAbort {
  SpfResult result;
  std::string reason;
};

struct HostResult {
  SpfResult result = SpfResult::neutral;
  std::string mechanism;
  std::string reason;
  std::string explanation;
};

SpfResult result_of(SpfQualifier qualifier) {
  switch (qualifier) {
    case SpfQualifier::pass: return SpfResult::pass;
    case SpfQualifier::fail: return SpfResult::fail;
    case SpfQualifier::softfail: return SpfResult::softfail;
    case SpfQualifier::neutral: return SpfResult::neutral;
  }
  return SpfResult::neutral;
}

class Evaluator {
 public:
  Evaluator(const SpfRequest& request, DnsReplay& replay) : request_(request), replay_(replay) {}

  SpfOutcome run() {
    SpfOutcome outcome;
    std::string address = request_.mail_from;
    if (request_.identity == SpfIdentity::helo || address.empty()) address = "postmaster@" + request_.helo;  // §2.4
    std::size_t at = address.rfind('@');
    std::string local = at == std::string::npos ? "" : address.substr(0, at);
    std::string domain = at == std::string::npos ? address : address.substr(at + 1);
    if (local.empty()) local = "postmaster";  // §4.3
    outcome.sender = local + "@" + domain;
    outcome.domain = normalize_domain(domain);
    context_.sender = outcome.sender;
    context_.local_part = local;
    context_.sender_domain = domain;
    context_.helo = request_.helo;
    context_.receiver = request_.receiver;
    context_.timestamp = request_.now_seconds;

    auto ip = IpAddress::parse(request_.client_ip);
    if (!ip) {
      outcome.result = SpfResult::permerror;
      outcome.reason = "client IP '" + request_.client_ip + "' is not an address";
      return outcome;
    }
    ip_ = ip->unmapped();  // §5: IPv4-mapped IPv6 is treated as IPv4
    context_.ip = ip_;
    context_.validated_name = [this] { return validated_name(context_.domain); };

    HostResult host;
    try {
      host = check_host(outcome.domain, true);
    } catch (const SpfAbort& abort) {
      host.result = abort.result;
      host.reason = abort.reason;
    }
    outcome.result = host.result;
    outcome.mechanism = host.mechanism;
    outcome.reason = host.reason;
    if (host.result == SpfResult::fail) {
      outcome.explanation = host.explanation.empty() ? request_.default_explanation : host.explanation;
    }
    outcome.dns_lookups = lookups_;
    outcome.void_lookups = voids_;
    return outcome;
  }

 private:
  HostResult check_host(const std::string& domain, bool want_explanation) {
    HostResult host;
    if (!is_valid_fqdn(domain)) {  // §4.3
      host.result = SpfResult::none;
      host.reason = "'" + domain + "' is not a valid domain name";
      return host;
    }
    const DnsAnswer& answer = query(domain, DnsType::txt);
    if (answer.is_error()) {  // §4.4
      throw SpfAbort{SpfResult::temperror, "TXT lookup for " + domain + " failed: " + to_string(answer.status)};
    }
    std::vector<std::string> records;
    for (const auto& text : answer.records) {
      if (is_spf_record(text)) records.push_back(text);
    }
    if (records.empty()) {  // §4.5
      host.result = SpfResult::none;
      host.reason = "no SPF record at " + domain;
      return host;
    }
    if (records.size() > 1) throw SpfAbort{SpfResult::permerror, "more than one SPF record at " + domain + " (§4.5)"};
    SpfParseResult parsed = parse_spf_record(records[0]);
    if (!parsed.record) throw SpfAbort{SpfResult::permerror, "syntax error in SPF record of " + domain + ": " + parsed.error};
    const SpfRecord& record = *parsed.record;

    std::string saved_domain = context_.domain;
    context_.domain = domain;
    bool has_all = false;
    for (const auto& directive : record.directives) {
      if (directive.kind == SpfMechanismKind::all) has_all = true;
      if (directive.counts_dns_lookup()) count_lookup();
      if (!matches(directive, domain)) continue;
      host.result = result_of(directive.qualifier);
      host.mechanism = directive.text;
      host.reason = domain + ": matched " + directive.text;
      if (host.result == SpfResult::fail && want_explanation && record.explanation) {
        host.explanation = explanation(*record.explanation);
      }
      context_.domain = saved_domain;
      return host;
    }
    // §6.1: redirect applies when nothing matched, and never when the record has "all".
    if (record.redirect && !has_all) {
      count_lookup();
      std::string target = expand_domain_spec(*record.redirect, context_);
      context_.domain = saved_domain;
      HostResult redirected = check_host(target, want_explanation);
      if (redirected.result == SpfResult::none) {
        throw SpfAbort{SpfResult::permerror, "redirect=" + target + " has no SPF record (§6.1)"};
      }
      return redirected;
    }
    context_.domain = saved_domain;
    host.result = SpfResult::neutral;  // §4.7
    host.mechanism = "default";
    host.reason = domain + ": no mechanism matched";
    return host;
  }

  bool matches(const SpfDirective& directive, const std::string& domain) {
    std::string target = domain;
    if (!directive.domain_spec.empty()) target = expand_domain_spec(directive.domain_spec, context_);
    switch (directive.kind) {
      case SpfMechanismKind::all:
        return true;
      case SpfMechanismKind::ip4:
      case SpfMechanismKind::ip6:
        return ip_.matches(directive.network, ip_.is_v6 ? directive.ip6_prefix : directive.ip4_prefix);
      case SpfMechanismKind::include: {  // §5.2
        HostResult included = check_host(target, false);
        switch (included.result) {
          case SpfResult::pass: return true;
          case SpfResult::fail: case SpfResult::softfail: case SpfResult::neutral: return false;
          case SpfResult::temperror: throw SpfAbort{SpfResult::temperror, included.reason};
          case SpfResult::permerror: throw SpfAbort{SpfResult::permerror, included.reason};
          case SpfResult::none:
            throw SpfAbort{SpfResult::permerror, "include:" + target + " has no SPF record (§5.2)"};
        }
        return false;
      }
      case SpfMechanismKind::a: {  // §5.3
        if (!is_valid_fqdn(target)) return false;
        return address_matches(target, directive, true);
      }
      case SpfMechanismKind::mx: {  // §5.4
        if (!is_valid_fqdn(target)) return false;
        const DnsAnswer& answer = query(target, DnsType::mx);
        if (answer.is_error()) throw SpfAbort{SpfResult::temperror, "MX lookup for " + target + " failed"};
        if (answer.is_void()) {
          count_void(target);
          return false;
        }
        if (answer.records.size() > 10) {  // §4.6.4
          throw SpfAbort{SpfResult::permerror, "more than 10 MX records for " + target + " (§4.6.4)"};
        }
        std::vector<std::string> exchanges;
        for (const auto& record : answer.records) {
          std::istringstream fields(record);
          std::string preference, exchange;
          fields >> preference >> exchange;
          exchanges.push_back(normalize_domain(exchange));
        }
        for (const auto& exchange : exchanges) {
          if (is_valid_fqdn(exchange) && address_matches(exchange, directive, false)) return true;
        }
        return false;
      }
      case SpfMechanismKind::ptr: {  // §5.5
        if (!is_valid_fqdn(target)) return false;
        for (const auto& name : validated_names()) {
          if (is_same_or_subdomain(name, target)) return true;
        }
        return false;
      }
      case SpfMechanismKind::exists: {  // §5.7: always an A query
        if (!is_valid_fqdn(target)) return false;
        const DnsAnswer& answer = query(target, DnsType::a);
        if (answer.is_error()) throw SpfAbort{SpfResult::temperror, "A lookup for " + target + " failed"};
        if (answer.is_void()) {
          count_void(target);
          return false;
        }
        return true;
      }
    }
    return false;
  }

  // Looks up the client's address family at name and compares with the directive's CIDR length.
  bool address_matches(const std::string& name, const SpfDirective& directive, bool counts_void) {
    const DnsAnswer& answer = query(name, ip_.is_v6 ? DnsType::aaaa : DnsType::a);
    if (answer.is_error()) {
      throw SpfAbort{SpfResult::temperror, to_string(ip_.is_v6 ? DnsType::aaaa : DnsType::a) + " lookup for " + name + " failed"};
    }
    if (answer.is_void()) {
      if (counts_void) count_void(name);
      return false;
    }
    int prefix = ip_.is_v6 ? directive.ip6_prefix : directive.ip4_prefix;
    for (const auto& text : answer.records) {
      auto address = IpAddress::parse(text);
      if (address && ip_.matches(*address, prefix)) return true;
    }
    return false;
  }

  // §5.5: names from the PTR lookup (at most 10) whose forward lookup contains the client IP.
  std::vector<std::string> validated_names() {
    std::vector<std::string> validated;
    const DnsAnswer& answer = query(ip_.reverse_name(), DnsType::ptr);
    if (answer.is_error()) return validated;  // §5.5: a DNS error means no match
    if (answer.is_void()) {
      count_void(ip_.reverse_name());
      return validated;
    }
    std::vector<std::string> names;
    for (std::size_t i = 0; i < answer.records.size() && i < 10; ++i) {  // §4.6.4: ignore past 10
      names.push_back(normalize_domain(answer.records[i]));
    }
    for (const auto& name : names) {
      if (!is_valid_fqdn(name)) continue;
      const DnsAnswer& forward = query(name, ip_.is_v6 ? DnsType::aaaa : DnsType::a);
      if (forward.status != DnsStatus::ok) continue;
      for (const auto& text : forward.records) {
        auto address = IpAddress::parse(text);
        if (address && *address == ip_) {
          validated.push_back(name);
          break;
        }
      }
    }
    return validated;
  }

  // %{p} (§7.3): prefer the domain itself, then a subdomain of it, then any validated name.
  std::string validated_name(const std::string& domain) {
    std::vector<std::string> names = validated_names();
    for (const auto& name : names) {
      if (name == domain) return name;
    }
    for (const auto& name : names) {
      if (is_same_or_subdomain(name, domain)) return name;
    }
    return names.empty() ? "unknown" : names.front();
  }

  // §6.2: any failure here falls back to the default explanation.
  std::string explanation(const std::string& domain_spec) {
    std::string name = expand_domain_spec(domain_spec, context_);
    if (!is_valid_fqdn(name)) return {};
    const DnsAnswer& answer = query(name, DnsType::txt);
    if (answer.status != DnsStatus::ok || answer.records.size() != 1) return {};
    const std::string& text = answer.records[0];
    if (!validate_macro_string(text, SpfMacroMode::explanation).empty()) return {};
    return expand_macro_string(text, SpfMacroMode::explanation, context_);
  }

  void count_lookup() {
    if (++lookups_ > request_.lookup_limit) {
      throw SpfAbort{SpfResult::permerror,
                     "more than " + std::to_string(request_.lookup_limit) + " DNS-querying terms (§4.6.4)"};
    }
  }

  void count_void(const std::string& name) {
    if (++voids_ > request_.void_lookup_limit) {
      throw SpfAbort{SpfResult::permerror, "more than " + std::to_string(request_.void_lookup_limit) +
                                               " void lookups, the last for " + name + " (§4.6.4)"};
    }
  }

  const DnsAnswer& query(const std::string& name, DnsType type) { return replay_.lookup({normalize_domain(name), type}); }

  const SpfRequest& request_;
  DnsReplay& replay_;
  SpfMacroContext context_;
  IpAddress ip_;
  int lookups_ = 0;
  int voids_ = 0;
};

}  // namespace

std::string to_string(SpfResult result) {
  switch (result) {
    case SpfResult::none: return "none";
    case SpfResult::neutral: return "neutral";
    case SpfResult::pass: return "pass";
    case SpfResult::fail: return "fail";
    case SpfResult::softfail: return "softfail";
    case SpfResult::temperror: return "temperror";
    case SpfResult::permerror: return "permerror";
  }
  return "?";
}

SpfCheck::SpfCheck(SpfRequest request) : request_(std::move(request)) { run(); }

SpfCheck::SpfCheck(SpfRequest request, DnsLookupFunction synchronous)
    : request_(std::move(request)), replay_(std::move(synchronous)) {
  run();
}

void SpfCheck::provide_answer(const DnsQuestion& question, DnsAnswer answer) {
  if (done()) return;
  replay_.provide(question, std::move(answer));
  run();
}

void SpfCheck::run() {
  replay_.clear_pending();
  try {
    Evaluator evaluator(request_, replay_);
    outcome_ = evaluator.run();
  } catch (const NeedDnsAnswer&) {
    // pending_question() now names what is missing
  }
}

SpfOutcome check_host(const SpfRequest& request, const DnsLookupFunction& lookup) {
  SpfCheck check(request, lookup);
  return check.outcome();
}

std::string received_spf_header(const SpfRequest& request, const SpfOutcome& outcome) {
  std::string who = request.receiver + ": ";
  std::string comment;
  const std::string& ip = request.client_ip;
  std::string identity = request.identity == SpfIdentity::helo ? "domain " + outcome.domain
                                                                  : "domain of " + outcome.sender;
  switch (outcome.result) {
    case SpfResult::pass: comment = identity + " designates " + ip + " as permitted sender"; break;
    case SpfResult::fail: comment = identity + " does not designate " + ip + " as permitted sender"; break;
    case SpfResult::softfail:
      comment = "transitioning " + identity + " does not designate " + ip + " as permitted sender";
      break;
    case SpfResult::neutral: comment = ip + " is neither permitted nor denied by " + identity; break;
    case SpfResult::none: comment = identity + " does not designate permitted sender hosts"; break;
    case SpfResult::temperror: comment = "error in processing during lookup of " + outcome.domain + ": " + outcome.reason; break;
    case SpfResult::permerror: comment = "permanent error in processing " + outcome.domain + ": " + outcome.reason; break;
  }
  std::string header = "Received-SPF: " + to_string(outcome.result) + " (" + who + comment + ")";
  header += " client-ip=" + ip + ";";
  header += " envelope-from=\"" + (request.mail_from.empty() ? outcome.sender : request.mail_from) + "\";";
  header += " helo=" + request.helo + ";";
  if (request.receiver != "unknown") header += " receiver=" + request.receiver + ";";
  if (!outcome.mechanism.empty() && outcome.mechanism != "default") header += " mechanism=\"" + outcome.mechanism + "\";";
  header += " identity=" + std::string(request.identity == SpfIdentity::helo ? "helo" : "mailfrom") + ";";
  return header;
}

}  // namespace maillab::auth
