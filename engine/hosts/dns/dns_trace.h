// Small helpers shared by the DNS services: how a DNS message becomes a trace record.
#pragma once

#include <string>

#include "engine/core/trace.h"
#include "engine/net/address.h"
#include "engine/net/host.h"

namespace maillab::engine {

// The name of the host at `address`, or its dotted quad when no host has it.
std::string dns_peer_name(Host& host, Address address);

// Appends one `protocol` record with protocol "DNS".
void record_dns(Host& host, TraceKind kind, std::string peer, std::string summary,
                std::vector<std::uint8_t> payload = {});

}  // namespace maillab::engine
