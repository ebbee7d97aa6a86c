// One DNS question over TCP (RFC 7766), as the resolver and the stub resolver ask it after a
// truncated UDP reply: connect to port 53, send the message after its two-octet length, take the
// first whole message that comes back, close. A connection that fails or never answers calls
// nothing: the asker's own timer decides when to give up.
#pragma once

#include <functional>
#include <string>

#include "engine/net/host.h"
#include "protocols/dns/wire.h"

namespace maillab::engine {

// `label` names the query's segments in hop records ("Q TXT example.org (TCP)").
void ask_over_tcp(Host& host, Address server, const dns::Bytes& query, std::string label,
                  std::function<void(dns::Bytes reply)> on_reply);

}  // namespace maillab::engine
