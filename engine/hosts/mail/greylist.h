// Greylisting (Postfix + postgrey style): a relay-port delivery from a (client address, sender,
// recipient) triplet never seen before is answered 450 4.7.1 at RCPT TO; a real MTA queues and
// retries, and a retry at least `delay` after the first attempt passes — and from then on the
// triplet is known and passes at once. Spam tools that never retry are left out.
// postgrey's defaults: delay 300 s, a triplet kept 35 days. (No RFC: it leans on RFC 5321 §4.5.4.1,
// "the sender MUST delay retrying", and on 4yz meaning "try again later", §4.2.1.)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "engine/core/time.h"

namespace maillab::engine {

struct GreylistPolicy {
  Time delay = seconds(300);                 // postgrey --delay
  Time max_age = seconds(35 * 24 * 3600);    // postgrey --max-age: a known triplet is forgotten after
};

class Greylist {
 public:
  explicit Greylist(GreylistPolicy policy = {}) : policy_(policy) {}

  struct Verdict {
    bool pass = true;
    Time wait = 0;        // when refused: how much longer until a retry passes
    bool first = false;   // the triplet was new (this is its first attempt)
  };
  // Looks the triplet up at time `now` and records the attempt. Addresses compare case-insensitively.
  Verdict check(const std::string& client_address, const std::string& sender, const std::string& recipient,
                Time now);
  const GreylistPolicy& policy() const { return policy_; }
  std::size_t size() const { return triplets_.size(); }

 private:
  struct Seen {
    Time first = 0;   // first attempt
    Time last = 0;    // last attempt
    bool passed = false;
  };
  GreylistPolicy policy_;
  std::map<std::tuple<std::string, std::string, std::string>, Seen> triplets_;
};

}  // namespace maillab::engine
