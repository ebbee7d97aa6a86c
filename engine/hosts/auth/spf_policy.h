// SPF at MAIL FROM (RFC 7208 §2.4): which hosts may send mail with this envelope sender's domain?
// The MTA's policy asks the sender domain's TXT record (and whatever its mechanisms need) through
// the host's stub resolver, traces each question and the result as `protocol` records with
// protocol "SPF", adds a Received-SPF header (§9.1) and keeps the result for DMARC (RFC 7489 §4).
// On fail it either only records (action none, the default: DMARC decides later) or refuses the
// sender with 550 5.7.23 (RFC 7372 §3.2, "SPF validation failed").
#pragma once

#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "engine/hosts/auth/auth_lookups.h"
#include "engine/hosts/mail/mta_policy.h"
#include "protocols/auth/spf.h"

namespace maillab::engine {

struct SpfEvaluation {
  auth::SpfRequest request;
  auth::SpfOutcome outcome;
};

// SPF results of one MTA, by (client IP, HELO, MAIL FROM), so the end-of-DATA checks (DMARC,
// Authentication-Results) use the result computed at MAIL FROM instead of asking DNS again.
class SpfResultBook {
 public:
  void store(const SpfEvaluation& evaluation);
  const SpfEvaluation* find(const std::string& client_ip, const std::string& helo, const std::string& mail_from) const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, SpfEvaluation> results_;
};

// "SPF fail: 203.0.113.66 is not permitted by example.com (-all)" and friends.
std::string describe_spf(const SpfEvaluation& evaluation);

// Runs one SPF check_host() over the host's DNS, tracing as it goes; `done` gets the result.
void run_spf(Host& host, AuthLookups& lookups, auth::SpfRequest request,
             std::function<void(const SpfEvaluation&)> done);

// The SPF request an SMTP session and reverse-path give (RFC 7208 §2.3/§2.4: <> is checked as
// postmaster@HELO).
auth::SpfRequest spf_request_for(Host& host, const smtp::SessionInfo& session, const std::string& reverse_path);

enum class SpfAction { none, reject };

class SpfPolicy : public MtaPolicy {
 public:
  SpfPolicy(SpfAction action, std::shared_ptr<AuthLookups> lookups, std::shared_ptr<SpfResultBook> book)
      : action_(action), lookups_(std::move(lookups)), book_(std::move(book)) {}
  std::string_view name() const override { return "SPF"; }
  // The verdict carries the Received-SPF header; the MTA adds it when the message is accepted.
  void check_mail_from(Host& host, const MailFromCheck& check, std::function<void(PolicyVerdict)> done) override;

  SpfAction action() const { return action_; }
  void set_action(SpfAction action) { action_ = action; }  // `set:` mid-run: from the next MAIL FROM
  std::uint64_t checks() const { return checks_; }

 private:
  SpfAction action_;
  std::shared_ptr<AuthLookups> lookups_;
  std::shared_ptr<SpfResultBook> book_;
  std::uint64_t checks_ = 0;
};

}  // namespace maillab::engine
