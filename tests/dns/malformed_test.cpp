// Malformed input: every class of damage is an Error with an offset, never a crash or a hang.
#include <catch2/catch.hpp>

#include <random>

#include "protocols/dns/stub.h"
#include "protocols/dns/wire.h"

using namespace maillab::dns;

namespace {

Bytes header(int questions, int answers = 0, int authorities = 0, int additionals = 0) {
  return Bytes{0x12, 0x34, 0x81, 0x80, 0, static_cast<std::uint8_t>(questions), 0, static_cast<std::uint8_t>(answers),
               0, static_cast<std::uint8_t>(authorities), 0, static_cast<std::uint8_t>(additionals)};
}

void append(Bytes& bytes, std::initializer_list<int> values) {
  for (int value : values) bytes.push_back(static_cast<std::uint8_t>(value));
}

Bytes valid_response() {
  Message message;
  message.header.id = 0x1234;
  message.header.is_response = true;
  message.questions.push_back({Name::literal("example.org"), RecordType::MX, RecordClass::IN});
  message.answers.push_back(make_record(Name::literal("example.org"), 300, rdata::MX{10, Name::literal("mail.example.org")}));
  message.authorities.push_back(make_record(Name::literal("example.org"), 300,
                                            rdata::SOA{Name::literal("ns1.example.org"), Name::literal("h.example.org"), 1, 2, 3, 4, 5}));
  message.additionals.push_back(make_record(Name::literal("mail.example.org"), 300, rdata::A{0xC0000219}));
  message.additionals.push_back(make_record(Name::literal("example.org"), 300, rdata::TXT{{"hello", "world"}}));
  return encode_message(message);
}

std::string error_of(const Bytes& bytes) {
  auto result = decode_message(bytes);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

}  // namespace

TEST_CASE("dns: malformed: truncated anywhere", "[dns][malformed]") {
  Bytes full = valid_response();
  REQUIRE(decode_message(full).ok());
  for (std::size_t length = 0; length < full.size(); ++length) {
    Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(length));
    auto result = decode_message(cut);
    INFO("length " << length);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().offset <= length);
  }
  CHECK(error_of(Bytes{1, 2, 3}).find("shorter than the 12-octet header") != std::string::npos);
}

TEST_CASE("dns: malformed: compression pointer loops and forward pointers", "[dns][malformed]") {
  SECTION("a pointer to itself") {
    Bytes bytes = header(1);
    append(bytes, {0xC0, 12, 0, 1, 0, 1});
    auto result = decode_message(bytes);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().offset == 12);
    CHECK(result.error().message.find("compression pointer") != std::string::npos);
  }
  SECTION("two pointers pointing at each other") {
    Bytes bytes = header(1);
    append(bytes, {0xC0, 14, 0xC0, 12, 0, 1, 0, 1});
    CHECK(error_of(bytes).find("compression pointer") != std::string::npos);
  }
  SECTION("a label then a pointer back to the label (a loop through a label)") {
    Bytes bytes = header(1);
    append(bytes, {1, 'a', 0xC0, 12, 0, 1, 0, 1});
    CHECK(error_of(bytes).find("compression pointer") != std::string::npos);
  }
  SECTION("a forward pointer") {
    Bytes bytes = header(1);
    append(bytes, {0xC0, 18, 0, 1, 0, 1, 1, 'a', 0});
    auto result = decode_message(bytes);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().offset == 12);
  }
  SECTION("a pointer past the end") {
    Bytes bytes = header(1);
    append(bytes, {0xFF, 0xFF, 0, 1, 0, 1});
    CHECK_FALSE(decode_message(bytes).ok());
  }
  SECTION("a pointer cut in half") {
    Bytes bytes = header(1);
    append(bytes, {0xC0});
    CHECK_FALSE(decode_message(bytes).ok());
  }
}

