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
// If the result would exceed `max_size` (512 for plain UDP, RFC 1035 §4.2.1), the additional
// section is dropped first; if still too big, only the header and question are sent with TC set.
Bytes encode_message(const Message& message, std::size_t max_size = 65535);

Result<Message> decode_message(std::span<const std::uint8_t> bytes);

// Decodes the (possibly compressed) name starting at `offset` and moves `offset` past it.
// Compression pointers must point strictly backwards (which also rules out loops).
Result<Name> decode_name(std::span<const std::uint8_t> bytes, std::size_t& offset);

// The 16-bit id of a message, if it is at least that long (used to answer FORMERR to junk).
std::optional<std::uint16_t> peek_id(std::span<const std::uint8_t> bytes);

}  // namespace maillab::dns
