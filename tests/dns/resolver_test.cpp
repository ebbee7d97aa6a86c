// The iterative resolver against a fake Internet of authoritative servers (fake_internet.h).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "tests/support/dns_fake_internet.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"

using namespace maillab::dns;
using namespace maillab::dns::testing;

namespace {

constexpr std::int64_t second = 1'000'000;

}  // namespace

TEST_CASE("dns: resolver walks root -> org -> example.org for MX, then the exchanger's A", "[dns][resolver]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;

  const Message& answer = internet.ask(resolver, 1, Name::literal("example.org"), RecordType::MX);
  CHECK(internet.answers[0].second.client_token == 1);
  CHECK(answer.header.rcode == Rcode::NOERROR);
  CHECK(answer.header.recursion_available);
  CHECK(answer.header.is_response);
  auto exchangers = extract_mail_exchangers(answer, Name::literal("example.org"));
  REQUIRE(exchangers.size() == 2);
  CHECK(exchangers[0] == MailExchanger{10, Name::literal("mail.example.org")});

  REQUIRE(internet.sent.size() == 3);
  CHECK(internet.sent[0].server_address == root_address);
  CHECK(internet.sent[1].server_address == org_address);
  CHECK(internet.sent[2].server_address == example_org_primary);
  CHECK(internet.sent[0].summary == "Q MX example.org");
  auto first_query = decode_message(internet.sent[0].bytes);
  REQUIRE(first_query.ok());
  CHECK_FALSE(first_query.value().header.recursion_desired);  // iterative queries
  CHECK(first_query.value().header.id == 100);                // from the injected id source
  CHECK(narrated(narration, "referral to org. servers"));
  CHECK(narrated(narration, "asking a0.org-servers.net (199.19.56.1) for MX example.org"));
  CHECK(narrated(narration, "referral to example.org. servers"));
  CHECK(internet.answers[0].first == 6 * 10'000);  // three round trips of 20 ms
  // Each narration names its state as to_string(ResolverState) spells it (Unbound's names).
  CHECK(std::string(to_string(ResolverState::init_request)) == "INIT_REQUEST");
  CHECK(std::string(to_string(ResolverState::wait_dependency)) == "WAIT_DEPENDENCY");
  std::set<std::string> states;
  for (const auto& line : narration) states.insert(line.state);
  CHECK(states == std::set<std::string>{to_string(ResolverState::init_request), to_string(ResolverState::query_targets),
                                        to_string(ResolverState::query_response), to_string(ResolverState::finished)});

  // The exchanger's address: the example.org servers are cached, so one query straight to them.
  resolver.start_query(2, Name::literal("mail.example.org"), RecordType::A, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 2);
  CHECK(internet.sent.size() == 4);
  CHECK(internet.sent[3].server_address == example_org_primary);
  CHECK(extract_ipv4_addresses(internet.answers[1].second.response, Name::literal("mail.example.org")) ==
        std::vector<std::uint32_t>{0xC0000219});
  CHECK(resolver.counters().queries_sent == 4);
  CHECK(resolver.counters().cache_misses == 2);
}

TEST_CASE("dns: resolver answers a repeated question from the cache with the remaining TTL", "[dns][resolver]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, internet.now);
  internet.run(resolver);
  std::size_t sent_before = internet.sent.size();

  std::int64_t later = internet.now + 59 * second;
  resolver.start_query(2, Name::literal("example.org"), RecordType::MX, later);
  CHECK_FALSE(resolver.poll_transmit().has_value());  // no datagram at all
  auto answer = resolver.poll_answer();
  REQUIRE(answer.has_value());
  CHECK(answer->client_token == 2);
  REQUIRE(answer->response.answers.size() == 2);
  CHECK(answer->response.answers[0].ttl == 241);  // 300 - 59
  CHECK(internet.sent.size() == sent_before);
  CHECK(resolver.counters().cache_hits == 1);
  CHECK(narrated(narration, "cache hit MX example.org (TTL 241 left)"));

  auto dump = resolver.dump_cache(later);
  auto mx = std::find_if(dump.begin(), dump.end(), [](const CacheEntryView& entry) {
    return entry.type == RecordType::MX && entry.name == Name::literal("example.org");
  });
  REQUIRE(mx != dump.end());
  CHECK(mx->remaining_ttl == 241);
  CHECK(mx->summary == "10 mail.example.org, 20 backup.example.org");
}

TEST_CASE("dns: resolver re-queries once the TTL has expired", "[dns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, internet.now);
  internet.run(resolver);
  REQUIRE(internet.sent.size() == 3);

  internet.now += 301 * second;  // the MX RRset (TTL 300) is gone; the NS sets (3600+) are not
  resolver.start_query(2, Name::literal("example.org"), RecordType::MX, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 2);
  REQUIRE(internet.sent.size() == 4);
  CHECK(internet.sent[3].server_address == example_org_primary);
  CHECK(internet.answers[1].second.response.answers[0].ttl == 300);
}

TEST_CASE("dns: resolver caches NXDOMAIN for the SOA minimum", "[dns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  const Message& first = internet.ask(resolver, 1, Name::literal("nope.example.org"), RecordType::A);
  CHECK(first.header.rcode == Rcode::NXDOMAIN);
  REQUIRE(first.authorities.size() == 1);
  CHECK(first.authorities[0].type == RecordType::SOA);
  std::size_t sent = internet.sent.size();

  // Within 300 s (min of SOA TTL 3600 and MINIMUM 300): from the cache, for any type.
  internet.now += 100 * second;
  resolver.start_query(2, Name::literal("nope.example.org"), RecordType::MX, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 2);
  CHECK(internet.answers[1].second.response.header.rcode == Rcode::NXDOMAIN);
  CHECK(internet.answers[1].second.response.authorities.at(0).ttl == 200);
  CHECK(internet.sent.size() == sent);

  internet.now += 201 * second;
  resolver.start_query(3, Name::literal("nope.example.org"), RecordType::A, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 3);
  CHECK(internet.answers[2].second.response.header.rcode == Rcode::NXDOMAIN);
  CHECK(internet.sent.size() == sent + 1);
}

TEST_CASE("dns: resolver caches NODATA per type", "[dns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  internet.ask(resolver, 1, Name::literal("mail.example.org"), RecordType::AAAA);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::NOERROR);
  CHECK(internet.answers[0].second.response.answers.empty());
  CHECK(summarize_message(internet.answers[0].second.response) == "R NODATA AAAA mail.example.org (SOA example.org.)");
  std::size_t sent = internet.sent.size();
  resolver.start_query(2, Name::literal("mail.example.org"), RecordType::AAAA, internet.now + second);
  CHECK_FALSE(resolver.poll_transmit().has_value());
  REQUIRE(resolver.poll_answer().has_value());
  resolver.start_query(3, Name::literal("mail.example.org"), RecordType::A, internet.now + second);
  internet.run(resolver);
  CHECK(internet.sent.size() == sent + 1);  // another type is not covered
}

TEST_CASE("dns: resolver follows a CNAME into another zone", "[dns][resolver]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  const Message& answer = internet.ask(resolver, 1, Name::literal("www.example.org"), RecordType::A);
  CHECK(answer.header.rcode == Rcode::NOERROR);
  REQUIRE(answer.answers.size() == 2);
  CHECK(format_record(answer.answers[0]) == "www.example.org. 3600 IN CNAME web.example.net.");
  CHECK(format_record(answer.answers[1]) == "web.example.net. 3600 IN A 192.0.2.88");
  CHECK(internet.sent_to(net_address) == 1);
  CHECK(internet.sent_to(example_net_address) == 1);
  CHECK(narrated(narration, "CNAME leads out of example.org. to web.example.net"));

  // The whole chain now comes from the cache.
  std::size_t sent = internet.sent.size();
  resolver.start_query(2, Name::literal("WWW.example.org"), RecordType::A, internet.now + second);
  auto cached = resolver.poll_answer();
  REQUIRE(cached.has_value());
  CHECK(cached->response.answers.size() == 2);
  CHECK(cached->response.questions[0].name.to_text() == "WWW.example.org.");  // the client's case
  CHECK(internet.sent.size() == sent);
}

TEST_CASE("dns: resolver resolves an out-of-bailiwick NS name itself", "[dns][resolver]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  internet.ask(resolver, 1, Name::literal("other.org"), RecordType::MX);
  auto exchangers = extract_mail_exchangers(internet.answers[0].second.response, Name::literal("other.org"));
  REQUIRE(exchangers.size() == 1);
  CHECK(exchangers[0].exchange == Name::literal("mx.other.org"));
  CHECK(narrated(narration, "need the address of ns.example.net"));
  CHECK(std::any_of(narration.begin(), narration.end(), [](const Narration& line) { return line.depth == 1; }));
  // root, org (referral without glue), then for ns.example.net: net, example.net; then other.org.
  CHECK(internet.sent_to(net_address) == 1);
  CHECK(internet.sent_to(example_net_address) == 2);
}

TEST_CASE("dns: resolver times out on a dead server and uses the live secondary", "[dns][resolver]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  internet.dead.insert(example_org_primary);
  internet.ask(resolver, 1, Name::literal("example.org"), RecordType::MX);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::NOERROR);
  CHECK(internet.answers[0].second.response.answers.size() == 2);
  CHECK(internet.sent_to(example_org_primary) == 1);
  CHECK(internet.sent_to(example_org_secondary) == 1);
  // 2 round trips, the 2 s timeout, then one more round trip.
  CHECK(internet.answers[0].first == 40'000 + 2 * second + 20'000);
  CHECK(resolver.counters().timeouts == 1);
  CHECK(narrated(narration, "no answer from ns1.example.org (192.0.2.53) within 2000 ms"));

  // The dead server is avoided for a while: the next question goes to the secondary first.
  resolver.start_query(2, Name::literal("mail.example.org"), RecordType::A, internet.now);
  internet.run(resolver);
  CHECK(internet.sent.back().server_address == example_org_secondary);
  CHECK(internet.sent_to(example_org_primary) == 1);
}

