// Wire format: hand-built vectors, compression, round trips, names.
#include <catch2/catch.hpp>

#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"
#include "protocols/dns/wire.h"

using namespace maillab::dns;

namespace {

Bytes bytes_of(std::initializer_list<int> values) {
  Bytes bytes;
  for (int value : values) bytes.push_back(static_cast<std::uint8_t>(value));
  return bytes;
}


}  // namespace

TEST_CASE("dns: names: parsing, limits, case-insensitive comparison, escaping", "[dns][name]") {
  Name name = Name::literal("Mail.Example.ORG.");
  CHECK(name.label_count() == 3);
  CHECK(name.to_text() == "Mail.Example.ORG.");
  CHECK(name == Name::literal("mail.example.org"));
  CHECK(name.is_subdomain_of(Name::literal("example.org")));
  CHECK(name.is_subdomain_of(Name()));
  CHECK_FALSE(Name::literal("example.org").is_subdomain_of(name));
  CHECK_FALSE(Name::literal("badexample.org").is_subdomain_of(Name::literal("example.org")));
  CHECK(Name().to_text() == ".");
  CHECK(name.wire_length() == 18);
  CHECK(name.parent() == Name::literal("example.org"));

  auto relative = Name::from_text("www", Name::literal("example.org"));
  REQUIRE(relative.ok());
  CHECK(relative.value().to_text() == "www.example.org.");

  auto escaped = Name::from_text("a\\.b.c\\032d.example.");
  REQUIRE(escaped.ok());
  CHECK(escaped.value().label_count() == 3);
  CHECK(escaped.value().labels()[0] == "a.b");
  CHECK(escaped.value().labels()[1] == "c d");
  CHECK(escaped.value().to_text() == "a\\.b.c\\032d.example.");

  CHECK_FALSE(Name::from_text(std::string(64, 'a') + ".org").ok());
  CHECK(Name::from_text(std::string(63, 'a') + ".org").ok());
  std::string long_name;
  for (int index = 0; index < 4; ++index) long_name += std::string(63, 'x') + ".";
  CHECK_FALSE(Name::from_text(long_name).ok());  // 4 * 64 + 1 = 257 octets
  CHECK_FALSE(Name::from_text("a..b").ok());
  CHECK_FALSE(Name::from_text("").ok());
  CHECK_FALSE(Name::from_text("bad\\9").ok());
  // RFC 4343: only ASCII letters fold; other octets compare exactly.
  CHECK(Name::from_text("\\200x.org").value() != Name::from_text("\\201x.org").value());
  // Canonical order (RFC 4034 §6.1).
  CHECK(Name::literal("example.org") < Name::literal("a.example.org"));
  CHECK(Name::literal("z.example.net") < Name::literal("a.example.org"));
}

TEST_CASE("dns: encoding a query for example.org MX matches hand-written bytes", "[dns][wire]") {
  Message query = make_recursive_query(0x1234, Name::literal("example.org"), RecordType::MX);
  Bytes expected = bytes_of({0x12, 0x34,  // ID
                             0x01, 0x00,  // QR=0 OPCODE=0 AA=0 TC=0 RD=1 RA=0 Z=0 RCODE=0
                             0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // QD=1 AN=NS=AR=0
                             7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
                             0x00, 0x0F,    // QTYPE MX
                             0x00, 0x01});  // QCLASS IN
  CHECK(encode_message(query) == expected);
  auto decoded = decode_message(expected);
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == query);
}

TEST_CASE("dns: RFC 1035 4.1.4 compression: F.ISI.ARPA, FOO.F.ISI.ARPA, ARPA", "[dns][wire]") {
  SECTION("decoding the RFC's own layout (names at offsets 20, 40 and 64)") {
    Bytes message(80, 0xEE);
    Bytes first = bytes_of({1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0});
    std::copy(first.begin(), first.end(), message.begin() + 20);
    Bytes second = bytes_of({3, 'F', 'O', 'O', 0xC0, 20});
    std::copy(second.begin(), second.end(), message.begin() + 40);
    Bytes third = bytes_of({0xC0, 26});
    std::copy(third.begin(), third.end(), message.begin() + 64);
    std::size_t offset = 20;
    CHECK(decode_name(message, offset).value().to_text() == "F.ISI.ARPA.");
    CHECK(offset == 32);
    offset = 40;
    CHECK(decode_name(message, offset).value().to_text() == "FOO.F.ISI.ARPA.");
    CHECK(offset == 46);
    offset = 64;
    CHECK(decode_name(message, offset).value().to_text() == "ARPA.");
    CHECK(offset == 66);
  }
  SECTION("our encoder emits the same pointers") {
    Message message;
    message.header.id = 1;
    message.header.is_response = true;
    message.questions.push_back({Name::literal("F.ISI.ARPA"), RecordType::A, RecordClass::IN});
    message.answers.push_back(make_record(Name::literal("FOO.F.ISI.ARPA"), 60, rdata::A{0x0A000001}));
    message.answers.push_back(make_record(Name::literal("ARPA"), 60, rdata::NS{Name::literal("F.ISI.ARPA")}));
    Bytes expected = bytes_of({0x00, 0x01, 0x80, 0x00, 0, 1, 0, 2, 0, 0, 0, 0,
                               // offset 12: F.ISI.ARPA
                               1, 'F', 3, 'I', 'S', 'I', 4, 'A', 'R', 'P', 'A', 0, 0, 1, 0, 1,
                               // offset 28: FOO + pointer to 12
                               3, 'F', 'O', 'O', 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1,
                               // offset 48: ARPA as a pointer to offset 18, NS RDATA a pointer to 12
                               0xC0, 18, 0, 2, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 12});
    Bytes encoded = encode_message(message);
    CHECK(encoded == expected);
    auto decoded = decode_message(encoded);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == message);
  }
}

