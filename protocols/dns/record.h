#pragma once
// Resource records and their typed RDATA (RFC 1035 §3.2.1, §3.3, §3.4; AAAA RFC 3596 §2.2).
// Types we do not know are carried as raw RDATA octets (RFC 3597), never rejected.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocols/dns/name.h"
#include "protocols/dns/types.h"

namespace maillab::dns {

namespace rdata {
struct A {
  std::uint32_t address = 0;  // host byte order
  friend bool operator==(const A&, const A&) = default;
};
struct AAAA {
  std::array<std::uint8_t, 16> address{};
  friend bool operator==(const AAAA&, const AAAA&) = default;
};
struct NS {
  Name host;
  friend bool operator==(const NS&, const NS&) = default;
};
struct CNAME {
  Name target;
  friend bool operator==(const CNAME&, const CNAME&) = default;
};
struct PTR {
  Name target;
  friend bool operator==(const PTR&, const PTR&) = default;
};
struct SOA {
  Name primary_server;   // MNAME
  Name responsible_mailbox;  // RNAME
  std::uint32_t serial = 0;
  std::uint32_t refresh = 0;
  std::uint32_t retry = 0;
  std::uint32_t expire = 0;
  std::uint32_t minimum = 0;  // the negative-caching TTL since RFC 2308 §4
  friend bool operator==(const SOA&, const SOA&) = default;
};
struct MX {
  std::uint16_t preference = 0;
  Name exchange;
  friend bool operator==(const MX&, const MX&) = default;
};
struct TXT {
  std::vector<std::string> strings;  // each a <character-string>, at most 255 octets on the wire
  friend bool operator==(const TXT&, const TXT&) = default;
};
struct Unknown {
  std::vector<std::uint8_t> octets;
  friend bool operator==(const Unknown&, const Unknown&) = default;
};
}  // namespace rdata

using RData = std::variant<rdata::A, rdata::AAAA, rdata::NS, rdata::CNAME, rdata::SOA, rdata::MX,
                           rdata::TXT, rdata::PTR, rdata::Unknown>;

// The TYPE a typed RDATA belongs to; nullopt for rdata::Unknown.
std::optional<RecordType> type_of(const RData& data);

struct ResourceRecord {
  Name name;
  RecordType type = RecordType::A;
  RecordClass record_class = RecordClass::IN;
  std::uint32_t ttl = 0;  // seconds
  RData data;

  friend bool operator==(const ResourceRecord&, const ResourceRecord&) = default;
};

// Builds a class-IN record whose TYPE follows from the RDATA alternative.
ResourceRecord make_record(const Name& name, std::uint32_t ttl, RData data);
// For unknown types (raw RDATA).
ResourceRecord make_raw_record(const Name& name, RecordType type, std::uint32_t ttl, std::vector<std::uint8_t> octets);
// TXT RDATA for text of any length: character-strings hold at most 255 octets (RFC 1035 §3.3),
// so a long text (a DKIM key record) is split, and readers join the parts (RFC 6376 §3.6.2.2).
rdata::TXT txt_from_text(std::string_view text);

}  // namespace maillab::dns
