// EDNS(0) (RFC 6891): the OPT record on the wire, an authoritative server's replies (payload
// size, BADVERS, FORMERR), and the resolver using EDNS upstream and towards its clients.
#include <catch2/catch.hpp>

#include "tests/support/dns_fake_internet.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"

using namespace maillab::dns;
using namespace maillab::dns::testing;

namespace {

Message query_for(const char* name, RecordType type, std::optional<Edns> edns) {
  Message query = make_recursive_query(77, Name::literal(name), type);
  query.header.recursion_desired = false;
  query.edns = edns;
  return query;
}

Message decoded(const Bytes& bytes) {
  auto message = decode_message(bytes);
  REQUIRE(message.ok());
  return message.value();
}

ZoneSet example_org_zones() { return make_internet().at(example_org_primary); }

// The octets of one OPT record: owner, TYPE 41, CLASS = payload size, TTL, RDLENGTH 0.
void append_opt(Bytes& message, std::uint16_t payload, std::uint8_t version = 0, std::uint8_t owner_label = 0) {
  if (owner_label) {
    message.insert(message.end(), {1, owner_label});
  }
  message.insert(message.end(), {0, 0, 41, static_cast<std::uint8_t>(payload >> 8), static_cast<std::uint8_t>(payload & 0xFF),
                                 0, version, 0, 0, 0, 0});
}

Bytes with_additional_count(Bytes message, std::uint16_t count) {
  message[10] = static_cast<std::uint8_t>(count >> 8);
  message[11] = static_cast<std::uint8_t>(count & 0xFF);
  return message;
}

}  // namespace

TEST_CASE("dns edns: the OPT record round-trips, last in ADDITIONAL, with the extended RCODE", "[dns][edns]") {
  Message message = query_for("example.org", RecordType::MX, Edns{4096, 0, true, 0, {{10, {1, 2, 3, 4, 5, 6, 7, 8}}}});
  message.additionals.push_back(make_record(Name::literal("mail.example.org"), 60, rdata::A{0xC0000219}));
  Bytes wire = encode_message(message);
  CHECK(wire[11] == 2);  // ARCOUNT counts the OPT record
  Message back = decoded(wire);
  CHECK(back == message);
  REQUIRE(back.edns.has_value());
  CHECK(back.edns->udp_payload_size == 4096);
  CHECK(back.edns->dnssec_ok);
  CHECK(back.edns->options.at(0).code == 10);
  CHECK(back.additionals.size() == 1);  // the OPT record is not a plain record

  // BADVERS is 16: 0 in the header's four bits, 1 in the OPT record's EXTENDED-RCODE.
  Message badvers = make_response(message, Rcode::BADVERS);
  Bytes encoded = encode_message(badvers);
  CHECK((encoded[3] & 0x0F) == 0);
  CHECK(decoded(encoded).header.rcode == Rcode::BADVERS);
  CHECK(format_message(decoded(encoded)).find("status: BADVERS") != std::string::npos);
  CHECK(format_message(back).find("; EDNS: version: 0, flags: do; udp: 4096") != std::string::npos);

  // Without OPT, no EDNS.
  CHECK_FALSE(decoded(encode_message(query_for("example.org", RecordType::MX, std::nullopt))).edns.has_value());
}

TEST_CASE("dns edns: two OPT records, an OPT outside ADDITIONAL or not at the root are malformed (RFC 6891 6.1)",
          "[dns][edns]") {
  Bytes base = encode_message(query_for("example.org", RecordType::MX, std::nullopt));
  Bytes twice = base;
  append_opt(twice, 1232);
  append_opt(twice, 1232);
  auto two = decode_message(with_additional_count(twice, 2));
  REQUIRE_FALSE(two.ok());
  CHECK(two.error().message.find("more than one OPT record (RFC 6891 §6.1.1)") != std::string::npos);

  Bytes in_answer = base;
  append_opt(in_answer, 1232);
  in_answer[7] = 1;  // ANCOUNT
  auto answer = decode_message(in_answer);
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.error().message.find("outside the additional section") != std::string::npos);

  Bytes not_root = base;
  append_opt(not_root, 1232, 0, 'x');
  auto owned = decode_message(with_additional_count(not_root, 1));
  REQUIRE_FALSE(owned.ok());
  CHECK(owned.error().message.find("not the root") != std::string::npos);

  // A server answers the two-OPT query FORMERR, its id echoed (§6.1.1: "a FORMERR MUST be returned").
  auto reply = answer_query_bytes(example_org_zones(), with_additional_count(twice, 2));
  REQUIRE(reply.has_value());
  CHECK(decoded(*reply).header.rcode == Rcode::FORMERR);
  CHECK(decoded(*reply).header.id == 77);
  // With an OPT record of its own (RFC 6891 §7: EDNS is understood, the request was malformed).
  CHECK(decoded(*reply).edns.has_value());
  // Not so for junk that is not about EDNS.
  Bytes junk = base;
  junk[5] = 2;  // QDCOUNT 2, one question missing
  auto plain = answer_query_bytes(example_org_zones(), junk);
  REQUIRE(plain.has_value());
  CHECK(decoded(*plain).header.rcode == Rcode::FORMERR);
  CHECK_FALSE(decoded(*plain).edns.has_value());
}

