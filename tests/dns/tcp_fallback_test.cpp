// DNS over TCP: the two-octet framing (RFC 1035 §4.2.2) and the resolver repeating a question
// over TCP when the UDP reply comes back truncated (RFC 1035 §4.2.1, RFC 7766 §5).
#include <catch2/catch.hpp>

#include "tests/support/dns_fake_internet.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stream.h"

using namespace maillab::dns;
using namespace maillab::dns::testing;

TEST_CASE("dns stream framing: length first, a reader reassembles messages from any pieces", "[dns][tcp]") {
  const Bytes first = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01};
  const Bytes second(300, 0xab);
  const std::string framed = frame_for_stream(first) + frame_for_stream(second);
  REQUIRE(framed.size() == 2 + first.size() + 2 + second.size());
  CHECK(static_cast<unsigned char>(framed[0]) == 0x00);
  CHECK(static_cast<unsigned char>(framed[1]) == 6);
  CHECK(static_cast<unsigned char>(framed[8]) == 0x01);  // 300 = 0x012c
  CHECK(static_cast<unsigned char>(framed[9]) == 0x2c);

  StreamReader reader;
  // One byte at a time: nothing until a whole message is in.
  std::vector<Bytes> out;
  for (char c : framed) {
    reader.feed(std::string_view(&c, 1));
    while (auto message = reader.next()) out.push_back(*message);
  }
  REQUIRE(out.size() == 2);
  CHECK(out[0] == first);
  CHECK(out[1] == second);
  CHECK(reader.buffered() == 0);

  StreamReader whole;
  whole.feed(framed);
  CHECK(whole.next() == first);
  CHECK(whole.next() == second);
  CHECK_FALSE(whole.next());
}

TEST_CASE("dns: a reply too big even for EDNS comes truncated, the resolver asks the same server again over TCP", "[dns][tcp]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  internet.ask(resolver, 1, Name::literal("huge.example.org"), RecordType::TXT);
  const ClientAnswer& answer = internet.answers[0].second;
  CHECK(answer.response.header.rcode == Rcode::NOERROR);
  REQUIRE(answer.response.answers.size() == 1);
  CHECK(summarize_rdata(answer.response.answers[0].data).size() > 1400);  // the whole record
  // To a UDP client the answer is too big again: the encoded bytes say TC, the message is whole.
  CHECK(answer.bytes.size() <= max_udp_message);
  CHECK((answer.bytes[2] & 0x02) != 0);
  CHECK(encode_message(answer.response).size() > max_udp_message);

  // root, org, example.org over UDP (truncated), then example.org over TCP.
  REQUIRE(internet.sent.size() == 4);
  CHECK_FALSE(internet.sent[2].tcp);
  CHECK(internet.sent[3].tcp);
  CHECK(internet.sent[3].server_address == internet.sent[2].server_address);
  CHECK(internet.sent[3].summary == "Q TXT huge.example.org (TCP)");
  CHECK(resolver.counters().tcp_queries == 1);
  CHECK(std::any_of(narration.begin(), narration.end(), [](const Narration& line) {
    return line.text.find("truncated reply (TC: the answer is over the 1232 octets EDNS(0) allows over UDP)") !=
               std::string::npos &&
           line.text.find("again over TCP") != std::string::npos;
  }));
  // Cached whole: the next client gets it without a query.
  resolver.start_query(2, Name::literal("huge.example.org"), RecordType::TXT, internet.now);
  internet.run(resolver);
  CHECK(internet.sent.size() == 4);
  REQUIRE(internet.answers.size() == 2);
  CHECK(internet.answers[1].second.response.answers.size() == 1);
}

TEST_CASE("dns: when TCP never answers, the resolver tries the other server, then gives up with SERVFAIL",
          "[dns][tcp]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  internet.no_tcp = {example_org_primary, example_org_secondary};
  internet.ask(resolver, 1, Name::literal("huge.example.org"), RecordType::TXT);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::SERVFAIL);
  CHECK(internet.sent_to(example_org_primary) >= 2);    // UDP then TCP
  CHECK(internet.sent_to(example_org_secondary) >= 2);  // and the same on the other server
  CHECK(internet.sent.size() <= 24 + 2);                // bounded: never a loop
}

TEST_CASE("dns: small answers never use TCP", "[dns][tcp]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, internet.now);
  internet.run(resolver);
  for (const auto& transmit : internet.sent) CHECK_FALSE(transmit.tcp);
  CHECK(resolver.counters().tcp_queries == 0);
}
