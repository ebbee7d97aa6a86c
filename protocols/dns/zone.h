#pragma once
// Zone data (RFC 1034 §4.2, §4.3.2): an origin, its SOA and the records at or below the origin.
// Records under a delegation (NS below the apex) are the delegation and its glue, not
// authoritative data; the answering code (authoritative.h) treats them so.

#include <unordered_set>
#include <optional>
#include <string_view>
#include <vector>

#include "protocols/dns/name_key.h"
#include "protocols/dns/record.h"
#include "protocols/dns/result.h"

namespace maillab::dns {

class Zone {
 public:
  explicit Zone(ResourceRecord soa);  // origin = the SOA's owner; `soa` must hold rdata::SOA

  // A master-file subset (RFC 1035 §5.1): `$ORIGIN name`, `$TTL seconds`, and lines of
  // `[owner] [TTL] [class] TYPE rdata` with `;` comments, `@`, relative names, an omitted owner
  // (leading blank: the previous owner), quoted TXT strings, ( ) across lines, and `\# len hex`.
  // The zone's SOA must be among the records; Error::offset is the line number.
  static Result<Zone> parse(std::string_view text, const Name& origin = Name());
  // The same from records; exactly one SOA, at the apex of the zone.
  static Result<Zone> from_records(std::vector<ResourceRecord> records);

  const Name& origin() const { return origin_; }
  const ResourceRecord& soa() const { return soa_; }
  const rdata::SOA& soa_data() const { return std::get<rdata::SOA>(soa_.data); }
  // RFC 2308 §5: a negative answer is cached for min(SOA TTL, SOA MINIMUM).
  std::uint32_t negative_ttl() const;

  // Adds one record (a duplicate is ignored). Errors: outside the zone, a second SOA,
  // CNAME next to other data (RFC 1034 §3.6.2), class other than IN.
  std::optional<Error> add(ResourceRecord record);

  std::vector<ResourceRecord> find(const Name& name, RecordType type) const;
  std::vector<ResourceRecord> records_at(const Name& name) const;
  // True when the name owns records or has descendants that do (an empty non-terminal, RFC 4592 §2.2.2).
  bool has_name(const Name& name) const;
  // All records, SOA first, then in canonical name order.
  std::vector<ResourceRecord> all_records() const;

 private:
  Name origin_;
  ResourceRecord soa_;
  // Owner -> its records in the order added, found by hashing the case-folded name (RFC 4343 §3)
  // where a tree in canonical order compared it label by label: every query a server answers
  // looks up several names. all_records() sorts what it lists.
  NameTypeMap<std::vector<ResourceRecord>> nodes_;
  // Every owner and every name above it up to the root: the names has_name() finds, empty
  // non-terminals included (RFC 4592 §2.2.2).
  std::unordered_set<NameTypeKey, NameTypeHash, NameTypeEqual> names_;
  void add_name(const Name& owner);
};

// The zones one server is authoritative for.
class ZoneSet {
 public:
  void add(Zone zone);  // replaces a zone with the same origin
  // The zone with the deepest origin that contains `name` (a parent and its child may both be served).
  const Zone* find_zone(const Name& name) const;
  const std::vector<Zone>& zones() const { return zones_; }

 private:
  std::vector<Zone> zones_;
};

}  // namespace maillab::dns
