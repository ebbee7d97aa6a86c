#pragma once
// Stub-resolver helpers (RFC 1034 §5.3.1): build a recursive query, match its reply, and pull
// out what an MTA needs (RFC 5321 §5.1: MX list by preference, then addresses).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "protocols/dns/message.h"
#include "protocols/dns/result.h"
#include "protocols/dns/wire.h"

namespace maillab::dns {

// One question, RD=1, opcode QUERY, the given id.
Message make_recursive_query(std::uint16_t id, const Name& name, RecordType type);

// Decodes `reply_bytes` and checks it answers `query` (RFC 5452 §9.1: id and question match,
// QR set). Errors for undecodable or non-matching replies; the rcode is not judged here.
Result<Message> match_reply(const Message& query, std::span<const std::uint8_t> reply_bytes);
// The same checks on a reply decoded already (one datagram tried against several queries is
// decoded once): why it does not answer `query`, or nothing when it does.
std::optional<Error> reply_mismatch(const Message& query, const Message& reply);

struct MailExchanger {
  std::uint16_t preference = 0;
  Name exchange;
  friend bool operator==(const MailExchanger&, const MailExchanger&) = default;
};

// The name `name` leads to after the CNAMEs in the answer section (itself if none).
Name follow_cnames(const Message& response, const Name& name);
// MX records for `name` (after CNAMEs) sorted by preference; equal preferences keep answer order.
// An empty list means "no MX": the caller falls back to the A record (RFC 5321 §5.1).
std::vector<MailExchanger> extract_mail_exchangers(const Message& response, const Name& name);
// A records for `name` (after CNAMEs), in answer order.
std::vector<std::uint32_t> extract_ipv4_addresses(const Message& response, const Name& name);
// A records for `name` found anywhere in the message (e.g. ADDITIONAL data for an exchanger).
std::vector<std::uint32_t> find_ipv4_addresses_anywhere(const Message& response, const Name& name);

}  // namespace maillab::dns
