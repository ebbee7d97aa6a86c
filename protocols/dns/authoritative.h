#pragma once
// Authoritative answering as a pure function (RFC 1034 §4.3.2, RFC 2308 §2-3, RFC 4592):
//   exact answer            -> AA, records in ANSWER, addresses of MX/NS targets in ADDITIONAL
//   CNAME                   -> AA, the CNAME in ANSWER, followed while the target stays in the zone
//   below a zone cut        -> referral: AA clear, NS in AUTHORITY, glue A/AAAA in ADDITIONAL
//   name exists, no type    -> NODATA: NOERROR, AA, SOA in AUTHORITY
//   name does not exist     -> NXDOMAIN, AA, SOA in AUTHORITY (TTL = min(SOA TTL, SOA MINIMUM))
//   wildcard "*.parent"     -> synthesized records for names that do not exist
//   name outside our zones  -> REFUSED;  opcode other than QUERY -> NOTIMP;  junk -> FORMERR
//   EDNS (RFC 6891)         -> an OPT in the reply when the query had one; VERSION above 0 ->
//                              BADVERS (§6.1.3); two OPT records -> FORMERR (§6.1.1)

#include <cstddef>
#include <optional>
#include <span>

#include "protocols/dns/message.h"
#include "protocols/dns/wire.h"
#include "protocols/dns/zone.h"

namespace maillab::dns {

Message answer_query(const ZoneSet& zones, const Message& query);

// A server's EDNS(0) support. A server without it is one written before RFC 2671: it ignores the
// OPT record as an additional record it does not know (RFC 1035 was silent on them), answers
// without one and so keeps to 512 octets over UDP. (Other old servers answered FORMERR; the
// resolver copes with both, RFC 6891 §7.)
struct EdnsSupport {
  bool enabled = true;
  std::uint16_t udp_payload_size = default_edns_payload_size;  // the most this server sends over UDP
};

// Bytes in, bytes out. nullopt means "send nothing": the input is a response (never answer
// those: it avoids loops) or is too short to carry a header. Undecodable queries get FORMERR
// with the id echoed. `max_size` is the transport's limit without EDNS (512 for UDP, RFC 1035
// §4.2.1; 65535 for TCP); an EDNS query over UDP raises it to udp_reply_limit. Responses larger
// than the limit are truncated (TC).
std::optional<Bytes> answer_query_bytes(const ZoneSet& zones, std::span<const std::uint8_t> query,
                                        std::size_t max_size = 512, const EdnsSupport& edns = {});
// The same for a caller that has decoded `query` already (decode_message(query) is `decoded`):
// a server that reads the question for its own records decodes the datagram once.
std::optional<Bytes> answer_query_bytes(const ZoneSet& zones, std::span<const std::uint8_t> query,
                                        Result<Message> decoded, std::size_t max_size, const EdnsSupport& edns);

}  // namespace maillab::dns
