#include "engine/hosts/mail/greylist.h"

#include <algorithm>
#include <cctype>

#include "protocols/common/ascii_case.h"

namespace maillab::engine {

Greylist::Verdict Greylist::check(const std::string& client_address, const std::string& sender,
                                  const std::string& recipient, Time now) {
  auto key = std::make_tuple(client_address, common::to_lower(sender), common::to_lower(recipient));
  auto found = triplets_.find(key);
  // A triplet not seen for max_age starts again (postgrey forgets it).
  if (found != triplets_.end() && now - found->second.last > policy_.max_age) {
    triplets_.erase(found);
    found = triplets_.end();
  }
  if (found == triplets_.end()) {
    triplets_.emplace(key, Seen{now, now, false});
    return {false, policy_.delay, true};
  }
  Seen& seen = found->second;
  seen.last = now;
  if (seen.passed || now - seen.first >= policy_.delay) {
    seen.passed = true;
    return {true, 0, false};
  }
  return {false, policy_.delay - (now - seen.first), false};
}

}  // namespace maillab::engine
