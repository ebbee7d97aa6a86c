#pragma once
// A DNS message (RFC 1035 §4.1): header, question and the three record sections.

#include <cstdint>
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

struct Message {
  Header header;
  std::vector<Question> questions;
  std::vector<ResourceRecord> answers;
  std::vector<ResourceRecord> authorities;
  std::vector<ResourceRecord> additionals;

  friend bool operator==(const Message&, const Message&) = default;
};

// A response skeleton for `query`: same id, opcode, RD and question; QR set; given rcode.
Message make_response(const Message& query, Rcode rcode);

}  // namespace maillab::dns