TEST_CASE("dns edns: a zone refuses an OPT record (RFC 6891 6.1.1: never in master files)", "[dns][edns]") {
  Zone zone = zone_from("$ORIGIN example.org.\n@ IN SOA ns1 h 1 2 3 4 300\n");
  auto error = zone.add(make_raw_record(Name::literal("x.example.org"), RecordType::OPT, 0, {}));
  REQUIRE(error.has_value());
  CHECK(error->message.find("RFC 6891 §6.1.1") != std::string::npos);
}

TEST_CASE("dns edns: an authoritative server answers OPT with OPT and sizes UDP replies by it", "[dns][edns]") {
  const ZoneSet zones = example_org_zones();
  // Without EDNS the ~600-octet TXT is cut to fit 512 octets (RFC 1035 §4.2.1).
  Message plain = decoded(*answer_query_bytes(zones, encode_message(query_for("big.example.org", RecordType::TXT, std::nullopt))));
  CHECK(plain.header.truncated);
  CHECK(plain.answers.empty());
  CHECK_FALSE(plain.edns.has_value());

  // With EDNS and 1232 octets announced it comes whole, with our OPT record.
  Message whole = decoded(*answer_query_bytes(zones, encode_message(query_for("big.example.org", RecordType::TXT, Edns{}))));
  CHECK_FALSE(whole.header.truncated);
  CHECK(whole.answers.size() == 1);
  REQUIRE(whole.edns.has_value());
  CHECK(whole.edns->udp_payload_size == 1232);
  CHECK(whole.edns->version == 0);

  // An asker announcing 4096 still gets at most our 1232; one announcing 300 is treated as 512.
  Bytes huge = *answer_query_bytes(zones, encode_message(query_for("huge.example.org", RecordType::TXT, edns_with_payload(4096))));
  CHECK(huge.size() <= 1232);
  CHECK(decoded(huge).header.truncated);
  Bytes small = *answer_query_bytes(zones, encode_message(query_for("big.example.org", RecordType::TXT, edns_with_payload(300))));
  CHECK(decoded(small).header.truncated);
  CHECK(decoded(small).edns.has_value());  // the OPT record stays in a truncated reply (§7)
  CHECK(udp_reply_limit(edns_with_payload(300)) == 512);
  CHECK(udp_reply_limit(std::nullopt) == 512);
  CHECK(udp_reply_limit(edns_with_payload(4096), 1232) == 1232);
  // Over TCP the size is not limited by EDNS.
  CHECK_FALSE(decoded(*answer_query_bytes(zones, encode_message(query_for("huge.example.org", RecordType::TXT, Edns{})),
                                          max_tcp_message))
                  .header.truncated);

  // A server without EDNS ignores the OPT record: no OPT back, 512 octets.
  EdnsSupport old_server;
  old_server.enabled = false;
  Message ignored = decoded(*answer_query_bytes(zones, encode_message(query_for("big.example.org", RecordType::TXT, Edns{})),
                                                max_udp_message, old_server));
  CHECK_FALSE(ignored.edns.has_value());
  CHECK(ignored.header.truncated);
}

