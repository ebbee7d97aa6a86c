// The end-of-DATA checks of a receiving MTA (MtaPolicy::check_message): verify every
// DKIM-Signature (RFC 6376 §6), find the From domain's DMARC policy (RFC 7489 §6.6.3), decide
// with identifier alignment (§3.1) using the SPF result of MAIL FROM, and act on the policy:
// reject -> 550 5.7.1 at the end of DATA, quarantine -> the recipient's Junk folder, none -> deliver
// (pct= sampled with the run's seeded RNG, §6.6.4). Every accepted message gets an RFC 8601
// Authentication-Results header "authserv-id; spf=...; dkim=...; dmarc=...".
// Trace: `protocol` records with protocol "DKIM" and "DMARC", one line per step, e.g.
// "DKIM fail (body hash mismatch) d=example.com s=mail",
// "DMARC fail: From example.com not aligned (SPF fail for evil.test; DKIM none); policy reject -> 550 5.7.1".
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "engine/core/rng.h"
#include "engine/hosts/auth/auth_lookups.h"
#include "engine/hosts/auth/spf_policy.h"
#include "engine/hosts/mail/mta_policy.h"
#include "protocols/auth/dkim.h"
#include "protocols/auth/dmarc.h"

namespace maillab::engine {

enum class DmarcMode { off, report, enforce };  // report: evaluate and write the header, never act

struct DkimDmarcOptions {
  bool verify_dkim = true;
  DmarcMode dmarc = DmarcMode::enforce;
  std::string authserv_id;  // "" = the MTA's hostname (the session's server name)
};

// What one message's checks found (kept for inspectors and tests).
struct MessageAuthentication {
  std::string from_domain;
  std::optional<SpfEvaluation> spf;
  std::vector<auth::DkimSignatureResult> dkim;
  std::optional<auth::DmarcOutcome> dmarc;
  std::string authentication_results;  // the header value
  std::string action;                  // "deliver", "junk", "reject"
};

std::string describe_dkim(const auth::DkimSignatureResult& result);

class DkimDmarcPolicy : public MtaPolicy {
 public:
  DkimDmarcPolicy(DkimDmarcOptions options, std::shared_ptr<AuthLookups> lookups, std::shared_ptr<SpfResultBook> book)
      : options_(std::move(options)), lookups_(std::move(lookups)), book_(std::move(book)) {}
  std::string_view name() const override { return "DMARC"; }
  void check_message(Host& host, const MessageCheck& check, std::function<void(PolicyVerdict)> done) override;

  const DkimDmarcOptions& options() const { return options_; }
  void set_options(DkimDmarcOptions options) { options_ = std::move(options); }  // `set:`: next message on
  // The last `recent_limit` messages checked, oldest first (for tests and the inspector), and how
  // many were checked in all: a busy world checks a million, and each verdict is in the trace.
  static constexpr std::size_t recent_limit = 64;
  const std::deque<MessageAuthentication>& recent() const { return recent_; }
  std::uint64_t checked() const { return checked_; }
  const auth::DkimPublicKeyCache& key_cache() const { return *key_cache_; }

 private:
  struct Job;
  void check_dkim(const std::shared_ptr<Job>& job);
  void check_dmarc(const std::shared_ptr<Job>& job);
  void finish(const std::shared_ptr<Job>& job);

  DkimDmarcOptions options_;
  std::shared_ptr<AuthLookups> lookups_;
  std::shared_ptr<SpfResultBook> book_;
  std::optional<Rng> rng_;  // derived from the run's RNG at first use (pct sampling)
  std::deque<MessageAuthentication> recent_;
  std::uint64_t checked_ = 0;
  // Public keys decoded from the key records this MTA fetched, by record text (the records are
  // still looked up for every message; see protocols/auth/dkim_key_cache.h).
  std::shared_ptr<auth::DkimPublicKeyCache> key_cache_ = std::make_shared<auth::DkimPublicKeyCache>();
};

}  // namespace maillab::engine
