#include "protocols/auth/dmarc.h"

#include <array>
#include <cctype>

#include "protocols/auth/dkim_canonicalization.h"
#include "protocols/auth/domain_name.h"

namespace maillab::auth {
namespace {

// A short built-in stand-in for the Public Suffix List's multi-label entries.
constexpr std::array<const char*, 24> multi_label_suffixes = {
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "net.uk", "ltd.uk", "plc.uk",
    "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "co.jp",
    "ne.jp", "or.jp", "com.br", "com.cn", "co.za", "co.in", "com.mx", "com.tr"};

std::optional<DmarcPolicy> parse_policy(const std::string& text) {
  std::string lower = to_lower(text);
  if (lower == "none") return DmarcPolicy::none;
  if (lower == "quarantine") return DmarcPolicy::quarantine;
  if (lower == "reject") return DmarcPolicy::reject;
  return std::nullopt;
}

// §6.6.4: when a message is not sampled, the next less strict policy applies.
DmarcPolicy one_step_weaker(DmarcPolicy policy) {
  return policy == DmarcPolicy::reject ? DmarcPolicy::quarantine : DmarcPolicy::none;
}

}  // namespace

std::string to_string(DmarcPolicy policy) {
  switch (policy) {
    case DmarcPolicy::none: return "none";
    case DmarcPolicy::quarantine: return "quarantine";
    case DmarcPolicy::reject: return "reject";
  }
  return "?";
}

std::string to_string(DmarcResult result) {
  switch (result) {
    case DmarcResult::none: return "none";
    case DmarcResult::pass: return "pass";
    case DmarcResult::fail: return "fail";
    case DmarcResult::temperror: return "temperror";
    case DmarcResult::permerror: return "permerror";
  }
  return "?";
}

DmarcRecordParse parse_dmarc_record(std::string_view text) {
  DmarcRecordParse result;
  auto tags = parse_tag_list(text);
  if (!tags || tags->empty() || (*tags)[0].first != "v" || (*tags)[0].second != "DMARC1") {
    result.error = "not a DMARC record (must start with v=DMARC1, RFC 7489 §6.4)";
    return result;
  }
  DmarcRecord record;
  bool policy_ok = false, subdomain_ok = true, has_rua = false;
  std::string error;
  for (const auto& [name, value] : *tags) {
    std::string lower = to_lower(name);
    if (lower == "p") {
      auto policy = parse_policy(value);
      if (policy) record.policy = *policy;
      policy_ok = policy.has_value();
    } else if (lower == "sp") {
      record.subdomain_policy = parse_policy(value);
      subdomain_ok = record.subdomain_policy.has_value();
    } else if (lower == "adkim" || lower == "aspf") {
      std::string mode = to_lower(value);
      if (mode != "r" && mode != "s") {
        error = lower + "=" + value + " is not r or s";
        continue;
      }
      (lower == "adkim" ? record.dkim_alignment : record.spf_alignment) =
          mode == "s" ? DmarcAlignment::strict : DmarcAlignment::relaxed;
    } else if (lower == "pct") {
      int percent = -1;
      if (!value.empty() && value.size() <= 3) {
        percent = 0;
        for (char c : value) percent = std::isdigit(static_cast<unsigned char>(c)) ? percent * 10 + (c - '0') : -1000;
      }
      if (percent < 0 || percent > 100) error = "pct=" + value + " is not 0..100";
      else record.percent = percent;
    } else if (lower == "rua") {
      record.aggregate_report_uris = value;
      has_rua = !value.empty();
    } else if (lower == "ruf") {
      record.failure_report_uris = value;
    }
    // fo, rf, ri and unknown tags are ignored (§6.3).
  }
  if (!policy_ok || !subdomain_ok) {
    if (!has_rua) {
      result.error = "DMARC record has no valid p= (or a bad sp=) and no rua= (§6.6.3)";
      return result;
    }
    record.policy = DmarcPolicy::none;
    record.subdomain_policy.reset();
  }
  if (!error.empty()) {
    result.error = error;
    return result;
  }
  result.record = record;
  return result;
}

std::string organizational_domain(std::string_view domain) {
  std::vector<std::string> labels = split_labels(normalize_domain(domain));
  if (labels.size() <= 2) return normalize_domain(domain);
  std::string last_two = labels[labels.size() - 2] + "." + labels.back();
  std::size_t keep = 2;
  for (const char* suffix : multi_label_suffixes) {
    if (last_two == suffix) keep = 3;
  }
  std::string organizational;
  for (std::size_t i = labels.size() - keep; i < labels.size(); ++i) {
    if (!organizational.empty()) organizational += '.';
    organizational += labels[i];
  }
  return organizational;
}

bool is_aligned(std::string_view identifier_domain, std::string_view from_domain, DmarcAlignment alignment) {
  std::string identifier = normalize_domain(identifier_domain);
  std::string from = normalize_domain(from_domain);
  if (identifier.empty() || from.empty()) return false;
  if (alignment == DmarcAlignment::strict) return identifier == from;
  return organizational_domain(identifier) == organizational_domain(from);
}

DmarcDiscovery::DmarcDiscovery(std::string from_domain) : from_domain_(normalize_domain(from_domain)) { run(); }

DmarcDiscovery::DmarcDiscovery(std::string from_domain, DnsLookupFunction synchronous)
    : from_domain_(normalize_domain(from_domain)), replay_(std::move(synchronous)) {
  run();
}

void DmarcDiscovery::provide_answer(const DnsQuestion& question, DnsAnswer answer) {
  if (done()) return;
  replay_.provide(question, std::move(answer));
  run();
}

void DmarcDiscovery::run() {
  replay_.clear_pending();
  DmarcDiscoveryResult result;
  result.from_domain = from_domain_;
  result.organizational_domain = organizational_domain(from_domain_);
  // §6.6.3: _dmarc.<From domain>, then _dmarc.<organisational domain>.
  std::vector<std::string> candidates = {from_domain_};
  if (result.organizational_domain != from_domain_) candidates.push_back(result.organizational_domain);
  try {
    for (const auto& domain : candidates) {
      const DnsAnswer& answer = replay_.lookup({"_dmarc." + domain, DnsType::txt});
      if (answer.is_error()) {
        result.status = DmarcDiscoveryStatus::temperror;
        result.reason = "TXT lookup for _dmarc." + domain + " failed: " + to_string(answer.status);
        result_ = result;
        return;
      }
      std::vector<std::string> records;
      for (const auto& text : answer.records) {
        if (to_lower(trim(text)).rfind("v=dmarc1", 0) == 0) records.push_back(text);
      }
      if (records.size() != 1) {
        result.reason = records.empty() ? "no DMARC record at _dmarc." + domain
                                        : "several DMARC records at _dmarc." + domain + " (ignored, §6.6.3)";
        continue;
      }
      DmarcRecordParse parsed = parse_dmarc_record(records[0]);
      if (!parsed.record) {
        result.reason = "_dmarc." + domain + ": " + parsed.error;
        continue;
      }
      result.status = DmarcDiscoveryStatus::found;
      result.record_domain = domain;
      result.record = parsed.record;
      result.reason = "record found at _dmarc." + domain;
      result_ = result;
      return;
    }
  } catch (const NeedDnsAnswer&) {
    return;
  }
  result_ = result;
}

DmarcDiscoveryResult discover_dmarc(std::string_view from_domain, const DnsLookupFunction& lookup) {
  DmarcDiscovery discovery{std::string(from_domain), lookup};
  return discovery.result();
}

std::vector<DmarcDkimInput> dmarc_dkim_inputs(const std::vector<DkimSignatureResult>& results) {
  std::vector<DmarcDkimInput> inputs;
  for (const auto& result : results) inputs.push_back({result.result, result.domain});
  return inputs;
}

DmarcOutcome evaluate_dmarc(const DmarcDiscoveryResult& discovery, const DmarcInputs& inputs) {
  DmarcOutcome outcome;
  outcome.from_domain = normalize_domain(inputs.from_domain);
  if (discovery.status == DmarcDiscoveryStatus::temperror) {
    outcome.result = DmarcResult::temperror;
    outcome.reason = discovery.reason;
    return outcome;
  }
  if (!discovery.record) {
    outcome.result = DmarcResult::none;
    outcome.reason = discovery.reason.empty() ? "no DMARC record" : discovery.reason;
    return outcome;
  }
  const DmarcRecord& record = *discovery.record;
  outcome.policy_domain = discovery.record_domain;
  // §6.6.3: a record found by falling back to the organisational domain uses sp= if present.
  bool from_subdomain = discovery.record_domain != outcome.from_domain;
  outcome.policy = from_subdomain && record.subdomain_policy ? *record.subdomain_policy : record.policy;

  // §3.1.2 / §4.2: SPF counts only when it passed for an aligned MAIL FROM domain.
  outcome.spf_aligned = inputs.spf_result == SpfResult::pass &&
                        is_aligned(inputs.spf_domain, outcome.from_domain, record.spf_alignment);
  for (const auto& signature : inputs.dkim) {
    if (signature.result == DkimResult::pass && is_aligned(signature.domain, outcome.from_domain, record.dkim_alignment)) {
      outcome.dkim_aligned = true;
    }
  }
  if (outcome.spf_aligned || outcome.dkim_aligned) {
    outcome.result = DmarcResult::pass;
    outcome.disposition = DmarcPolicy::none;
    outcome.reason = std::string("aligned ") + (outcome.dkim_aligned ? "DKIM" : "SPF") + " pass";
    return outcome;
  }
  outcome.result = DmarcResult::fail;
  outcome.disposition = outcome.policy;
  outcome.reason = "no aligned SPF or DKIM pass";
  if (outcome.policy != DmarcPolicy::none && inputs.sampling_draw >= record.percent) {  // §6.6.4
    outcome.sampled_out = true;
    outcome.disposition = one_step_weaker(outcome.policy);
    outcome.reason += "; not sampled (pct=" + std::to_string(record.percent) + ")";
  }
  return outcome;
}

}  // namespace maillab::auth
