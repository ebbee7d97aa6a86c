#include "engine/hosts/mailbox/mailbox_trace.h"

#include "engine/net/network.h"

namespace maillab::engine {

std::string mailbox_peer_name(Host& host, Address address) {
  if (auto name = host.network().name_of(address)) return *name;
  return format_address(address);
}

void record_mail_access(Host& host, TraceKind kind, std::string node, std::string peer, std::string protocol,
                        std::string summary, std::uint64_t connection, std::string message) {
  TraceRecord record;
  record.time = host.simulator().now();
  record.kind = kind;
  record.node = std::move(node);
  record.peer = std::move(peer);
  record.protocol = std::move(protocol);
  record.summary = std::move(summary);
  record.connection = connection;
  record.message = std::move(message);
  host.simulator().trace().record(std::move(record));
}

}  // namespace maillab::engine
