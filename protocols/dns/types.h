#pragma once
// Numeric code points from RFC 1035 §3.2.2-3.2.4 and §4.1.1, plus AAAA (RFC 3596).
// Values outside the named ones are legal (unknown types are carried as raw RDATA, RFC 3597).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillab::dns {

enum class RecordType : std::uint16_t {
  A = 1,
  NS = 2,
  CNAME = 5,
  SOA = 6,
  PTR = 12,
  MX = 15,
  TXT = 16,
  AAAA = 28,
  OPT = 41,  // EDNS(0) pseudo-record (RFC 6891): decoded into Message::edns, never a plain record
  AXFR = 252,
  ANY = 255,
};

enum class RecordClass : std::uint16_t { IN = 1, CH = 3, HS = 4, ANY = 255 };

enum class Opcode : std::uint8_t { QUERY = 0, IQUERY = 1, STATUS = 2, NOTIFY = 4, UPDATE = 5 };

// 12 bits with EDNS(0): the header's four and eight more in the OPT record (RFC 6891 §6.1.3).
enum class Rcode : std::uint16_t {
  NOERROR = 0,
  FORMERR = 1,
  SERVFAIL = 2,
  NXDOMAIN = 3,
  NOTIMP = 4,
  REFUSED = 5,
  BADVERS = 16,  // RFC 6891 §6.1.3: the responder does not implement the requested EDNS VERSION
};

// Mnemonics; unknown values use the RFC 3597 generic forms TYPE123 / CLASS123 / RCODE9.
std::string type_to_text(RecordType type);
std::string class_to_text(RecordClass record_class);
std::string opcode_to_text(Opcode opcode);
std::string rcode_to_text(Rcode rcode);
std::optional<RecordType> type_from_text(std::string_view text);  // case-insensitive, accepts TYPEnnn
std::optional<RecordClass> class_from_text(std::string_view text);

// IPv4 addresses are std::uint32_t in host byte order (192.0.2.1 == 0xC0000201), like engine::Address.
std::string ipv4_to_text(std::uint32_t address);
std::optional<std::uint32_t> ipv4_from_text(std::string_view text);

}  // namespace maillab::dns