TEST_CASE("dns: malformed: labels over 63 and names over 255 octets", "[dns][malformed]") {
  SECTION("label length 64") {
    Bytes bytes = header(1);
    bytes.push_back(64);
    bytes.insert(bytes.end(), 64, 'a');
    append(bytes, {0, 0, 1, 0, 1});
    auto result = decode_message(bytes);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().offset == 12);
    CHECK(result.error().message.find("over 63") != std::string::npos);
  }
  SECTION("label type 0x80") {
    Bytes bytes = header(1);
    append(bytes, {0x80, 'a', 0, 0, 1, 0, 1});
    CHECK_FALSE(decode_message(bytes).ok());
  }
  SECTION("a name of 5 x 63-octet labels") {
    Bytes bytes = header(1);
    for (int label = 0; label < 5; ++label) {
      bytes.push_back(63);
      bytes.insert(bytes.end(), 63, 'a');
    }
    append(bytes, {0, 0, 1, 0, 1});
    CHECK(error_of(bytes).find("longer than 255") != std::string::npos);
  }
  SECTION("a name over 255 octets built from pointers") {
    Bytes bytes = header(3);
    // name 1 at 12: 3 labels of 63 + root = 193 octets
    for (int label = 0; label < 3; ++label) {
      bytes.push_back(63);
      bytes.insert(bytes.end(), 63, 'b');
    }
    append(bytes, {0, 0, 1, 0, 1});
    std::size_t second = bytes.size();  // name 2: one 63-octet label + pointer to name 1 = 257 octets
    bytes.push_back(63);
    bytes.insert(bytes.end(), 63, 'c');
    append(bytes, {0xC0, 12, 0, 1, 0, 1});
    (void)second;
    CHECK(error_of(bytes).find("longer than 255") != std::string::npos);
  }
}

TEST_CASE("dns: malformed: counts larger than the data", "[dns][malformed]") {
  Bytes bytes = valid_response();
  bytes[7] = 9;  // ANCOUNT 9
  auto result = decode_message(bytes);
  REQUIRE_FALSE(result.ok());
  Bytes huge = header(1, 255, 255, 255);
  append(huge, {0, 0, 1, 0, 1});
  auto huge_result = decode_message(huge);
  REQUIRE_FALSE(huge_result.ok());
  CHECK(huge_result.error().offset == 4);
  Bytes questions = header(3);  // two questions present, three announced
  append(questions, {1, 'a', 0, 0, 1, 0, 1, 0, 0, 1, 0, 1});
  CHECK(decode_message(questions).ok() == false);
}

TEST_CASE("dns: malformed: bad RDATA lengths", "[dns][malformed]") {
  auto record_with = [](int type, std::initializer_list<int> rdata, int declared_length) {
    Bytes bytes = header(0, 1);
    append(bytes, {0, 0, type, 0, 1, 0, 0, 0, 60, 0, declared_length});
    append(bytes, rdata);
    return bytes;
  };
  CHECK(error_of(record_with(1, {1, 2, 3, 4, 5}, 5)).find("A RDATA must be 4 octets") != std::string::npos);
  CHECK(error_of(record_with(28, {1, 2, 3, 4}, 4)).find("AAAA RDATA must be 16") != std::string::npos);
  CHECK(error_of(record_with(1, {1, 2, 3, 4}, 9)).find("runs past the end") != std::string::npos);
  // MX whose exchange runs past its RDLENGTH (3 declared, name needs more)
  CHECK_FALSE(decode_message(record_with(15, {0, 10, 1, 'a', 0}, 3)).ok());
  // NS with an extra octet after the name
  CHECK(error_of(record_with(2, {1, 'a', 0, 7}, 4)).find("does not match") != std::string::npos);
  // MX too short for the preference
  CHECK_FALSE(decode_message(record_with(15, {0}, 1)).ok());
  // TXT string longer than the RDATA
  CHECK(error_of(record_with(16, {5, 'a', 'b'}, 3)).find("runs past RDATA") != std::string::npos);
  // SOA missing its numbers
  CHECK(error_of(record_with(6, {0, 0, 1, 2, 3}, 5)).find("SOA RDATA too short") != std::string::npos);
  // trailing junk after the last record
  Bytes trailing = record_with(1, {1, 2, 3, 4}, 4);
  trailing.push_back(0);
  CHECK(error_of(trailing).find("trailing") != std::string::npos);
  // unknown types are not judged, just carried
  auto unknown = decode_message(record_with(99, {1, 2, 3}, 3));
  REQUIRE(unknown.ok());
  CHECK(std::get<rdata::Unknown>(unknown.value().answers[0].data).octets == Bytes{1, 2, 3});
}

