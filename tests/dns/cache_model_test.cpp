// dns::Cache keeps its entries in hash maps keyed by the case-folded wire form of a name and a
// type (protocols/dns/name_key.h). These tests hold it to a reference written here from the
// cache's contract (protocols/dns/cache.h): a list searched one by one with Name's own
// case-insensitive equality (RFC 4343 §3), RRsets living for their smallest TTL (RFC 2181 §5.2),
// negative entries for min(SOA TTL, MINIMUM) (RFC 2308 §5), the three trust ranks (RFC 2181
// §5.4.1). Names come at random from a few labels in mixed case, so that case-only differences,
// replacements, expiries and NXDOMAIN-over-RRset cases come up often; answers must keep the case
// of what was stored.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "protocols/dns/cache.h"
#include "protocols/dns/name_key.h"

using namespace maillab::dns;

namespace {

constexpr std::int64_t second = 1'000'000;

struct ModelEntry {
  Name name;
  std::uint16_t type = 0;  // 0: NXDOMAIN
  std::vector<ResourceRecord> records;
  std::optional<ResourceRecord> soa;
  std::int64_t expires_at = 0;
  CacheRank rank = CacheRank::glue;
};

class ModelCache {
 public:
  explicit ModelCache(std::uint32_t max_ttl) : max_ttl_(max_ttl) {}

  void store_rrset(std::vector<ResourceRecord> records, CacheRank rank, std::int64_t now) {
    if (records.empty()) return;
    std::uint32_t ttl = max_ttl_;
    for (const auto& record : records) ttl = std::min(ttl, clamp(record.ttl));
    if (ttl == 0) return;
    ModelEntry* existing = find(records.front().name, static_cast<std::uint16_t>(records.front().type));
    if (existing && existing->expires_at > now && existing->rank > rank) return;
    std::vector<ResourceRecord> unique;
    for (auto record : records) {
      record.ttl = ttl;
      if (std::find(unique.begin(), unique.end(), record) == unique.end()) unique.push_back(record);
    }
    const Name owner = records.front().name;
    const auto type = static_cast<std::uint16_t>(records.front().type);
    put(ModelEntry{owner, type, unique, std::nullopt, now + ttl * second, rank});
    if (rank == CacheRank::answer) erase(owner, 0);
  }
  void store_nxdomain(const Name& name, const ResourceRecord& soa, std::int64_t now) {
    std::uint32_t ttl = clamp(Cache::negative_ttl(soa));
    if (ttl) put(ModelEntry{name, 0, {}, soa, now + ttl * second, CacheRank::answer});
  }
  void store_nodata(const Name& name, RecordType type, const ResourceRecord& soa, std::int64_t now) {
    std::uint32_t ttl = clamp(Cache::negative_ttl(soa));
    if (ttl) put(ModelEntry{name, static_cast<std::uint16_t>(type), {}, soa, now + ttl * second, CacheRank::answer});
  }

  CacheLookup lookup(const Name& name, RecordType type, std::int64_t now, CacheRank minimum) {
    CacheLookup result;
    auto fill = [&](const ModelEntry& entry, CacheLookup::Kind kind) {
      result.kind = kind;
      result.remaining_ttl = static_cast<std::uint32_t>((entry.expires_at - now) / second);
      for (auto record : entry.records) {
        record.ttl = result.remaining_ttl;
        result.records.push_back(record);
      }
      if (entry.soa) {
        result.soa = entry.soa;
        result.soa->ttl = result.remaining_ttl;
      }
      return result;
    };
    const ModelEntry* entry = find(name, static_cast<std::uint16_t>(type));
    const bool usable = entry && entry->expires_at > now && entry->rank >= minimum;
    // Finding servers: positive data (glue) wins over the name's NXDOMAIN.
    if (usable && minimum < CacheRank::answer && !entry->soa) return fill(*entry, CacheLookup::Kind::positive);
    if (const ModelEntry* negative = find(name, 0); negative && negative->expires_at > now)
      return fill(*negative, CacheLookup::Kind::nxdomain);
    if (!usable) return result;
    return fill(*entry, entry->soa ? CacheLookup::Kind::nodata : CacheLookup::Kind::positive);
  }

  void purge(std::int64_t now) {
    std::erase_if(entries_, [now](const ModelEntry& entry) { return entry.expires_at <= now; });
  }

  std::size_t size() const { return entries_.size(); }