TEST_CASE("dns: resolver gives SERVFAIL when nothing answers, within the budget", "[dns][resolver]") {
  ResolverConfig config = make_config();
  Resolver resolver(config);
  FakeInternet internet;
  internet.dead = {root_address, root_b_address};
  internet.ask(resolver, 1, Name::literal("example.org"), RecordType::MX);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::SERVFAIL);
  CHECK(internet.answers[0].second.response.header.recursion_available);
  CHECK(internet.answers[0].first <= config.query_budget);
  // Each root tried tries_per_server (2) times, 2 s apart.
  CHECK(internet.sent.size() == 4);
  CHECK(internet.answers[0].first == 4 * config.server_timeout);
  CHECK(resolver.counters().servfail_answers == 1);
  CHECK(resolver.active_resolutions() == 0);
  CHECK_FALSE(resolver.poll_timeout().has_value());
}

TEST_CASE("dns: resolver remembers a SERVFAIL for a while, then tries again (RFC 2308 7.1)", "[dns][resolver]") {
  ResolverConfig config = make_config();
  config.servfail_hold = 30 * second;
  Resolver resolver(config);
  FakeInternet internet;
  internet.dead = {root_address, root_b_address};
  internet.ask(resolver, 1, Name::literal("example.org"), RecordType::MX);
  const std::size_t queries_for_the_walk = internet.sent.size();

  // A retry inside the hold is answered SERVFAIL at once, without a query.
  internet.now += 5 * second;
  resolver.start_query(2, Name::literal("example.org"), RecordType::MX, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 2);
  CHECK(internet.answers[1].second.response.header.rcode == Rcode::SERVFAIL);
  CHECK(internet.sent.size() == queries_for_the_walk);

  // After the hold, the resolver walks again.
  internet.now += 30 * second;
  resolver.start_query(3, Name::literal("example.org"), RecordType::MX, internet.now);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 3);
  CHECK(internet.sent.size() > queries_for_the_walk);
}

