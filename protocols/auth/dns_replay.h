#pragma once
// Lets a checker written as ordinary straight-line code be driven by an asynchronous resolver.
// The checker asks DnsReplay::lookup(); if the answer is not known yet, lookup() remembers the
// question and throws NeedDnsAnswer, the driver unwinds and reports the question, and once the
// answer is provided the checker runs again from the start. Checkers are pure functions of the
// answers, so every rerun asks the same questions in the same order; a check needs at most a few
// dozen lookups (RFC 7208 §4.6.4 limits), so rerunning costs nothing that matters.

#include <optional>
#include <utility>
#include <deque>

#include "protocols/auth/dns_lookup.h"

namespace maillab::auth {

struct NeedDnsAnswer {};

class DnsReplay {
 public:
  DnsReplay() = default;
  explicit DnsReplay(DnsLookupFunction synchronous) : synchronous_(std::move(synchronous)) {}

  // The known answer, or throws NeedDnsAnswer after recording the question as pending.
  const DnsAnswer& lookup(const DnsQuestion& question);
  // The same without the throw, for a checker that keeps its own place between answers:
  // nullptr after recording the question as pending.
  const DnsAnswer* answer_or_ask(const DnsQuestion& question);
  void provide(const DnsQuestion& question, DnsAnswer answer);
  const std::optional<DnsQuestion>& pending() const { return pending_; }
  void clear_pending() { pending_.reset(); }
  const std::deque<std::pair<DnsQuestion, DnsAnswer>>& answers() const { return answers_; }

 private:
  DnsLookupFunction synchronous_;
  std::deque<std::pair<DnsQuestion, DnsAnswer>> answers_;  // deque: references stay valid
  std::optional<DnsQuestion> pending_;
};

}  // namespace maillab::auth
