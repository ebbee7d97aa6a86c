#include "engine/hosts/dns/dns_trace.h"

#include "engine/net/network.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/wire.h"

namespace maillab::engine {

std::string dns_peer_name(Host& host, Address address) {
  if (auto name = host.network().name_of(address)) return *name;
  return format_address(address);
}

bool dns_trace_wanted(Host& host) {
  Trace& trace = host.simulator().trace();
  if (trace.wanted()) return true;
  trace.skip();  // the record is counted, not made
  return false;
}

std::string describe_dns_datagram(std::span<const std::uint8_t> payload) {
  auto message = dns::decode_message(payload);
  return message.ok() ? dns::summarize_message(message.value()) : "DNS (unreadable)";
}

void record_dns(Host& host, TraceKind kind, std::string peer, std::string summary, std::vector<std::uint8_t> payload) {
  Trace& trace = host.simulator().trace();
  if (!trace.wanted()) return trace.skip();
  TraceRecord record;
  record.time = host.simulator().now();
  record.kind = kind;
  record.node = host.name();
  record.peer = std::move(peer);
  record.protocol = "DNS";
  record.summary = std::move(summary);
  record.payload = std::move(payload);
  trace.record(std::move(record));
}

}  // namespace maillab::engine