TEST_CASE("dns: resolver budget cuts a long series of timeouts short", "[dns][resolver]") {
  ResolverConfig config = make_config();
  config.tries_per_server = 10;
  config.query_budget = 5 * second;
  Resolver resolver(config);
  FakeInternet internet;
  internet.dead = {root_address, root_b_address};
  internet.ask(resolver, 1, Name::literal("example.org"), RecordType::MX);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::SERVFAIL);
  CHECK(internet.answers[0].first == 5 * second);
  CHECK(internet.sent.size() == 3);  // at 0, 2 s and 4 s
}

TEST_CASE("dns: resolver coalesces concurrent questions into one resolution", "[dns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, 0);
  resolver.start_query(2, Name::literal("EXAMPLE.org"), RecordType::MX, 0);
  internet.run(resolver);
  CHECK(internet.sent.size() == 3);
  REQUIRE(internet.answers.size() == 2);
  CHECK(internet.answers[0].second.client_token == 1);
  CHECK(internet.answers[1].second.client_token == 2);
  CHECK(internet.answers[1].second.response.answers.size() == 2);
  CHECK(internet.answers[1].second.response.questions[0].name.to_text() == "EXAMPLE.org.");
  CHECK(resolver.counters().coalesced_queries == 1);
}

TEST_CASE("dns: resolver serves raw client queries and echoes their id", "[dns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  Message query = make_recursive_query(0xCAFE, Name::literal("example.org"), RecordType::MX);
  resolver.handle_client_query(9, encode_message(query), 0);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 1);
  auto reply = match_reply(query, internet.answers[0].second.bytes);
  REQUIRE(reply.ok());
  CHECK(reply.value().header.recursion_available);
  CHECK(reply.value().header.recursion_desired);
  CHECK(reply.value().answers.size() == 2);

  resolver.handle_client_query(10, Bytes{0xAB, 0xCD, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12}, 0);
  auto formerr = resolver.poll_answer();
  REQUIRE(formerr.has_value());
  CHECK(formerr->response.header.rcode == Rcode::FORMERR);
  CHECK(formerr->response.header.id == 0xABCD);

  Message notify = query;
  notify.header.opcode = Opcode::NOTIFY;
  resolver.handle_client_query(11, encode_message(notify), 0);
  CHECK(resolver.poll_answer()->response.header.rcode == Rcode::NOTIMP);
  resolver.handle_client_query(12, Bytes{1, 2}, 0);
  CHECK_FALSE(resolver.poll_answer().has_value());
}