TEST_CASE("dns: compression is case-preserving", "[dns][wire]") {
  Message message;
  message.header.is_response = true;
  message.questions.push_back({Name::literal("Example.ORG"), RecordType::MX, RecordClass::IN});
  message.answers.push_back(make_record(Name::literal("example.org"), 300, rdata::MX{10, Name::literal("mail.Example.ORG")}));
  Bytes encoded = encode_message(message);
  auto decoded = decode_message(encoded);
  REQUIRE(decoded.ok());
  CHECK(decoded.value().questions[0].name.to_text() == "Example.ORG.");
  CHECK(decoded.value().answers[0].name.to_text() == "example.org.");
  CHECK(std::get<rdata::MX>(decoded.value().answers[0].data).exchange.to_text() == "mail.Example.ORG.");
  // The owner "example.org" differs in case from "Example.ORG", so it is written out in full
  // (12 + 17 question octets, then 13); the exchange reuses the question's octets exactly.
  CHECK(encoded.size() == 12 + 17 + 13 + 10 + 9);
  Bytes rdata(encoded.end() - 11, encoded.end());
  CHECK(rdata == bytes_of({0, 9, 0, 10, 4, 'm', 'a', 'i', 'l', 0xC0, 12}));
}

TEST_CASE("dns: every record type round-trips through the wire format", "[dns][wire]") {
  Message message;
  message.header.id = 0xBEEF;
  message.header.is_response = true;
  message.header.authoritative = true;
  message.header.recursion_desired = true;
  message.header.recursion_available = true;
  message.header.rcode = Rcode::NXDOMAIN;
  message.header.opcode = Opcode::QUERY;
  Name origin = Name::literal("example.org");
  message.questions.push_back({origin, RecordType::ANY, RecordClass::IN});
  message.answers.push_back(make_record(origin, 1, rdata::A{0xC0000201}));
  rdata::AAAA aaaa;
  aaaa.address = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  message.answers.push_back(make_record(origin, 2, aaaa));
  message.answers.push_back(make_record(origin, 3, rdata::NS{Name::literal("ns1.example.org")}));
  message.answers.push_back(make_record(Name::literal("www.example.org"), 4, rdata::CNAME{Name::literal("web.example.net")}));
  message.answers.push_back(make_record(origin, 5, rdata::MX{10, Name::literal("mail.example.org")}));
  message.answers.push_back(make_record(origin, 6, rdata::TXT{{"v=spf1 -all", "", std::string(255, 'x')}}));
  message.answers.push_back(make_record(Name::literal("1.2.0.192.in-addr.arpa"), 7, rdata::PTR{origin}));
  message.authorities.push_back(make_record(origin, 8,
                                            rdata::SOA{Name::literal("ns1.example.org"), Name::literal("hostmaster.example.org"),
                                                       2024010101, 7200, 3600, 1209600, 300}));
  message.additionals.push_back(make_raw_record(origin, static_cast<RecordType>(99), 9, {1, 2, 3}));
  Bytes encoded = encode_message(message);
  auto decoded = decode_message(encoded);
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == message);
  CHECK(encode_message(decoded.value()) == encoded);
}

TEST_CASE("dns: header flags and opcodes survive a round trip", "[dns][wire]") {
  Message message;
  message.header.id = 7;
  message.header.opcode = Opcode::NOTIFY;
  message.header.truncated = true;
  message.header.authentic_data = true;
  message.header.checking_disabled = true;
  message.header.rcode = Rcode::REFUSED;
  Bytes encoded = encode_message(message);
  CHECK(encoded[2] == ((4 << 3) | 0x02));
  CHECK(encoded[3] == (0x20 | 0x10 | 5));
  CHECK(decode_message(encoded).value() == message);
}

