#include "app/trace_output.h"

#include <sstream>

#include "scenarios/values.h"

namespace maillab::app {

bool is_pure_ack_hop(const engine::TraceRecord& record) {
  if (record.kind != engine::TraceKind::hop) return false;
  const auto& p = record.payload;
  // IPv4 header (RFC 791): version/IHL, total length at 2, protocol at 9.
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

void print_header(std::ostream& out, const scenarios::World& world, engine::Time until) {
  out << "== " << world.name;
  if (!world.title.empty()) out << ": " << world.title;
  out << " ==\n";
  std::istringstream description(world.description);
  for (std::string line; std::getline(description, line);) out << "   " << line << "\n";
  out << "   (" << world.source_file << ", seed " << world.simulator.seed() << ", until "
      << scenarios::format_duration(until) << ")\n\n";
}

}  // namespace maillab::app