TEST_CASE("dns: resolver ignores replies that do not match an outstanding query", "[dns][resolver]") {
  Resolver resolver(make_config());
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, 0);
  auto transmit = resolver.poll_transmit();
  REQUIRE(transmit.has_value());
  Message query = decode_message(transmit->bytes).value();

  Message forged = make_response(query, Rcode::NOERROR);
  forged.answers.push_back(make_record(Name::literal("example.org"), 300, rdata::MX{1, Name::literal("evil.example")}));
  forged.header.id = static_cast<std::uint16_t>(query.header.id + 1);
  resolver.handle_response(root_address, encode_message(forged), 1000);  // wrong id
  forged.header.id = query.header.id;
  resolver.handle_response(0x01010101, encode_message(forged), 1000);  // wrong address
  Message other_question = forged;
  other_question.questions[0].name = Name::literal("example.com");
  resolver.handle_response(root_address, encode_message(other_question), 1000);  // wrong question
  CHECK_FALSE(resolver.poll_answer().has_value());
  CHECK(resolver.counters().unexpected_responses == 3);
  resolver.handle_response(root_address, Bytes{0x00}, 1000);
  CHECK(resolver.counters().unexpected_responses == 4);
  CHECK(resolver.poll_timeout() == 2'000'000);
}

TEST_CASE("dns: resolver skips a server that answers REFUSED or garbage", "[dns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  // The root at 198.41.0.4 turns into a server for nothing: it REFUSES.
  internet.servers[root_address] = ZoneSet();
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, 0);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 1);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::NOERROR);
  CHECK(internet.sent_to(root_address) == 1);
  CHECK(internet.sent_to(root_b_address) == 1);
  CHECK(internet.answers[0].first == 80'000);  // no timeout needed
}

TEST_CASE("dns: resolver stops CNAME loops", "[dns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  internet.servers[example_org_primary] = ZoneSet();
  internet.servers[example_org_primary].add(zone_from(R"(
$ORIGIN example.org.
@ IN SOA ns1 h 1 2 3 4 300
@ IN NS ns1
ns1 IN A 192.0.2.53
loop1 IN CNAME loop2
loop2 IN CNAME loop1
)"));
  resolver.start_query(1, Name::literal("loop1.example.org"), RecordType::A, 0);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 1);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::SERVFAIL);
  CHECK(resolver.active_resolutions() == 0);
}

TEST_CASE("dns: resolver makes no narration words when nobody reads them, and says what it did not make",
          "[dns][resolver]") {
  // The same questions, once with narration read and once without: the same lines in the same
  // order (a trace counts the ones it does not record), the second time without their words.
  auto run = [](bool wanted) {
    std::vector<Narration> narration;
    ResolverConfig config = make_config(&narration);
    config.narration_wanted = [wanted] { return wanted; };
    Resolver resolver(config);
    FakeInternet internet;
    internet.ask(resolver, 1, Name::literal("example.org"), RecordType::MX);
    resolver.start_query(2, Name::literal("Example.ORG"), RecordType::MX, internet.now);  // from the cache
    resolver.start_query(3, Name::literal("nowhere.example.org"), RecordType::A, internet.now);
    internet.run(resolver);
    REQUIRE(internet.answers.size() == 3);
    return narration;
  };
  const std::vector<Narration> read = run(true);
  const std::vector<Narration> unread = run(false);
  REQUIRE(read.size() == unread.size());
  REQUIRE(read.size() > 10);
  for (std::size_t index = 0; index < read.size(); ++index) {
    INFO(read[index].text);
    CHECK_FALSE(read[index].unmade);
    CHECK(unread[index].unmade);
    CHECK(unread[index].text.empty());
    CHECK(unread[index].state == read[index].state);
    CHECK(unread[index].depth == read[index].depth);
    CHECK(unread[index].repeats_datagram == read[index].repeats_datagram);
    // Only a query sent and a reply received repeat a datagram's own summary.
    const bool asking = read[index].text.rfind("asking ", 0) == 0;
    const bool reply = read[index].text.rfind("R ", 0) == 0;
    CHECK(read[index].repeats_datagram == (asking || reply));
  }
  CHECK(narrated(read, "cache hit MX Example.ORG"));
}
