#pragma once
// A DNS message (RFC 1035 §4.1): header, question and the three record sections.

#include <cstdint>
#include <optional>
#include <vector>

#include "protocols/dns/name.h"
#include "protocols/dns/record.h"
#include "protocols/dns/types.h"

namespace maillab::dns {

// RFC 1035 §4.1.1. The section counts are not stored: they follow from the vectors.
struct Header {
  std::uint16_t id = 0;
  bool is_response = false;          // QR
  Opcode opcode = Opcode::QUERY;
  bool authoritative = false;        // AA
  bool truncated = false;            // TC
  bool recursion_desired = false;    // RD
  bool recursion_available = false;  // RA
  bool reserved_z = false;           // Z (must be zero; kept so decode/encode round-trips)
  bool authentic_data = false;       // AD (RFC 4035 §3.2.3); dig sets it in queries
  bool checking_disabled = false;    // CD (RFC 4035 §3.2.2)
  Rcode rcode = Rcode::NOERROR;

  friend bool operator==(const Header&, const Header&) = default;
};

struct Question {
  Name name;
  RecordType type = RecordType::A;
  RecordClass question_class = RecordClass::IN;

  friend bool operator==(const Question&, const Question&) = default;
};

// EDNS(0) (RFC 6891 §6.1): what the OPT pseudo-record says. On the wire it is the last record
// of the additional section; decode_message takes it out of there and encode_message puts it back.
struct EdnsOption {
  std::uint16_t code = 0;
  std::vector<std::uint8_t> data;
  friend bool operator==(const EdnsOption&, const EdnsOption&) = default;
};

// 1232 octets: the DNS Flag Day 2020 default (what BIND, Unbound, Knot and PowerDNS use): a
// datagram that size crosses an IPv6 path of MTU 1280 unfragmented.
inline constexpr std::uint16_t default_edns_payload_size = 1232;

struct Edns {
  std::uint16_t udp_payload_size = default_edns_payload_size;  // the CLASS field (§6.2.3)
  std::uint8_t version = 0;                                    // we implement version 0 only
  bool dnssec_ok = false;                                      // DO (RFC 3225)
  std::uint16_t other_flags = 0;  // the Z bits after DO: "MUST be set to zero" (§6.1.4), kept as read
  std::vector<EdnsOption> options;
  friend bool operator==(const Edns&, const Edns&) = default;
};

// An OPT record announcing `udp_payload_size`, version 0, no flags or options.
inline Edns edns_with_payload(std::uint16_t udp_payload_size) {
  Edns edns;
  edns.udp_payload_size = udp_payload_size;
  return edns;
}

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authorities;
  std::vector<ResourceRecord> additionals;  // without the OPT record: that is `edns`
  std::optional<Edns> edns;

  friend bool operator==(const Message&, const Message&) = default;
};

// A response skeleton for `query`: same id, opcode, RD and question; QR set; given rcode. When
// the query had an OPT record the response has one too (RFC 6891 §7: "compliant responders MUST
// include an OPT record"), with our default payload size.
Message make_response(const Message& query, Rcode rcode);

}  // namespace maillab::dns