  // (name, type, remaining TTL, rank) in canonical order; NXDOMAIN shows as ANY.
  std::vector<CacheEntryView> dump(std::int64_t now) const {
    std::vector<CacheEntryView> views;
    for (const auto& entry : entries_) {
      if (entry.expires_at <= now) continue;
      Name shown = entry.records.empty() ? entry.name.lowercase() : entry.records.front().name;
      views.push_back({shown, entry.type ? static_cast<RecordType>(entry.type) : RecordType::ANY,
                       static_cast<std::uint32_t>((entry.expires_at - now) / second), {}, entry.rank});
    }
    std::sort(views.begin(), views.end(), [](const CacheEntryView& left, const CacheEntryView& right) {
      if (left.name != right.name) return left.name < right.name;
      return static_cast<std::uint16_t>(left.type) < static_cast<std::uint16_t>(right.type);
    });
    return views;
  }

 private:
  std::uint32_t clamp(std::uint32_t ttl) const { return (ttl & 0x80000000u) ? 0 : std::min(ttl, max_ttl_); }
  ModelEntry* find(const Name& name, std::uint16_t type) {
    for (auto& entry : entries_)
      if (entry.type == type && entry.name == name) return &entry;
    return nullptr;
  }
  void put(ModelEntry entry) {
    erase(entry.name, entry.type);
    entries_.push_back(std::move(entry));
  }
  void erase(const Name& name, std::uint16_t type) {
    std::erase_if(entries_, [&](const ModelEntry& entry) { return entry.type == type && entry.name == name; });
  }

  std::uint32_t max_ttl_;
  std::vector<ModelEntry> entries_;
};

std::string mixed_case(std::string label, std::mt19937& random) {
  for (auto& c : label)
    if (c >= 'a' && c <= 'z' && random() % 2) c = static_cast<char>(c - 'a' + 'A');
  return label;
}

Name random_name(std::mt19937& random) {
  static const std::vector<std::string> labels = {"a", "mail", "example", "org", "x-1", "ns"};
  std::vector<std::string> chosen;
  const int count = 1 + static_cast<int>(random() % 3);
  for (int index = 0; index < count; ++index) chosen.push_back(mixed_case(labels[random() % labels.size()], random));
  return Name::from_labels(chosen).value();
}

std::uint32_t random_ttl(std::mt19937& random) {
  switch (random() % 8) {
    case 0: return 0;
    case 1: return 0x80000000u | static_cast<std::uint32_t>(random() % 100);  // RFC 2181 §8: zero
    case 2: return 100000;  // over max_ttl: clamped
    default: return static_cast<std::uint32_t>(random() % 120);
  }
}

ResourceRecord random_record(const Name& owner, RecordType type, std::mt19937& random) {
  const std::uint32_t ttl = random_ttl(random);
  switch (type) {
    case RecordType::A: return make_record(owner, ttl, rdata::A{static_cast<std::uint32_t>(random() % 4)});
    case RecordType::NS: return make_record(owner, ttl, rdata::NS{random_name(random)});
    case RecordType::CNAME: return make_record(owner, ttl, rdata::CNAME{random_name(random)});
    default: return make_record(owner, ttl, rdata::MX{static_cast<std::uint16_t>(random() % 3), random_name(random)});
  }
}

ResourceRecord random_soa(std::mt19937& random) {
  return make_record(random_name(random), random_ttl(random),
                     rdata::SOA{random_name(random), random_name(random), 1, 3600, 600, 86400,
                                static_cast<std::uint32_t>(random() % 90)});
}

void check_same(const CacheLookup& got, const CacheLookup& want) {
  REQUIRE(got.kind == want.kind);
  REQUIRE(got.remaining_ttl == want.remaining_ttl);
  REQUIRE(got.records == want.records);  // Name's == ignores case: look at the bytes too
  for (std::size_t index = 0; index < got.records.size(); ++index)
    REQUIRE(got.records[index].name.wire_labels() == want.records[index].name.wire_labels());
  REQUIRE(got.soa == want.soa);
}

}  // namespace

