// Matching trace records against lesson patterns (checkpoints and show filters).
#include "lessons/lesson.h"

#include <algorithm>

#include "engine/net/packet.h"

namespace maillab::lessons {

bool TracePattern::matches(const engine::TraceRecord& record) const {
  if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), record.kind) == kinds.end()) return false;
  if (between && !((record.node == between->first && record.peer == between->second) ||
                   (record.node == between->second && record.peer == between->first)))
    return false;
  const bool summary_ok =
      summary_contains.empty() || std::any_of(summary_contains.begin(), summary_contains.end(), [&](const auto& part) {
        return record.summary.find(part) != std::string::npos;
      });
  return summary_ok && (!node || record.node == *node) && (!peer || record.peer == *peer) &&
         (!protocol || record.protocol == *protocol) && (!message || record.message == *message);
}

bool ShowInstruction::selects(const engine::TraceRecord& record) const {
  if (!acknowledgements && engine::is_pure_ack_hop(record)) return false;
  return pattern.matches(record);
}

}  // namespace maillab::lessons
