#pragma once
// The resolver's cache: RRsets by (name, type) with absolute expiry times, and negative answers
// (RFC 2308): NXDOMAIN per name (all types), NODATA per (name, type), each kept for
// min(SOA TTL, SOA MINIMUM). Time is passed in (microseconds); nothing here reads a clock.
// Lookups return records with the remaining TTL (whole seconds, rounded down).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocols/dns/name_key.h"
#include "protocols/dns/record.h"

namespace maillab::dns {

// RFC 2181 §5.4.1 trust ranking, simplified to three ranks. Data from an answer section is never
// replaced by a referral's NS records or by glue that arrive later, and lookups name the lowest
// rank they accept: a client is answered only from `answer` data ("data from the additional
// section ... should not be cached in such a way that [it] would ever be returned as answers to
// a received query"), while glue and a referral's NS set serve to reach servers.
enum class CacheRank : std::uint8_t { glue = 0, referral = 1, answer = 2 };

struct CacheLookup {
  enum class Kind { miss, positive, nxdomain, nodata };
  Kind kind = Kind::miss;
  std::vector<ResourceRecord> records;  // positive: the RRset, TTLs set to the remaining time
  std::optional<ResourceRecord> soa;    // negative: the SOA, TTL set to the remaining time
  std::uint32_t remaining_ttl = 0;
};

// What Cache::lookup would say, without copying: the kind, and the RRset as stored (each record's
// TTL the one it was stored with, not the time left; empty unless positive). Valid until the
// cache next changes.
struct CachePeek {
  CacheLookup::Kind kind = CacheLookup::Kind::miss;
  const std::vector<ResourceRecord>* records = nullptr;
};

struct CacheEntryView {
  Name name;
  RecordType type = RecordType::A;  // RecordType::ANY for an NXDOMAIN entry (it covers every type)
  std::uint32_t remaining_ttl = 0;
  std::string summary;              // "10 mail.example.org, 20 mx2.example.org" / "NXDOMAIN (SOA org.)"
  CacheRank rank = CacheRank::answer;  // glue and referral NS sets are shown too, for what they are
};

class Cache {
 public:
  explicit Cache(std::uint32_t max_ttl = 86400) : max_ttl_(max_ttl) {}

  // `records` must share owner and type; the RRset lives for the smallest TTL (RFC 2181 §5.2).
  // TTL 0 data is not stored. Returns true if stored (not blocked by better-ranked data).
  bool store_rrset(std::vector<ResourceRecord> records, CacheRank rank, std::int64_t now);
  // RFC 2308 §5: cached for min(SOA TTL, SOA MINIMUM), capped at max_ttl.
  void store_nxdomain(const Name& name, const ResourceRecord& soa, std::int64_t now);
  void store_nodata(const Name& name, RecordType type, const ResourceRecord& soa, std::int64_t now);

  // Data ranked below `minimum` is not seen. With `minimum` below `answer` (finding servers),
  // positive data comes first: glue for a server's name is used even when the name's own zone
  // says it does not exist (the parent's delegation is what reaches the server).
  CacheLookup lookup(const Name& name, RecordType type, std::int64_t now,
                     CacheRank minimum = CacheRank::answer) const;
  // The same answer as lookup(), for a reader that needs only the kind and the rdata (the
  // resolver finding servers).
  CachePeek peek(const Name& name, RecordType type, std::int64_t now, CacheRank minimum = CacheRank::answer) const;
  void purge(std::int64_t now);  // drops expired entries
  void clear();
  // From the next store on; what is cached keeps the expiry it was given.
  void set_max_ttl(std::uint32_t max_ttl) { max_ttl_ = max_ttl; }

  std::vector<CacheEntryView> dump(std::int64_t now) const;  // unexpired entries, canonical order
  std::size_t size() const { return entries_.size() + nxdomain_.size(); }

  static std::uint32_t negative_ttl(const ResourceRecord& soa);  // min(SOA TTL, SOA MINIMUM)

 private:
  struct Entry {
    std::vector<ResourceRecord> records;  // empty for NODATA
    std::optional<ResourceRecord> soa;    // set for negative entries
    std::int64_t expires_at = 0;
    CacheRank rank = CacheRank::glue;
  };
  std::pair<CacheLookup::Kind, const Entry*> find(const Name& name, RecordType type, std::int64_t now,
                                                  CacheRank minimum) const;
  std::uint32_t clamp_ttl(std::uint32_t ttl) const;
  static std::uint32_t remaining(const Entry& entry, std::int64_t now);

  std::uint32_t max_ttl_;
  // Hash maps (RFC 4343 case-insensitive keys): a lookup hashes the name once where an ordered
  // map compared it label by label with a dozen others. dump() sorts what it shows.
  NameTypeMap<Entry> entries_;   // (name, type)
  NameTypeMap<Entry> nxdomain_;  // (name, 0): an NXDOMAIN covers every type
};

}  // namespace maillab::dns
