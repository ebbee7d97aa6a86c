#pragma once
// Authoritative answering as a pure function (RFC 1034 §4.3.2, RFC 2308 §2-3, RFC 4592):
//   exact answer            -> AA, records in ANSWER, addresses of MX/NS targets in ADDITIONAL
//   CNAME                   -> AA, the CNAME in ANSWER, followed while the target stays in the zone
//   below a zone cut        -> referral: AA clear, NS in AUTHORITY, glue A/AAAA in ADDITIONAL
//   name exists, no type    -> NODATA: NOERROR, AA, SOA in AUTHORITY
//   name does not exist     -> NXDOMAIN, AA, SOA in AUTHORITY (TTL = min(SOA TTL, SOA MINIMUM))
//   wildcard "*.parent"     -> synthesized records for names that do not exist
//   name outside our zones  -> REFUSED;  opcode other than QUERY -> NOTIMP;  junk -> FORMERR

#include <cstddef>
#include <optional>
#include <span>

#include "protocols/dns/message.h"
#include "protocols/dns/wire.h"
#include "protocols/dns/zone.h"

namespace maillab::dns {

Message answer_query(const ZoneSet& zones, const Message& query);

// Bytes in, bytes out. nullopt means "send nothing": the input is a response (never answer
// those: it avoids loops) or is too short to carry a header. Undecodable queries get FORMERR
// with the id echoed. Responses larger than `max_size` are truncated (TC) per RFC 1035 §4.2.1.
std::optional<Bytes> answer_query_bytes(const ZoneSet& zones, std::span<const std::uint8_t> query,
                                        std::size_t max_size = 512);

}  // namespace maillab::dns
