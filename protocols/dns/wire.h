#pragma once
// RFC 1035 §4 wire format: encode with name compression (§4.1.4), decode with full validation.
//
// Decoding never trusts the input: every length, count and compression pointer is checked, and
// any problem comes back as an Error with the byte offset where it was found.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocols/dns/message.h"
#include "protocols/dns/result.h"

namespace maillab::dns {

using Bytes = std::vector<std::uint8_t>;

// Encodes `message`. Names are compressed against earlier names with exactly the same octets
// (case-preserving), in owner names, questions and the RDATA of NS, CNAME, SOA, MX and PTR
// (RFC 3597 §4: only the RFC 1035 types). TXT strings longer than 255 octets are split.
// If the result would exceed `max_size` (512 for plain UDP, RFC 1035 §4.2.1; the EDNS payload
// size otherwise, see udp_reply_limit), the additional section is dropped first; if still too
// big, only the header and question are sent with TC set. `message.edns` becomes the OPT record,
// last in the additional section, and is never dropped (RFC 6891 §7).
Bytes encode_message(const Message& message, std::size_t max_size = 65535);

// An OPT record is taken out of the additional section into `edns` (its extended RCODE into
// header.rcode). More than one OPT, an OPT outside the additional section or not owned by the
// root is an error (RFC 6891 §6.1.1-6.1.2): a server answers it FORMERR.
Result<Message> decode_message(std::span<const std::uint8_t> bytes);

// How big a UDP reply to a query with `asked` (its OPT record, if any) may be (RFC 6891 §6.2.3-6.2.5): 512 without EDNS (RFC 1035
// §4.2.1); with EDNS the asker's payload size (at least 512), but no more than `own_payload_size`,
// what this responder is willing to send.
std::size_t udp_reply_limit(const std::optional<Edns>& asked, std::size_t own_payload_size = default_edns_payload_size);

// Decodes the (possibly compressed) name starting at `offset` and moves `offset` past it.
// Compression pointers must point strictly backwards (which also rules out loops).
Result<Name> decode_name(std::span<const std::uint8_t> bytes, std::size_t& offset);

// The 16-bit id of a message, if it is at least that long (used to answer FORMERR to junk).
std::optional<std::uint16_t> peek_id(std::span<const std::uint8_t> bytes);

}  // namespace maillab::dns
