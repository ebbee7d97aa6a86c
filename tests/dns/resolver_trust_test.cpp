// What the resolver may answer from: RFC 2181 §5.4.1 (glue is for reaching servers, never an
// answer) and RFC 1034 §4.3.1 (RD=0: the cache or a referral, never recursion).
#include <catch2/catch.hpp>

#include "tests/support/dns_fake_internet.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"

using namespace maillab::dns;
using namespace maillab::dns::testing;

namespace {

constexpr std::int64_t second = 1'000'000;

// example.org's own server (ns1) says ns1 has TTL 600; the org. zone's glue for it says 3600.
// The org. zone also delegates to ns3.example.org, a name example.org does not have (NXDOMAIN
// there). Then the MX lookup that fills the cache with that glue.
void warm_up_with_disagreeing_glue(Resolver& resolver, FakeInternet& internet) {
  Zone org = *internet.servers[org_address].find_zone(Name::literal("org"));
  REQUIRE_FALSE(org.add(make_record(Name::literal("example.org"), 3600, rdata::NS{Name::literal("ns3.example.org")})).has_value());
  REQUIRE_FALSE(org.add(make_record(Name::literal("ns3.example.org"), 3600, rdata::A{0xC0000237})).has_value());
  internet.servers[org_address].add(org);
  internet.servers[example_org_primary] = ZoneSet();
  internet.servers[example_org_primary].add(zone_from(R"(
$ORIGIN example.org.
$TTL 3600
@        IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@        IN NS ns1
@    300 IN MX 10 mail
ns1  600 IN A 192.0.2.53
)"));
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, 0);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 1);
}

std::uint32_t first_address(const Message& response) {
  for (const auto& record : response.answers)
    if (const auto* a = std::get_if<rdata::A>(&record.data)) return a->address;
  return 0;
}

Message query_without_recursion(std::uint16_t id, const char* name, RecordType type) {
  Message query = make_recursive_query(id, Name::literal(name), type);
  query.header.recursion_desired = false;
  return query;
}

}  // namespace

TEST_CASE("dns: the resolver answers a server's name from its zone, not from the parent's glue (RFC 2181 5.4.1)",
          "[dns][resolver][rank]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  warm_up_with_disagreeing_glue(resolver, internet);
  const std::size_t walk = internet.sent.size();  // root, org, example.org: the glue is cached now

  resolver.start_query(2, Name::literal("ns1.example.org"), RecordType::A, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 2);
  const Message& answer = internet.answers[1].second.response;
  REQUIRE(answer.answers.size() == 1);
  CHECK(answer.answers[0].ttl == 600);  // the zone's TTL, not the glue's 3600
  REQUIRE(internet.sent.size() == walk + 1);
  CHECK(internet.sent.back().server_address == example_org_primary);  // reached through the glue

  // The cache shows the glue was replaced by the authoritative record.
  auto dump = resolver.dump_cache(internet.now);
  auto ns1 = std::find_if(dump.begin(), dump.end(), [](const CacheEntryView& entry) {
    return entry.type == RecordType::A && entry.name == Name::literal("ns1.example.org");
  });
  REQUIRE(ns1 != dump.end());
  CHECK(ns1->rank == CacheRank::answer);
}

TEST_CASE("dns: a name its zone says does not exist is NXDOMAIN even with glue cached for it",
          "[dns][resolver][rank]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  warm_up_with_disagreeing_glue(resolver, internet);
  auto dump = resolver.dump_cache(internet.now);
  CHECK(std::any_of(dump.begin(), dump.end(), [](const CacheEntryView& entry) {
    return entry.name == Name::literal("ns3.example.org") && entry.rank == CacheRank::glue;
  }));

  resolver.start_query(2, Name::literal("ns3.example.org"), RecordType::A, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 2);
  CHECK(internet.answers[1].second.response.header.rcode == Rcode::NXDOMAIN);
  CHECK(first_address(internet.answers[1].second.response) == 0);

}

