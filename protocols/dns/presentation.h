#pragma once
// Human-readable forms: RFC 1035 §5.1 presentation of records, a dig-like dump of a whole
// message for inspectors, and one-line summaries for trace records.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocols/dns/message.h"

namespace maillab::dns {

// "10 mail.example.org." / "192.0.2.1" / "\"v=spf1 -all\"" / "\# 3 010203" (RFC 3597 §5).
std::string format_rdata(const RData& data);
// "example.org. 3600 IN MX 10 mail.example.org."
std::string format_record(const ResourceRecord& record);
// Multi-line, dig style: header line, flags line, QUESTION/ANSWER/AUTHORITY/ADDITIONAL sections.
std::string format_message(const Message& message);

// One line for a trace record:
//   query:    "Q MX example.org"
//   answer:   "R MX 10 mail.example.org, 20 backup.example.org"
//   CNAME:    "R CNAME www.example.org -> web.example.net; A 192.0.2.7"
//   referral: "R referral org. NS a0.org-servers.net, b0.org-servers.net (glue 2)"
//   negative: "R NXDOMAIN example.invalid (SOA invalid.)" / "R NODATA AAAA example.org (SOA example.org.)"
//   errors:   "R SERVFAIL" / "R REFUSED" / "R FORMERR" / "R NOTIMP"
std::string summarize_message(const Message& message);
// Short RDATA for summaries: names without the trailing dot ("10 mail.example.org").
std::string summarize_rdata(const RData& data);

// RFC 5952 text form of an IPv6 address, and a parser for the usual forms (no embedded IPv4).
std::string ipv6_to_text(const std::array<std::uint8_t, 16>& address);
std::optional<std::array<std::uint8_t, 16>> ipv6_from_text(std::string_view text);

// A <character-string> in quotes with \" \\ and \DDD escapes (RFC 1035 §5.1).
std::string quote_character_string(std::string_view text);

}  // namespace maillab::dns