TEST_CASE("The cache answers as a plain list searched without regard to case would", "[cache]") {
  const RecordType types[] = {RecordType::A, RecordType::NS, RecordType::CNAME, RecordType::MX};
  const CacheRank ranks[] = {CacheRank::glue, CacheRank::referral, CacheRank::answer};
  for (std::uint32_t seed = 1; seed <= 40; ++seed) {
    std::mt19937 random(seed);
    Cache cache(3600);
    ModelCache model(3600);
    std::int64_t now = 0;
    for (int step = 0; step < 600; ++step) {
      INFO("seed " << seed << " step " << step);
      now += static_cast<std::int64_t>(random() % 4) * second + static_cast<std::int64_t>(random() % second);
      const Name name = random_name(random);
      const RecordType type = types[random() % 4];
      switch (random() % 10) {
        case 0: case 1: case 2: {
          // An RRset whose owner is written in several cases, with a duplicate now and then.
          std::vector<ResourceRecord> records;
          const int count = 1 + static_cast<int>(random() % 3);
          for (int index = 0; index < count; ++index) {
            ResourceRecord record = random_record(name, type, random);
            if (index > 0) record.name = Name::from_text(mixed_case(name.to_text(), random)).value();
            records.push_back(record);
            if (random() % 4 == 0) records.push_back(record);
          }
          const CacheRank rank = ranks[random() % 3];
          cache.store_rrset(records, rank, now);
          model.store_rrset(records, rank, now);
          break;
        }
        case 3: {
          const ResourceRecord soa = random_soa(random);
          cache.store_nxdomain(name, soa, now);
          model.store_nxdomain(name, soa, now);
          break;
        }
        case 4: {
          const ResourceRecord soa = random_soa(random);
          cache.store_nodata(name, type, soa, now);
          model.store_nodata(name, type, soa, now);
          break;
        }
        case 5: {
          cache.purge(now);
          model.purge(now);
          REQUIRE(cache.size() == model.size());
          break;
        }
        case 6: {
          const auto got = cache.dump(now);
          const auto want = model.dump(now);
          REQUIRE(got.size() == want.size());
          for (std::size_t index = 0; index < got.size(); ++index) {
            REQUIRE(got[index].name.wire_labels() == want[index].name.wire_labels());
            REQUIRE(got[index].type == want[index].type);
            REQUIRE(got[index].remaining_ttl == want[index].remaining_ttl);
            REQUIRE(got[index].rank == want[index].rank);
          }
          break;
        }
        default: {
          const Name asked = Name::from_text(mixed_case(name.to_text(), random)).value();
          const CacheRank minimum = ranks[random() % 3];
          const CacheLookup want = model.lookup(asked, type, now, minimum);
          check_same(cache.lookup(asked, type, now, minimum), want);
          // peek: the same answer without copies, the records' TTLs as stored.
          const CachePeek peeked = cache.peek(asked, type, now, minimum);
          REQUIRE(peeked.kind == want.kind);
          REQUIRE(peeked.records != nullptr);
          const bool shown = want.kind == CacheLookup::Kind::positive;
          REQUIRE(peeked.records->size() == (shown ? want.records.size() : 0));
          for (std::size_t index = 0; shown && index < want.records.size(); ++index) {
            ResourceRecord stored = (*peeked.records)[index];
            stored.ttl = want.records[index].ttl;
            REQUIRE(stored == want.records[index]);
          }
          break;
        }
      }
    }
  }
}

TEST_CASE("Hash-map keys for names match without regard to ASCII case only", "[cache]") {
  const Name lower = Name::literal("mail.example.org.");
  const Name upper = Name::literal("MAIL.Example.ORG.");
  const NameTypeKey key = make_name_type_key(upper, RecordType::MX);
  CHECK(key.folded == lower.wire_labels());
  CHECK(key_name(key).wire_labels() == lower.wire_labels());
  CHECK(NameTypeEqual{}(key, probe(lower, RecordType::MX)));
  CHECK(NameTypeHash{}(key) == NameTypeHash{}(probe(lower, RecordType::MX)));
  CHECK_FALSE(NameTypeEqual{}(key, probe(lower, RecordType::A)));
  CHECK_FALSE(NameTypeEqual{}(key, probe(Name::literal("mail.example.org.uk."), RecordType::MX)));
  // RFC 4343 §3: octets outside A-Z fold to nothing else ('[' is 'Z' + 1, '@' is 'A' - 1).
  CHECK_FALSE(NameTypeEqual{}(probe(Name::literal("a[.org."), 1), probe(Name::literal("a{.org."), 1)));
  CHECK_FALSE(NameTypeEqual{}(probe(Name::literal("a\\@.org."), 1), probe(Name::literal("a`.org."), 1)));
}

TEST_CASE("Hash-map keys fold every octet as common::to_lower does, eight at a time or not", "[cache]") {
  // Every octet value, at every position of a word and in a tail shorter than eight.
  for (int octet = 0; octet < 256; ++octet) {
    for (std::size_t length = 1; length <= 11; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        std::string wire(length, 'q');
        wire[at] = static_cast<char>(octet);
        std::string folded = wire;
        for (auto& c : folded) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        INFO("octet " << octet << " at " << at << " of " << length);
        REQUIRE(NameTypeEqual::same(wire, 1, folded, 1));
        REQUIRE(NameTypeHash::hash(wire, 1) == NameTypeHash::hash(folded, 1));
        std::string other = folded;
        other[at] = static_cast<char>(static_cast<unsigned char>(other[at]) ^ 0x01);
        REQUIRE_FALSE(NameTypeEqual::same(wire, 1, other, 1));
      }
    }
  }
}
