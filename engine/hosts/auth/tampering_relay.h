// A relay that alters messages in transit — the attack (or the well-meaning mailing list footer)
// DKIM exists to detect. Installed as an MtaPolicy on an intermediate MTA, it rewrites each
// message in prepare_outgoing, just before the relay forwards it: a header's value replaced, a
// header added, text in the body replaced, or a line appended to the body. Each change is a
// `fault` trace record ("tampered in transit: Subject 'Invoice' -> 'URGENT invoice'").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/core/time.h"
#include "engine/hosts/mail/mta_policy.h"

namespace maillab::engine {

struct TamperRule {
  enum class Kind { replace_header, add_header, replace_body_text, append_body } kind = Kind::replace_header;
  std::string header;  // replace_header, add_header: the field name
  std::string find;    // replace_body_text: the text to find (every occurrence)
  std::string text;    // the new value / replacement / appended line(s)
  Time active_from = 0;  // rules apply to messages relayed at or after this time
};

// Applies the rules to one message (CRLF); returns one description per change made.
std::vector<std::string> apply_tamper_rules(std::string& message, const std::vector<TamperRule>& rules, Time now);

class TamperingRelay : public MtaPolicy {
 public:
  std::string_view name() const override { return "tamper"; }
  void add_rule(TamperRule rule) { rules_.push_back(std::move(rule)); }
  const std::vector<TamperRule>& rules() const { return rules_; }
  void prepare_outgoing(Host& host, OutgoingMessage& outgoing) override;
  std::uint64_t tampered_count() const { return tampered_count_; }

 private:
  std::vector<TamperRule> rules_;
  std::uint64_t tampered_count_ = 0;
};

}  // namespace maillab::engine
