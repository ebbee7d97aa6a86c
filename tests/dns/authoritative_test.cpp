// Authoritative answering: answer, referral with glue, NXDOMAIN/NODATA with SOA, REFUSED, CNAME.
#include <catch2/catch.hpp>

#include "tests/support/dns_fake_internet.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"

using namespace maillab::dns;
using namespace maillab::dns::testing;

namespace {

Message ask(const ZoneSet& zones, const char* name, RecordType type) {
  Message query = make_recursive_query(77, Name::literal(name), type);
  query.header.recursion_desired = false;
  // Through the wire both ways, as a real server would see it.
  auto reply = answer_query_bytes(zones, encode_message(query));
  REQUIRE(reply.has_value());
  auto decoded = match_reply(query, *reply);
  REQUIRE(decoded.ok());
  return decoded.value();
}

ZoneSet served_by(std::uint32_t address) { return make_internet().at(address); }

}  // namespace

TEST_CASE("dns: authoritative: an exact answer has AA and addresses in ADDITIONAL", "[dns][authoritative]") {
  Message reply = ask(served_by(example_org_primary), "example.org", RecordType::MX);
  CHECK(reply.header.rcode == Rcode::NOERROR);
  CHECK(reply.header.authoritative);
  CHECK_FALSE(reply.header.recursion_available);
  REQUIRE(reply.answers.size() == 2);
  CHECK(format_record(reply.answers[0]) == "example.org. 300 IN MX 10 mail.example.org.");
  CHECK(find_ipv4_addresses_anywhere(reply, Name::literal("mail.example.org")) == std::vector<std::uint32_t>{0xC0000219});
  CHECK(reply.additionals.size() == 2);
  CHECK(summarize_message(reply) == "R MX 10 mail.example.org, 20 backup.example.org");
}

TEST_CASE("dns: authoritative: a zone cut gives a referral with glue and no AA", "[dns][authoritative]") {
  Message from_root = ask(served_by(root_address), "example.org", RecordType::MX);
  CHECK(from_root.header.rcode == Rcode::NOERROR);
  CHECK_FALSE(from_root.header.authoritative);
  CHECK(from_root.answers.empty());
  REQUIRE(from_root.authorities.size() == 1);
  CHECK(format_record(from_root.authorities[0]) == "org. 172800 IN NS a0.org-servers.net.");
  REQUIRE(from_root.additionals.size() == 1);
  CHECK(format_record(from_root.additionals[0]) == "a0.org-servers.net. 172800 IN A 199.19.56.1");
  CHECK(summarize_message(from_root) == "R referral org. NS a0.org-servers.net (glue 1)");

  Message from_org = ask(served_by(org_address), "www.example.org", RecordType::A);
  CHECK(from_org.authorities.size() == 2);
  CHECK(from_org.additionals.size() == 2);
  // A delegation with an out-of-bailiwick NS name has no glue.
  Message other = ask(served_by(org_address), "other.org", RecordType::MX);
  CHECK(other.authorities.size() == 1);
  CHECK(other.additionals.empty());
}

TEST_CASE("dns: authoritative: NXDOMAIN and NODATA carry the SOA with the negative TTL", "[dns][authoritative]") {
  Message missing = ask(served_by(example_org_primary), "nope.example.org", RecordType::A);
  CHECK(missing.header.rcode == Rcode::NXDOMAIN);
  CHECK(missing.header.authoritative);
  CHECK(missing.answers.empty());
  REQUIRE(missing.authorities.size() == 1);
  CHECK(missing.authorities[0].type == RecordType::SOA);
  CHECK(missing.authorities[0].ttl == 300);  // min(SOA TTL 3600, MINIMUM 300), RFC 2308 §3

  Message empty = ask(served_by(example_org_primary), "mail.example.org", RecordType::AAAA);
  CHECK(empty.header.rcode == Rcode::NOERROR);
  CHECK(empty.header.authoritative);
  CHECK(empty.answers.empty());
  REQUIRE(empty.authorities.size() == 1);
  CHECK(empty.authorities[0].type == RecordType::SOA);
  CHECK(summarize_message(empty) == "R NODATA AAAA mail.example.org (SOA example.org.)");
}