TEST_CASE("dns cache: glue neither answers nor undoes an NXDOMAIN, it still reaches servers", "[dns][cache][rank]") {
  Cache cache;
  const Name host = Name::literal("ns3.example.org");
  ResourceRecord soa = make_record(Name::literal("example.org"), 3600,
                                   rdata::SOA{Name::literal("ns1.example.org"), Name::literal("h.example.org"), 1, 2, 3, 4, 300});
  cache.store_nxdomain(host, soa, 0);
  CHECK(cache.store_rrset({make_record(host, 3600, rdata::A{0xC0000237})}, CacheRank::glue, second));
  CHECK(cache.lookup(host, RecordType::A, 2 * second).kind == CacheLookup::Kind::nxdomain);
  CHECK(cache.lookup(host, RecordType::A, 2 * second, CacheRank::glue).kind == CacheLookup::Kind::positive);
  // Glue alone is invisible to an answer; the zone's own record replaces it and is.
  const Name other = Name::literal("ns4.example.org");
  cache.store_rrset({make_record(other, 3600, rdata::A{0xC0000238})}, CacheRank::glue, 0);
  CHECK(cache.lookup(other, RecordType::A, 0).kind == CacheLookup::Kind::miss);
  cache.store_rrset({make_record(other, 600, rdata::A{0xC0000238})}, CacheRank::answer, 0);
  CHECK(cache.lookup(other, RecordType::A, 0).records.at(0).ttl == 600);
  // And an authoritative record is never replaced by later glue.
  CHECK_FALSE(cache.store_rrset({make_record(other, 3600, rdata::A{0xC0000239})}, CacheRank::glue, second));
  CHECK(std::get<rdata::A>(cache.lookup(other, RecordType::A, second).records.at(0).data).address == 0xC0000238);
}

TEST_CASE("dns: with RD=0 the resolver refers or answers from its cache, never recursing (RFC 1034 4.3.1)",
          "[dns][resolver][rd]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;

  // Cold cache: a referral to the root servers from the hints, and nothing sent.
  Message cold = query_without_recursion(0x1111, "example.org", RecordType::MX);
  resolver.handle_client_query(1, encode_message(cold), 0);
  CHECK_FALSE(resolver.poll_transmit().has_value());
  auto referral = resolver.poll_answer();
  REQUIRE(referral.has_value());
  auto decoded = match_reply(cold, referral->bytes);
  REQUIRE(decoded.ok());
  CHECK(decoded.value().header.rcode == Rcode::NOERROR);
  CHECK_FALSE(decoded.value().header.recursion_desired);
  CHECK(decoded.value().header.recursion_available);
  CHECK(decoded.value().answers.empty());
  REQUIRE(decoded.value().authorities.size() == 2);
  CHECK(decoded.value().authorities[0].name.is_root());
  CHECK(summarize_message(decoded.value()) == "R referral . NS a.root-servers.net, b.root-servers.net (glue 2)");
  CHECK(narrated(narration, "answering from the cache only (RFC 1034 §4.3.1)"));

  // Warm the cache with a recursive question, then ask again with RD=0: the cached answer.
  resolver.start_query(2, Name::literal("example.org"), RecordType::MX, 0);
  internet.run(resolver);
  const std::size_t sent = internet.sent.size();
  resolver.handle_client_query(3, encode_message(cold), internet.now);
  auto cached = resolver.poll_answer();
  REQUIRE(cached.has_value());
  CHECK(cached->response.answers.size() == 2);
  CHECK(cached->response.header.rcode == Rcode::NOERROR);

  // A name not cached, below a cached delegation: a referral to example.org's servers.
  Message below = query_without_recursion(0x2222, "www2.example.org", RecordType::A);
  resolver.handle_client_query(4, encode_message(below), internet.now);
  auto closer = resolver.poll_answer();
  REQUIRE(closer.has_value());
  CHECK(closer->response.answers.empty());
  REQUIRE_FALSE(closer->response.authorities.empty());
  CHECK(closer->response.authorities[0].name == Name::literal("example.org"));
  CHECK(closer->response.additionals.size() == 2);  // the glue for ns1 and ns2

  CHECK_FALSE(resolver.poll_transmit().has_value());
  CHECK(internet.sent.size() == sent);
  CHECK(resolver.active_resolutions() == 0);
}
