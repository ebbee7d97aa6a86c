// Matching trace records against lesson patterns (checkpoints and show filters).
#include "lessons/trace_pattern.h"

#include <algorithm>

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

bool is_pure_ack_hop(const engine::TraceRecord& record) {
  if (record.kind != engine::TraceKind::hop) return false;
  const auto& p = record.payload;
  // IPv4 header (RFC 791): version/IHL in byte 0, total length at 2, protocol (6 = TCP) at 9.
  if (p.size() < 20 || (p[0] >> 4) != 4 || p[9] != 6) return false;
  const std::size_t ip_header = static_cast<std::size_t>(p[0] & 0x0f) * 4;
  const std::size_t total = static_cast<std::size_t>(p[2]) << 8 | p[3];
  if (p.size() < ip_header + 20 || total < ip_header + 20) return false;
  // TCP header (RFC 9293 §3.1): data offset in the high nibble of byte 12, flags in byte 13.
  const std::uint8_t* tcp = p.data() + ip_header;
  const std::size_t tcp_header = static_cast<std::size_t>(tcp[12] >> 4) * 4;
  const std::uint8_t flags = tcp[13] & 0x3f;
  return flags == 0x10 && total == ip_header + tcp_header;
}

bool ShowInstruction::selects(const engine::TraceRecord& record) const {
  if (!acknowledgements && is_pure_ack_hop(record)) return false;
  return pattern.matches(record);
}

}  // namespace maillab::lessons
