#include "protocols/dns/cache.h"

#include <algorithm>

#include "protocols/dns/presentation.h"

namespace maillab::dns {

namespace {
constexpr std::int64_t microseconds_per_second = 1'000'000;
}

std::uint32_t Cache::negative_ttl(const ResourceRecord& soa) {
  const auto* data = std::get_if<rdata::SOA>(&soa.data);
  return data ? std::min(soa.ttl, data->minimum) : soa.ttl;
}

std::uint32_t Cache::clamp_ttl(std::uint32_t ttl) const {
  if (ttl & 0x80000000u) ttl = 0;  // RFC 2181 §8: a TTL with the top bit set means zero
  return std::min(ttl, max_ttl_);
}

std::uint32_t Cache::remaining(const Entry& entry, std::int64_t now) {
  if (entry.expires_at <= now) return 0;
  return static_cast<std::uint32_t>((entry.expires_at - now) / microseconds_per_second);
}

bool Cache::store_rrset(std::vector<ResourceRecord> records, CacheRank rank, std::int64_t now) {
  if (records.empty()) return false;
  std::uint32_t ttl = clamp_ttl(records.front().ttl);
  for (const auto& record : records) ttl = std::min(ttl, clamp_ttl(record.ttl));
  if (ttl == 0) return false;
  auto existing = entries_.find(probe(records.front().name, records.front().type));
  if (existing != entries_.end() && existing->second.expires_at > now && existing->second.rank > rank) return false;
  // Each record keeps its own TTL, normalised to the RRset's.
  std::vector<ResourceRecord> unique;
  for (auto& record : records) {
    record.ttl = ttl;
    if (std::find(unique.begin(), unique.end(), record) == unique.end()) unique.push_back(std::move(record));
  }
  // Fresh authoritative data contradicts an old NXDOMAIN; glue or a referral does not (RFC 2181
  // §5.4.1: it ranks below the zone's own answer).
  if (rank == CacheRank::answer)
    if (auto negative = nxdomain_.find(probe(unique.front().name)); negative != nxdomain_.end()) nxdomain_.erase(negative);
  Entry entry{std::move(unique), std::nullopt, now + ttl * microseconds_per_second, rank};
  if (existing != entries_.end()) {
    existing->second = std::move(entry);
  } else {
    NameTypeKey key = make_name_type_key(entry.records.front().name, entry.records.front().type);
    entries_.emplace(std::move(key), std::move(entry));
  }
  return true;
}

void Cache::store_nxdomain(const Name& name, const ResourceRecord& soa, std::int64_t now) {
  std::uint32_t ttl = clamp_ttl(negative_ttl(soa));
  if (ttl == 0) return;
  nxdomain_.insert_or_assign(make_name_type_key(name), Entry{{}, soa, now + ttl * microseconds_per_second, CacheRank::answer});
}

void Cache::store_nodata(const Name& name, RecordType type, const ResourceRecord& soa, std::int64_t now) {
  std::uint32_t ttl = clamp_ttl(negative_ttl(soa));
  if (ttl == 0) return;
  entries_.insert_or_assign(make_name_type_key(name, type),
                            Entry{{}, soa, now + ttl * microseconds_per_second, CacheRank::answer});
}

std::pair<CacheLookup::Kind, const Cache::Entry*> Cache::find(const Name& name, RecordType type, std::int64_t now,
                                                                CacheRank minimum) const {
  auto entry = entries_.find(probe(name, type));
  const bool usable = entry != entries_.end() && entry->second.expires_at > now && entry->second.rank >= minimum;
  const bool for_servers = minimum < CacheRank::answer;
  if (usable && for_servers && !entry->second.soa) return {CacheLookup::Kind::positive, &entry->second};
  if (auto negative = nxdomain_.find(probe(name)); negative != nxdomain_.end() && negative->second.expires_at > now)
    return {CacheLookup::Kind::nxdomain, &negative->second};
  if (!usable) return {CacheLookup::Kind::miss, nullptr};
  return {entry->second.soa ? CacheLookup::Kind::nodata : CacheLookup::Kind::positive, &entry->second};
}

CacheLookup Cache::lookup(const Name& name, RecordType type, std::int64_t now, CacheRank minimum) const {
  CacheLookup result;
  const auto [kind, entry] = find(name, type, now, minimum);
  result.kind = kind;
  if (!entry) return result;
  result.remaining_ttl = remaining(*entry, now);
  for (auto record : entry->records) {
    record.ttl = result.remaining_ttl;
    result.records.push_back(std::move(record));
  }
  if (entry->soa) {
    result.soa = entry->soa;
    result.soa->ttl = result.remaining_ttl;
  }
  return result;
}

CachePeek Cache::peek(const Name& name, RecordType type, std::int64_t now, CacheRank minimum) const {
  const auto [kind, entry] = find(name, type, now, minimum);
  static const std::vector<ResourceRecord> none;
  return {kind, entry ? &entry->records : &none};
}

void Cache::purge(std::int64_t now) {
  std::erase_if(entries_, [now](const auto& item) { return item.second.expires_at <= now; });
  std::erase_if(nxdomain_, [now](const auto& item) { return item.second.expires_at <= now; });
}

void Cache::clear() {
  entries_.clear();
  nxdomain_.clear();
}

std::vector<CacheEntryView> Cache::dump(std::int64_t now) const {
  std::vector<CacheEntryView> views;
  auto soa_text = [](const Entry& entry) { return entry.soa ? " (SOA " + entry.soa->name.to_text() + ")" : std::string(); };
  // NXDOMAIN entries first: the stable sort below keeps them ahead of any (name, ANY) RRset.
  for (const auto& [key, entry] : nxdomain_)
    if (entry.expires_at > now)
      views.push_back({key_name(key), RecordType::ANY, remaining(entry, now), "NXDOMAIN" + soa_text(entry), entry.rank});
  for (const auto& [key, entry] : entries_) {
    if (entry.expires_at <= now) continue;
    std::string summary;
    if (entry.soa) {
      summary = "NODATA" + soa_text(entry);
    } else {
      for (const auto& record : entry.records) summary += (summary.empty() ? "" : ", ") + summarize_rdata(record.data);
    }
    Name owner = entry.records.empty() ? key_name(key) : entry.records.front().name;
    views.push_back({owner, static_cast<RecordType>(key.type), remaining(entry, now), std::move(summary), entry.rank});
  }
  std::stable_sort(views.begin(), views.end(), [](const CacheEntryView& left, const CacheEntryView& right) {
    if (left.name != right.name) return left.name < right.name;
    return static_cast<std::uint16_t>(left.type) < static_cast<std::uint16_t>(right.type);
  });
  return views;
}

}  // namespace maillab::dns