TEST_CASE("dns edns: an unknown EDNS version gets BADVERS with our version (RFC 6891 6.1.3)", "[dns][edns]") {
  Edns version_one;
  version_one.version = 1;
  Message reply = decoded(*answer_query_bytes(example_org_zones(),
                                              encode_message(query_for("example.org", RecordType::MX, version_one))));
  CHECK(reply.header.rcode == Rcode::BADVERS);
  CHECK(reply.answers.empty());
  REQUIRE(reply.edns.has_value());
  CHECK(reply.edns->version == 0);

  Resolver resolver(make_config());
  Message query = query_for("example.org", RecordType::MX, version_one);
  query.header.recursion_desired = true;
  resolver.handle_client_query(1, encode_message(query), 0);
  CHECK_FALSE(resolver.poll_transmit().has_value());
  auto answer = resolver.poll_answer();
  REQUIRE(answer.has_value());
  CHECK(decoded(answer->bytes).header.rcode == Rcode::BADVERS);
  CHECK(decoded(answer->bytes).edns->version == 0);
}

TEST_CASE("dns edns: the resolver asks with EDNS, so a 600-octet answer needs no TCP", "[dns][edns][resolver]") {
  Resolver resolver(make_config());
  FakeInternet internet;
  resolver.start_query(1, Name::literal("big.example.org"), RecordType::TXT, 0);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 1);
  CHECK(internet.answers[0].second.response.answers.size() == 1);
  for (const auto& transmit : internet.sent) {
    CHECK_FALSE(transmit.tcp);
    Message query = decoded(transmit.bytes);
    REQUIRE(query.edns.has_value());
    CHECK(query.edns->udp_payload_size == 1232);
  }
  CHECK(resolver.counters().tcp_queries == 0);

  // A client with EDNS gets the answer whole over UDP, with an OPT record; one without, TC.
  Message with_edns = make_recursive_query(5, Name::literal("big.example.org"), RecordType::TXT);
  with_edns.edns = edns_with_payload(1232);
  resolver.handle_client_query(2, encode_message(with_edns), internet.now);
  auto answer = resolver.poll_answer();
  REQUIRE(answer.has_value());
  Message sent = decoded(answer->bytes);
  CHECK_FALSE(sent.header.truncated);
  CHECK(sent.answers.size() == 1);
  REQUIRE(sent.edns.has_value());
  CHECK(sent.edns->udp_payload_size == 1232);
  resolver.handle_client_query(3, encode_message(make_recursive_query(6, Name::literal("big.example.org"), RecordType::TXT)),
                               internet.now);
  Message cut = decoded(resolver.poll_answer()->bytes);
  CHECK(cut.header.truncated);
  CHECK_FALSE(cut.edns.has_value());
}

TEST_CASE("dns edns: a server that ignores EDNS truncates at 512 and the resolver goes to TCP, saying why",
          "[dns][edns][resolver]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  internet.without_edns = {example_org_primary, example_org_secondary};
  resolver.start_query(1, Name::literal("big.example.org"), RecordType::TXT, 0);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 1);
  CHECK(internet.answers[0].second.response.answers.size() == 1);
  CHECK(resolver.counters().tcp_queries == 1);
  CHECK(narrated(narration,
                 "truncated reply (TC: ns1.example.org does not do EDNS(0), so its UDP answers stop at 512 octets); "
                 "asking ns1.example.org again over TCP"));
}

TEST_CASE("dns edns: a server that answers EDNS with FORMERR is asked again without it, and remembered",
          "[dns][edns][resolver]") {
  std::vector<Narration> narration;
  Resolver resolver(make_config(&narration));
  FakeInternet internet;
  internet.formerr_on_edns = {example_org_primary};
  resolver.start_query(1, Name::literal("example.org"), RecordType::MX, 0);
  internet.run(resolver);
  REQUIRE(internet.answers.size() == 1);
  CHECK(internet.answers[0].second.response.header.rcode == Rcode::NOERROR);
  CHECK(internet.answers[0].second.response.answers.size() == 2);
  // root, org, ns1 with EDNS (FORMERR), ns1 again without.
  REQUIRE(internet.sent.size() == 4);
  CHECK(internet.sent[3].server_address == example_org_primary);
  CHECK(decoded(internet.sent[2].bytes).edns.has_value());
  CHECK_FALSE(decoded(internet.sent[3].bytes).edns.has_value());
  CHECK(resolver.counters().no_edns_retries == 1);
  CHECK(narrated(narration, "answered FORMERR without an OPT record: it does not do EDNS(0)"));
  // Next time ns1 is asked without EDNS straight away.
  resolver.start_query(2, Name::literal("mail.example.org"), RecordType::A, internet.now);
  internet.run(resolver);
  REQUIRE(internet.sent.size() == 5);
  CHECK_FALSE(decoded(internet.sent[4].bytes).edns.has_value());
  CHECK(internet.answers.at(1).second.response.answers.size() == 1);
}
