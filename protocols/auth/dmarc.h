#pragma once
// DMARC (RFC 7489): record parsing, policy discovery with organisational-domain fallback,
// identifier alignment, and the policy verdict.
//
// The organisational domain here is a simplification of the Public Suffix List (RFC 7489 §3.2):
// the last two labels, or the last three when the last two are a known multi-label public suffix
// (co.uk, org.uk, ac.uk, gov.uk, com.au, net.au, org.au, co.jp, co.nz, com.br, co.za, ...).
//
// Resumable like SpfCheck:
//   DmarcDiscovery discovery("news.example.com");
//   while (!discovery.done()) discovery.provide_answer(*discovery.pending_question(), resolve(...));
//   DmarcOutcome verdict = evaluate_dmarc(discovery.result(), inputs);

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/auth/dkim.h"
#include "protocols/auth/dns_lookup.h"
#include "protocols/auth/dns_replay.h"
#include "protocols/auth/spf.h"

namespace maillab::auth {

enum class DmarcPolicy { none, quarantine, reject };
enum class DmarcAlignment { relaxed, strict };
std::string to_string(DmarcPolicy policy);

struct DmarcRecord {
  DmarcPolicy policy = DmarcPolicy::none;           // p=
  std::optional<DmarcPolicy> subdomain_policy;      // sp=
  DmarcAlignment dkim_alignment = DmarcAlignment::relaxed;  // adkim=
  DmarcAlignment spf_alignment = DmarcAlignment::relaxed;   // aspf=
  int percent = 100;                                // pct=
  std::string aggregate_report_uris;                // rua= (kept, not used)
  std::string failure_report_uris;                  // ruf= (kept, not used)
};

struct DmarcRecordParse {
  std::optional<DmarcRecord> record;
  std::string error;
};

// "v=DMARC1; p=reject; ..." (§6.3). v= must come first. A missing or bad p= is an error unless
// rua= is present, in which case p=none is assumed (§6.6.3).
DmarcRecordParse parse_dmarc_record(std::string_view text);

std::string organizational_domain(std::string_view domain);
// §3.1: strict = the same domain; relaxed = the same organisational domain.
bool is_aligned(std::string_view identifier_domain, std::string_view from_domain, DmarcAlignment alignment);

enum class DmarcDiscoveryStatus { found, none, temperror };

struct DmarcDiscoveryResult {
  DmarcDiscoveryStatus status = DmarcDiscoveryStatus::none;
  std::string from_domain;
  std::string organizational_domain;
  std::string record_domain;  // where the record was found ("example.com" for _dmarc.example.com)
  std::optional<DmarcRecord> record;
  std::string reason;
};

class DmarcDiscovery {
 public:
  explicit DmarcDiscovery(std::string from_domain);
  bool done() const { return result_.has_value(); }
  std::optional<DnsQuestion> pending_question() const { return replay_.pending(); }
  void provide_answer(const DnsQuestion& question, DnsAnswer answer);
  const DmarcDiscoveryResult& result() const { return *result_; }

 private:
  friend DmarcDiscoveryResult discover_dmarc(std::string_view, const DnsLookupFunction&);
  DmarcDiscovery(std::string from_domain, DnsLookupFunction synchronous);
  void run();
  std::string from_domain_;
  DnsReplay replay_;
  std::optional<DmarcDiscoveryResult> result_;
};

DmarcDiscoveryResult discover_dmarc(std::string_view from_domain, const DnsLookupFunction& lookup);

struct DmarcDkimInput {
  DkimResult result = DkimResult::none;
  std::string domain;  // d=
};
std::vector<DmarcDkimInput> dmarc_dkim_inputs(const std::vector<DkimSignatureResult>& results);

struct DmarcInputs {
  std::string from_domain;                // RFC5322.From domain
  SpfResult spf_result = SpfResult::none;
  std::string spf_domain;                 // RFC5321.MailFrom domain (HELO domain when MAIL FROM was <>)
  std::vector<DmarcDkimInput> dkim;
  int sampling_draw = 0;                  // 0..99, drawn by the caller's seeded RNG; pct applies when draw < pct
};

enum class DmarcResult { none, pass, fail, temperror, permerror };
std::string to_string(DmarcResult result);

struct DmarcOutcome {
  DmarcResult result = DmarcResult::none;
  DmarcPolicy policy = DmarcPolicy::none;       // the p= or sp= that applies
  DmarcPolicy disposition = DmarcPolicy::none;  // what to do with this message after pct
  bool spf_aligned = false;
  bool dkim_aligned = false;
  bool sampled_out = false;  // failed, but pct sampling lowered the disposition (§6.6.4)
  std::string from_domain;
  std::string policy_domain;
  std::string reason;
};

DmarcOutcome evaluate_dmarc(const DmarcDiscoveryResult& discovery, const DmarcInputs& inputs);

}  // namespace maillab::auth