TEST_CASE("dns: authoritative: REFUSED outside our zones, NOTIMP, FORMERR", "[dns][authoritative]") {
  ZoneSet zones = served_by(example_org_primary);
  CHECK(ask(zones, "example.net", RecordType::A).header.rcode == Rcode::REFUSED);

  Message notify = make_recursive_query(5, Name::literal("example.org"), RecordType::SOA);
  notify.header.opcode = Opcode::NOTIFY;
  CHECK(answer_query(zones, notify).header.rcode == Rcode::NOTIMP);

  Message two = make_recursive_query(5, Name::literal("example.org"), RecordType::SOA);
  two.questions.push_back(two.questions[0]);
  CHECK(answer_query(zones, two).header.rcode == Rcode::FORMERR);

  Bytes junk = {0xAB, 0xCD, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x0C};
  auto reply = answer_query_bytes(zones, junk);
  REQUIRE(reply.has_value());
  auto decoded = decode_message(*reply);
  REQUIRE(decoded.ok());
  CHECK(decoded.value().header.id == 0xABCD);
  CHECK(decoded.value().header.rcode == Rcode::FORMERR);
  CHECK(decoded.value().header.is_response);

  CHECK_FALSE(answer_query_bytes(zones, Bytes{1, 2, 3}).has_value());  // no header: silence
  Message response = make_response(two, Rcode::NOERROR);
  CHECK_FALSE(answer_query_bytes(zones, encode_message(response)).has_value());  // never answer a response
}

TEST_CASE("dns: authoritative: CNAME followed inside the zone, not outside", "[dns][authoritative]") {
  ZoneSet zones = served_by(example_org_primary);
  Message inside = ask(zones, "alias.example.org", RecordType::A);
  CHECK(inside.header.authoritative);
  REQUIRE(inside.answers.size() == 2);
  CHECK(inside.answers[0].type == RecordType::CNAME);
  CHECK(format_record(inside.answers[1]) == "mail.example.org. 3600 IN A 192.0.2.25");

  Message outside = ask(zones, "www.example.org", RecordType::A);
  CHECK(outside.header.rcode == Rcode::NOERROR);
  REQUIRE(outside.answers.size() == 1);
  CHECK(format_record(outside.answers[0]) == "www.example.org. 3600 IN CNAME web.example.net.");
  CHECK(outside.authorities.empty());

  Message cname_itself = ask(zones, "www.example.org", RecordType::CNAME);
  REQUIRE(cname_itself.answers.size() == 1);
}

TEST_CASE("dns: authoritative: wildcards synthesize records for missing names", "[dns][authoritative]") {
  ZoneSet zones;
  zones.add(Zone::parse("$ORIGIN example.com.\n@ IN SOA ns h 1 2 3 4 60\n*.mail IN MX 10 mx.example.com.\n"
                        "real.mail IN A 192.0.2.1\n").value());
  Message wild = ask(zones, "anything.mail.example.com", RecordType::MX);
  REQUIRE(wild.answers.size() == 1);
  CHECK(wild.answers[0].name == Name::literal("anything.mail.example.com"));
  // An existing name is not covered by the wildcard (RFC 4592 §2.2.1): NODATA.
  Message real = ask(zones, "real.mail.example.com", RecordType::MX);
  CHECK(real.answers.empty());
  CHECK(real.header.rcode == Rcode::NOERROR);
  CHECK(ask(zones, "x.other.example.com", RecordType::MX).header.rcode == Rcode::NXDOMAIN);
}

TEST_CASE("dns: authoritative: empty non-terminals are NODATA, not NXDOMAIN", "[dns][authoritative]") {
  ZoneSet zones;
  zones.add(Zone::parse("$ORIGIN example.com.\n@ IN SOA ns h 1 2 3 4 60\na.b.c IN A 192.0.2.1\n").value());
  CHECK(ask(zones, "b.c.example.com", RecordType::A).header.rcode == Rcode::NOERROR);
  CHECK(ask(zones, "x.b.c.example.com", RecordType::A).header.rcode == Rcode::NXDOMAIN);
}

TEST_CASE("dns: authoritative: answering a query decoded already gives the same bytes", "[dns][authoritative]") {
  // The server decodes a datagram once for its own records and hands the result on.
  const ZoneSet zones = served_by(example_org_primary);
  std::vector<Bytes> datagrams;
  for (const char* name : {"example.org", "mail.example.org", "nowhere.example.org", "example.net"}) {
    Message query = make_recursive_query(9, Name::literal(name), RecordType::MX);
    datagrams.push_back(encode_message(query));
    query.edns = edns_with_payload(1232);
    datagrams.push_back(encode_message(query));
    query.header.is_response = true;  // never answered
    datagrams.push_back(encode_message(query));
  }
  Bytes junk = datagrams.front();
  junk.resize(15);  // a header and half a question: FORMERR
  datagrams.push_back(junk);
  datagrams.push_back(Bytes(5, 0));  // no header: nothing
  for (const auto& bytes : datagrams)
    for (std::size_t limit : {std::size_t{512}, std::size_t{65535}}) {
      const auto whole = answer_query_bytes(zones, bytes, limit, EdnsSupport{});
      CHECK(answer_query_bytes(zones, bytes, decode_message(bytes), limit, EdnsSupport{}) == whole);
    }
}
