// Small helpers shared by the DNS services: how a DNS message becomes a trace record.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "engine/core/trace.h"
#include "engine/net/address.h"
#include "engine/net/host.h"

namespace maillab::engine {

// The name of the host at `address`, or its dotted quad when no host has it.
std::string dns_peer_name(Host& host, Address address);

// Whether anyone wants the DNS record about to be made (Trace::wanted). When not, the record is
// counted here (Trace::skip) and the caller makes none: a summary such as a quoted DKIM key
// record (~400 characters) is then never built.
bool dns_trace_wanted(Host& host);
// How a DNS datagram reads in hop records ("Q MX example.org", "R MX 10 mail.example.org"), made
// from its bytes only when a record is (Host::udp_send with a PayloadDescriber).
std::string describe_dns_datagram(std::span<const std::uint8_t> payload);

// Appends one `protocol` record with protocol "DNS" (when nobody wants records, only counts it).
void record_dns(Host& host, TraceKind kind, std::string peer, std::string summary,
                std::vector<std::uint8_t> payload = {});

}  // namespace maillab::engine