TEST_CASE("dns: malformed: random damage never crashes or hangs", "[dns][malformed]") {
  Bytes original = valid_response();
  std::mt19937 random(12345);
  int decoded_ok = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes damaged = original;
    int flips = 1 + static_cast<int>(random() % 4);
    for (int flip = 0; flip < flips; ++flip)
      damaged[random() % damaged.size()] = static_cast<std::uint8_t>(random());
    if (random() % 4 == 0) damaged.resize(random() % damaged.size());
    auto result = decode_message(damaged);
    if (result.ok()) {
      ++decoded_ok;
      auto again = decode_message(encode_message(result.value()));  // whatever decodes re-encodes
      REQUIRE(again.ok());
    } else {
      CHECK(result.error().offset <= damaged.size());
    }
  }
  CHECK(decoded_ok > 0);
}

TEST_CASE("dns: stub helpers: recursive query, reply matching, MX and A extraction", "[dns][stub]") {
  Message query = make_recursive_query(42, Name::literal("example.org"), RecordType::MX);
  CHECK(query.header.recursion_desired);
  Message reply = make_response(query, Rcode::NOERROR);
  reply.answers.push_back(make_record(Name::literal("example.org"), 60, rdata::MX{20, Name::literal("b.example.org")}));
  reply.answers.push_back(make_record(Name::literal("example.org"), 60, rdata::MX{10, Name::literal("a.example.org")}));
  reply.additionals.push_back(make_record(Name::literal("a.example.org"), 60, rdata::A{0x01020304}));
  auto matched = match_reply(query, encode_message(reply));
  REQUIRE(matched.ok());
  auto exchangers = extract_mail_exchangers(matched.value(), Name::literal("example.org"));
  REQUIRE(exchangers.size() == 2);
  CHECK(exchangers[0] == MailExchanger{10, Name::literal("a.example.org")});
  CHECK(exchangers[1].preference == 20);
  CHECK(find_ipv4_addresses_anywhere(matched.value(), Name::literal("A.example.org")) == std::vector<std::uint32_t>{0x01020304});

  Message wrong_id = reply;
  wrong_id.header.id = 43;
  CHECK_FALSE(match_reply(query, encode_message(wrong_id)).ok());
  Message wrong_question = reply;
  wrong_question.questions[0].type = RecordType::A;
  CHECK_FALSE(match_reply(query, encode_message(wrong_question)).ok());
  CHECK_FALSE(match_reply(query, encode_message(query)).ok());  // not a response
  // The checks alone, on replies decoded already (the stub decodes a datagram once for all its
  // waiting queries): the same verdicts.
  CHECK_FALSE(reply_mismatch(query, reply).has_value());
  CHECK(reply_mismatch(query, wrong_id).has_value());
  CHECK(reply_mismatch(query, wrong_question).has_value());
  CHECK(reply_mismatch(query, query).has_value());
  Message no_question = make_response(query, Rcode::FORMERR);
  no_question.questions.clear();  // FORMERR may omit the question
  CHECK_FALSE(reply_mismatch(query, no_question).has_value());

  Message aliased = make_response(make_recursive_query(1, Name::literal("www.example.org"), RecordType::A), Rcode::NOERROR);
  aliased.answers.push_back(make_record(Name::literal("www.example.org"), 60, rdata::CNAME{Name::literal("web.example.net")}));
  aliased.answers.push_back(make_record(Name::literal("web.example.net"), 60, rdata::A{0x05060708}));
  CHECK(follow_cnames(aliased, Name::literal("www.example.org")) == Name::literal("web.example.net"));
  CHECK(extract_ipv4_addresses(aliased, Name::literal("www.example.org")) == std::vector<std::uint32_t>{0x05060708});
}
