// The resolver's limits (issue 14): CNAME loops and chain length, referrals followed, and the
// queries one client question may cost in all. Each ends in SERVFAIL with a line saying why.
#include <catch2/catch.hpp>

#include "tests/support/dns_fake_internet.h"
#include "protocols/dns/presentation.h"

using namespace maillab::dns;
using namespace maillab::dns::testing;

namespace {

void serve_example_org(FakeInternet& internet, const std::string& records) {
  internet.servers[example_org_primary] = ZoneSet();
  internet.servers[example_org_primary].add(zone_from("$ORIGIN example.org.\n@ IN SOA ns1 h 1 2 3 4 300\n@ IN NS ns1\n"
                                                      "ns1 IN A 192.0.2.53\n" + records));
}

Rcode only_answer(const FakeInternet& internet) {
  REQUIRE(internet.answers.size() == 1);
  return internet.answers[0].second.response.header.rcode;
}

}  // namespace

TEST_CASE("dns limits: a CNAME loop inside one zone is SERVFAIL, named as a loop", "[dns][resolver][limits]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  serve_example_org(internet, "loop1 IN CNAME loop2\nloop2 IN CNAME loop1\n");
  resolver.start_query(1, Name::literal("loop1.example.org"), RecordType::A, 0);
  internet.run(resolver);
  CHECK(only_answer(internet) == Rcode::SERVFAIL);
  CHECK(narrated(narration, "A loop1.example.org: SERVFAIL (CNAME loop: loop1.example.org -> loop2.example.org -> "
                            "loop1.example.org, a name the chain has passed already)"));
  CHECK(internet.sent.size() == 3);  // root, org, example.org: the loop is seen in one reply
}

TEST_CASE("dns limits: a CNAME loop across two zones is SERVFAIL, from the cache too", "[dns][resolver][limits]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  serve_example_org(internet, "there IN CNAME back.example.net.\n");
  internet.servers[example_net_address] = ZoneSet();
  internet.servers[example_net_address].add(zone_from(
      "$ORIGIN example.net.\n@ IN SOA ns h 1 2 3 4 600\n@ IN NS ns\nns IN A 192.0.2.80\nback IN CNAME there.example.org.\n"));
  resolver.start_query(1, Name::literal("there.example.org"), RecordType::A, 0);
  internet.run(resolver);
  CHECK(only_answer(internet) == Rcode::SERVFAIL);
  CHECK(narrated(narration, "CNAME loop: there.example.org -> back.example.net -> there.example.org"));

  // Both CNAMEs are cached now: the loop is found without a query, from the other end.
  const std::size_t sent = internet.sent.size();
  narration.clear();
  resolver.start_query(2, Name::literal("back.example.net"), RecordType::A, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 2);
  CHECK(internet.answers[1].second.response.header.rcode == Rcode::SERVFAIL);
  CHECK(internet.sent.size() == sent);
  CHECK(narrated(narration, "CNAME loop: back.example.net -> there.example.org -> back.example.net"));
}

TEST_CASE("dns limits: a CNAME chain longer than 8 is SERVFAIL", "[dns][resolver][limits]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  std::string records;
  for (int link = 0; link < 10; ++link)
    records += "c" + std::to_string(link) + " IN CNAME c" + std::to_string(link + 1) + "\n";
  records += "c10 IN A 192.0.2.10\n";
  serve_example_org(internet, records);
  resolver.start_query(1, Name::literal("c0.example.org"), RecordType::A, 0);
  internet.run(resolver);
  CHECK(only_answer(internet) == Rcode::SERVFAIL);
  CHECK(narrated(narration, "CNAME chain longer than 8"));

  // Eight links are fine.
  Resolver patient(make_config());
  FakeInternet same;
  serve_example_org(same, records);
  patient.start_query(1, Name::literal("c2.example.org"), RecordType::A, 0);
  same.run(patient);
  CHECK(only_answer(same) == Rcode::NOERROR);
}

TEST_CASE("dns limits: more than 16 referrals for one question is SERVFAIL", "[dns][resolver][limits]") {
  // org. delegates l1.org, whose server delegates l2.l1.org, and so on 20 levels down, each zone
  // on a server of its own (one server holding them all would answer from the deepest).
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  std::string name = "org.";
  std::uint32_t address = 0x0A0A0000;  // 10.10.0.0 + level
  std::string org_text = "$ORIGIN org.\n@ IN SOA a0.org-servers.net. noc.org. 1 2 3 4 900\n@ IN NS a0.org-servers.net.\n"
                         "l1 IN NS ns.l1.org.\nns.l1 IN A 10.10.0.1\n";
  internet.servers[org_address] = ZoneSet();
  internet.servers[org_address].add(zone_from(org_text));
  for (int level = 1; level <= 20; ++level) {
    name = "l" + std::to_string(level) + "." + name;
    std::string child = "l" + std::to_string(level + 1);
    std::string text = "$ORIGIN " + name + "\n@ IN SOA ns h 1 2 3 4 300\n@ IN NS ns\nns IN A " + ipv4_to_text(address + level) +
                       "\n" + child + " IN NS ns." + child + "\nns." + child + " IN A " +
                       ipv4_to_text(address + level + 1) + "\n";
    internet.servers[address + level].add(zone_from(text));
  }
  resolver.start_query(1, Name::literal("www.l20.l19.l18.l17.l16.l15.l14.l13.l12.l11.l10.l9.l8.l7.l6.l5.l4.l3.l2.l1.org"),
                       RecordType::A, 0);
  internet.run(resolver);
  CHECK(only_answer(internet) == Rcode::SERVFAIL);
  CHECK(narrated(narration, "referral limit: "));
  CHECK(narrated(narration, "would be referral 17 for this question (at most 16)"));
  // Referral 1 is the root's (to org.), 2 org.'s (to l1), so 17 is l15's server's (to l16).
  CHECK(narrated(narration, "referral limit: l16.l15."));
  CHECK(internet.sent.size() == 17);  // root, org, then l1 ... l15: never l16's server
}

TEST_CASE("dns limits: the queries for one question are counted with its NS-name lookups", "[dns][resolver][limits]") {
  // other.org's only server is ns.example.net, with no glue: MX other.org costs root, org, then
  // A ns.example.net (root, net, example.net), then other.org's server: 6 queries in all.
  {
    Resolver resolver(make_config());
    FakeInternet internet;
    resolver.start_query(1, Name::literal("other.org"), RecordType::MX, 0);
    internet.run(resolver);
    CHECK(only_answer(internet) == Rcode::NOERROR);
    CHECK(internet.sent.size() == 6);
  }
  std::vector<Narration> narration;
  ResolverConfig config = make_config(&narration);
  config.max_queries_per_resolution = 5;  // each task alone stays far below its own 24
  Resolver resolver(config);
  FakeInternet internet;
  resolver.start_query(1, Name::literal("other.org"), RecordType::MX, 0);
  internet.run(resolver);
  CHECK(only_answer(internet) == Rcode::SERVFAIL);
  CHECK(internet.sent.size() == 5);
  CHECK(narrated(narration, "MX other.org: SERVFAIL (query limit: 5 queries sent in all for MX other.org (at most 5, "
                            "NS-name lookups included))"));
  CHECK(resolver.active_resolutions() == 0);
}
