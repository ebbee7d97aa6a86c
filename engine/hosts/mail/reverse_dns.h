// Reverse DNS of an SMTP client, as Postfix's smtpd does it when a client connects: the PTR
// record of its address under in-addr.arpa (RFC 1035 §3.5), then the A record of the name found,
// which must give the same address back ("forward-confirmed reverse DNS", FCrDNS). Only a
// confirmed name is trusted: it goes into the Received header's TCP-info (RFC 5321 §4.4,
// "from EHLO-NAME (NAME [IP])"); otherwise the header says "unknown", and an MTA with
// require_reverse_dns refuses the client at RCPT TO with 450 4.7.25 (RFC 7372 §3.3, Postfix's
// reject_unknown_client_hostname).
#pragma once

#include <functional>
#include <string>

#include "engine/net/address.h"

namespace maillab::engine {

class Host;
class StubResolver;

struct ClientHostname {
  enum class Status {
    verified,   // PTR found and its name's A record gives the address back
    no_ptr,     // NXDOMAIN or no PTR record
    mismatch,   // the PTR's name has no A record with this address
    temporary,  // the resolver did not answer (timeout) or SERVFAIL
  };
  Status status = Status::temporary;
  std::string name;    // the verified name (status verified), else ""
  std::string detail;  // what was found, for the trace: "PTR mail.example.com., A 10.0.3.25"
};

std::string_view to_string(ClientHostname::Status status);

// Asks `resolver` for the PTR of `address`, then the A record of the first PTR name, and calls
// `done` exactly once (later, never re-entrantly) unless `resolver` is destroyed first. Both
// lookups are the stub's own, traced as DNS queries; the stub's retries bound how long it takes
// (tries x retry_interval per lookup), so it never waits for ever. The outcome is traced as a
// `mail` record at `host` ("reverse DNS: ...").
void lookup_client_hostname(Host& host, StubResolver& resolver, Address address, std::string peer_name,
                            std::function<void(const ClientHostname&)> done);

}  // namespace maillab::engine
