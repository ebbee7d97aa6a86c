// The body canonicalization streamed into the hash (dkim_body_hash) and the whole-string one
// (canonicalize_body) against a plain reading of RFC 6376 §3.4.3 and §3.4.4 written here line by
// line: every body of up to 7 characters over text, SP, HTAB, CR and LF (trailing empty lines, WSP
// runs, lone CR and LF, the empty body), long generated bodies that cross the hash's buffer, and
// l= limits from 0 to past the end.
#include <catch2/catch.hpp>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "protocols/auth/dkim.h"
#include "protocols/auth/dkim_crypto.h"
#include "tests/auth/every_string.h"

using namespace maillab::auth;

namespace {

// §3.4.3 / §3.4.4 as the RFC words them: split into CRLF lines (a last line without CRLF counts
// as one), relaxed drops WSP at line ends and turns WSP runs into one SP, then trailing empty lines
// go; simple makes an empty body one CRLF.
std::string reference_canonical_body(const std::string& body, DkimCanonicalization canonicalization) {
  std::vector<std::string> lines;
  std::size_t position = 0;
  while (position < body.size()) {
    std::size_t end = body.find("\r\n", position);
    if (end == std::string::npos) end = body.size();
    lines.push_back(body.substr(position, end - position));
    position = end + 2;
  }
  if (canonicalization == DkimCanonicalization::relaxed) {
    for (auto& line : lines) {
      std::string collapsed;
      bool in_wsp = false;  // a WSP run is written as one SP when text follows it on the line
      for (char c : line) {
        if (c == ' ' || c == '\t') {
          in_wsp = true;
          continue;
        }
        if (in_wsp) collapsed += ' ';
        in_wsp = false;
        collapsed += c;
      }
      line = collapsed;
    }
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::string canonical;
  for (const auto& line : lines) canonical += line + "\r\n";
  if (canonical.empty() && canonicalization == DkimCanonicalization::simple) canonical = "\r\n";
  return canonical;
}

void check_body(const std::string& body, std::optional<std::uint64_t> limit = std::nullopt) {
  for (auto canonicalization : {DkimCanonicalization::simple, DkimCanonicalization::relaxed}) {
    const std::string expected = reference_canonical_body(body, canonicalization);
    INFO("body \"" << body << "\" " << to_string(canonicalization));
    REQUIRE(canonicalize_body(body, canonicalization) == expected);
    const std::string prefix = limit && *limit < expected.size() ? expected.substr(0, *limit) : expected;
    for (auto algorithm : {DkimAlgorithm::rsa_sha256, DkimAlgorithm::rsa_sha1}) {
      const DkimBodyHash hashed = dkim_body_hash(algorithm, body, canonicalization, limit);
      REQUIRE(hashed.canonical_length == expected.size());
      REQUIRE(hashed.digest == dkim_hash(algorithm, prefix));
    }
  }
}

}  // namespace

TEST_CASE("the reference canonicalization in this test reads RFC 6376 §3.4.5's examples as the RFC does",
          "[auth][dkim][body]") {
  // §3.4.5: " C \r\nD \t E\r\n\r\n\r\n" -> relaxed " C\r\nD E\r\n", simple " C \r\nD \t E\r\n".
  CHECK(reference_canonical_body(" C \r\nD \t E\r\n\r\n\r\n", DkimCanonicalization::relaxed) == " C\r\nD E\r\n");
  CHECK(reference_canonical_body(" C \r\nD \t E\r\n\r\n\r\n", DkimCanonicalization::simple) == " C \r\nD \t E\r\n");
  CHECK(reference_canonical_body("", DkimCanonicalization::simple) == "\r\n");
  CHECK(reference_canonical_body("", DkimCanonicalization::relaxed) == "");
  CHECK(reference_canonical_body("a \t b\r\n", DkimCanonicalization::relaxed) == "a b\r\n");
}

TEST_CASE("streamed body hash and canonicalize_body equal the RFC reading on every short body", "[auth][dkim][body]") {
  const std::string alphabet = "a \t\r\n";
  const std::size_t bodies = testing::for_each_string(alphabet, 7, [](const std::string& body) { check_body(body); });
  CHECK(bodies == 97'656);  // 5^0 + ... + 5^7
}

TEST_CASE("streamed body hash with l= hashes the canonical body's first l octets", "[auth][dkim][body]") {
  for (const std::string& body : {std::string(""), std::string("\r\n\r\n"), std::string(" x \r\n\r\ny\t\r\n \r\n"),
                                 std::string("line\r\n  two  \r\nthree")}) {
    for (std::uint64_t limit = 0; limit <= 24; ++limit) check_body(body, limit);
  }
}

TEST_CASE("streamed body hash over long generated bodies crosses its buffer unchanged", "[auth][dkim][body]") {
  std::mt19937 random(6376);
  const std::string pieces[] = {"word", " ", "\t", "  \t ", "\r\n", "\r\n\r\n", "\r", "\n", "x"};
  for (int round = 0; round < 60; ++round) {
    std::string body;
    const std::size_t target = 100 + random() % 20'000;
    while (body.size() < target) body += pieces[random() % std::size(pieces)];
    if (round % 5 == 0) body += std::string(9'000, 'L');  // one line longer than the buffer
    if (round % 3 == 0) body += "\r\n\r\n \t\r\n";        // trailing empty lines (relaxed: all three)
    check_body(body);
    check_body(body, random() % (body.size() + 10));
  }
}

TEST_CASE("signing with l= past the body clips it to the canonical body and still verifies", "[auth][dkim][body]") {
  const DkimKey key = DkimKey::ed25519_from_seed("maillab body hash test");
  const std::string message = "From: a@example.com\r\nSubject: s\r\n\r\nHello  there \r\n\r\n\r\n";
  DkimSignOptions options;
  options.domain = "example.com";
  options.selector = "s";
  options.body_length = 1'000;
  const DkimSignOutcome signed_message = dkim_sign(message, key, options);
  REQUIRE(signed_message.ok());
  // relaxed: "Hello there\r\n" is 13 octets.
  CHECK(signed_message.header_field.find("l=13;") != std::string::npos);
  const auto results = dkim_verify(signed_message.header_field + message, 0, [&](const DnsQuestion&) {
    return DnsAnswer::of({key.key_record()});
  });
  REQUIRE(results.size() == 1);
  CHECK(results.front().result == DkimResult::pass);
}

TEST_CASE("relaxed lines longer than a word of eight octets: WSP at every position", "[auth][dkim][body]") {
  // The check for lines relaxed leaves alone reads sixteen octets at a time (SSE2), then eight,
  // then one: put a double SP, an HTAB, a single SP and trailing WSP at every offset of lines of 1
  // to 50 octets (two chunks of sixteen, one of eight and the rest).
  for (std::size_t length = 1; length <= 50; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (const char* insert : {"  ", "\t", " ", " \t", "   "}) {
        std::string line(length, 'x');
        line.insert(at, insert);
        check_body(line + "\r\n" + line);
        check_body(std::string(length, 'y') + " " + line + "\r\n");
      }
    }
  }
}