TEST_CASE("dns: long TXT strings are split into 255-octet character-strings", "[dns][wire]") {
  Message message;
  message.answers.push_back(make_record(Name::literal("t.example"), 60, rdata::TXT{{std::string(300, 'a')}}));
  auto decoded = decode_message(encode_message(message));
  REQUIRE(decoded.ok());
  const auto& strings = std::get<rdata::TXT>(decoded.value().answers[0].data).strings;
  REQUIRE(strings.size() == 2);
  CHECK(strings[0].size() == 255);
  CHECK(strings[1].size() == 45);
}

TEST_CASE("dns: a TXT record with empty RDATA is refused, not changed into one empty string", "[dns][wire]") {
  // Found by fuzz_dns_message: RFC 1035 §3.3.14 says one or more character-strings; the empty
  // RDATA decoded to none and encoded back as one, so the round trip changed the record.
  Message message;
  message.answers.push_back(make_record(Name::literal("t.example"), 60, rdata::TXT{{""}}));
  Bytes encoded = encode_message(message);
  auto decoded = decode_message(encoded);
  REQUIRE(decoded.ok());
  CHECK(std::get<rdata::TXT>(decoded.value().answers[0].data).strings == std::vector<std::string>{""});
  REQUIRE(encoded.back() == 0);  // RDLENGTH 1 holding one empty character-string
  encoded.pop_back();
  encoded[encoded.size() - 1] = 0;  // RDLENGTH 0
  auto empty = decode_message(encoded);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find("TXT RDATA is empty") != std::string::npos);
}

TEST_CASE("dns: oversized messages drop the additional section, then set TC", "[dns][wire]") {
  Message message;
  message.header.is_response = true;
  message.questions.push_back({Name::literal("big.example"), RecordType::TXT, RecordClass::IN});
  for (int index = 0; index < 3; ++index)
    message.answers.push_back(make_record(Name::literal("big.example"), 60, rdata::TXT{{std::string(200, 'a' + index)}}));
  Bytes full = encode_message(message);
  CHECK(full.size() > 512);
  Bytes cut = encode_message(message, 512);
  auto decoded = decode_message(cut);
  REQUIRE(decoded.ok());
  CHECK(decoded.value().header.truncated);
  CHECK(decoded.value().answers.empty());
  CHECK(decoded.value().questions.size() == 1);

  Message small = message;
  small.answers.resize(1);
  small.additionals = message.answers;
  Bytes without_additional = encode_message(small, 512);
  auto small_decoded = decode_message(without_additional);
  REQUIRE(small_decoded.ok());
  CHECK_FALSE(small_decoded.value().header.truncated);
  CHECK(small_decoded.value().answers.size() == 1);
  CHECK(small_decoded.value().additionals.empty());
}

TEST_CASE("dns: IPv4 and IPv6 text forms", "[dns][wire]") {
  CHECK(ipv4_to_text(0xC0000201) == "192.0.2.1");
  CHECK(ipv4_from_text("192.0.2.1") == 0xC0000201u);
  CHECK_FALSE(ipv4_from_text("192.0.2").has_value());
  CHECK_FALSE(ipv4_from_text("192.0.2.256").has_value());
  CHECK_FALSE(ipv4_from_text("1.2.3.4.5").has_value());
  auto address = ipv6_from_text("2001:db8::1");
  REQUIRE(address.has_value());
  CHECK(ipv6_to_text(*address) == "2001:db8::1");
  CHECK(ipv6_to_text(*ipv6_from_text("2001:db8:0:0:1:0:0:1")) == "2001:db8::1:0:0:1");
  CHECK(ipv6_to_text(*ipv6_from_text("::")) == "::");
  CHECK(ipv6_to_text(*ipv6_from_text("fe80::")) == "fe80::");
  CHECK(ipv6_to_text(*ipv6_from_text("1:0:2:3:4:5:6:7")) == "1:0:2:3:4:5:6:7");
  CHECK_FALSE(ipv6_from_text("1::2::3").has_value());
  CHECK_FALSE(ipv6_from_text("12345::").has_value());
}

TEST_CASE("dns: the reverse pointer name lists an IPv4 address's octets backwards under in-addr.arpa", "[dns][name]") {
  CHECK(maillab::dns::reverse_pointer_name(0x0a000319) == "25.3.0.10.in-addr.arpa.");   // 10.0.3.25
  CHECK(maillab::dns::reverse_pointer_name(0xc0000201) == "1.2.0.192.in-addr.arpa.");   // 192.0.2.1
}
