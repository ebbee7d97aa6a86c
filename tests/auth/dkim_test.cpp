// DKIM signing and verification: round trips, tampering, canonicalization, l=, x=, key records,
// deterministic keys, and the RFC 6376 / RFC 8463 example message shipped with dkimpy.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "protocols/common/base64.h"
#include "protocols/auth/authentication_results.h"
#include "protocols/auth/dkim.h"
#include "protocols/auth/domain_name.h"
#include "tests/auth/every_string.h"

using namespace maillab::auth;

namespace {

const std::string dkimpy_data = "/usr/lib/python3/dist-packages/dkim/tests/data/";

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

const std::string message =
    "From: Joe SixPack <joe@football.example.com>\r\n"
    "To: Suzie Q <suzie@shopping.example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
    "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game. Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

const DkimKey& rsa_key() {
  static DkimKey key = DkimKey::rsa_from_seed("maillab test key", 1024);
  return key;
}

DnsLookupFunction serve(const std::string& name, const std::string& record) {
  return [name, record](const DnsQuestion& question) {
    if (question.name == name && question.type == DnsType::txt) return DnsAnswer::of({record});
    return DnsAnswer::nxdomain();
  };
}

DkimSignatureResult sign_and_verify(const std::string& text, const DkimKey& key, DkimSignOptions options,
                                    const std::function<std::string(std::string)>& alter = nullptr,
                                    std::int64_t now = 1000) {
  if (options.domain.empty()) options.domain = "football.example.com";
  if (options.selector.empty()) options.selector = "sel";
  DkimSignOutcome signed_field = dkim_sign(text, key, options);
  REQUIRE(signed_field.ok());
  std::string signed_message = signed_field.header_field + text;
  if (alter) signed_message = alter(signed_message);
  auto results = dkim_verify(signed_message, now, serve("sel._domainkey.football.example.com", key.key_record()));
  REQUIRE(results.size() == 1);
  return results[0];
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  std::size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("DKIM sign then verify passes for rsa-sha256 and ed25519-sha256 in every canonicalization", "[auth][dkim]") {
  for (const DkimKey& key : {rsa_key(), DkimKey::ed25519_from_seed("maillab ed25519")}) {
    for (auto header : {DkimCanonicalization::simple, DkimCanonicalization::relaxed}) {
      for (auto body : {DkimCanonicalization::simple, DkimCanonicalization::relaxed}) {
        DkimSignOptions options;
        options.header_canonicalization = header;
        options.body_canonicalization = body;
        options.timestamp = 900;
        auto result = sign_and_verify(message, key, options);
        INFO(to_string(key.type()) << " " << to_string(header) << "/" << to_string(body) << ": " << result.reason);
        CHECK(result.result == DkimResult::pass);
        CHECK(result.domain == "football.example.com");
        CHECK(result.signature->signed_headers.front() == "from");
      }
    }
  }
}

TEST_CASE("DKIM tampering gives fail with the right reason", "[auth][dkim]") {
  DkimSignOptions options;
  auto body = sign_and_verify(message, rsa_key(), options,
                              [](std::string m) { return replace(m, "Are you hungry", "Are you angry"); });
  CHECK(body.result == DkimResult::fail);
  CHECK(body.failure == DkimFailure::body_hash_mismatch);
  auto header = sign_and_verify(message, rsa_key(), options,
                                [](std::string m) { return replace(m, "Is dinner ready?", "Send money"); });
  CHECK(header.result == DkimResult::fail);
  CHECK(header.failure == DkimFailure::signature_mismatch);
  // An unsigned header may be added freely.
  auto unsigned_header = sign_and_verify(message, rsa_key(), options,
                                         [](std::string m) { return m.insert(m.find("\r\n\r\n") + 2, "X-Spam: no\r\n"); });
  CHECK(unsigned_header.result == DkimResult::pass);
}

TEST_CASE("relaxed canonicalization survives whitespace changes that break simple", "[auth][dkim]") {
  auto rewrap = [](std::string m) {
    m = replace(m, "Subject: Is dinner ready?", "subject:   Is dinner\r\n  ready?  ");
    return replace(m, "We lost the game.", "We lost   the game.  ");
  };
  DkimSignOptions relaxed;
  CHECK(sign_and_verify(message, rsa_key(), relaxed, rewrap).result == DkimResult::pass);
  DkimSignOptions simple_header;
  simple_header.header_canonicalization = DkimCanonicalization::simple;
  auto header_result = sign_and_verify(message, rsa_key(), simple_header,
                                       [](std::string m) { return replace(m, "Subject: Is", "Subject:  Is"); });
  CHECK(header_result.failure == DkimFailure::signature_mismatch);
  DkimSignOptions simple_body;
  simple_body.body_canonicalization = DkimCanonicalization::simple;
  auto body_result = sign_and_verify(message, rsa_key(), simple_body,
                                     [](std::string m) { return replace(m, "the game.", "the  game."); });
  CHECK(body_result.failure == DkimFailure::body_hash_mismatch);
  // Both treat extra empty lines at the end of the body as nothing (§3.4.3, §3.4.4).
  CHECK(sign_and_verify(message, rsa_key(), simple_body, [](std::string m) { return m + "\r\n\r\n"; }).result ==
        DkimResult::pass);
}

TEST_CASE("canonicalization functions follow RFC 6376 §3.4 examples", "[auth][dkim]") {
  CHECK(canonicalize_header("A: X\r\n", DkimCanonicalization::relaxed) == "a:X\r\n");
  CHECK(canonicalize_header("B : Y\t\r\n\tZ  \r\n", DkimCanonicalization::relaxed) == "b:Y Z\r\n");
  CHECK(canonicalize_header("B : Y\t\r\n\tZ  \r\n", DkimCanonicalization::simple) == "B : Y\t\r\n\tZ  \r\n");
  CHECK(canonicalize_body(" C \r\nD \t E\r\n\r\n\r\n", DkimCanonicalization::relaxed) == " C\r\nD E\r\n");
  CHECK(canonicalize_body(" C \r\nD \t E\r\n\r\n\r\n", DkimCanonicalization::simple) == " C \r\nD \t E\r\n");
  CHECK(canonicalize_body("", DkimCanonicalization::simple) == "\r\n");
  CHECK(canonicalize_body("", DkimCanonicalization::relaxed) == "");
  CHECK(canonicalize_body("A\r\n \t\r\nB  b\t", DkimCanonicalization::relaxed) == "A\r\n\r\nB b\r\n");
}

TEST_CASE("l= signs a prefix of the body: appended text still passes, a too-long l= fails", "[auth][dkim]") {
  DkimSignOptions options;
  options.body_length = 20;
  auto appended = sign_and_verify(message, rsa_key(), options, [](std::string m) { return m + "Buy now!\r\n"; });
  CHECK(appended.result == DkimResult::pass);
  CHECK(appended.signature->body_length == 20u);
  DkimSignOptions whole;
  CHECK(sign_and_verify(message, rsa_key(), whole, [](std::string m) { return m + "Buy now!\r\n"; }).failure ==
        DkimFailure::body_hash_mismatch);
  auto truncated = sign_and_verify(message, rsa_key(), options, [](std::string m) {
    return m.substr(0, m.find("\r\n\r\n") + 4) + "Hi\r\n";
  });
  CHECK(truncated.result == DkimResult::fail);
  CHECK(truncated.failure == DkimFailure::body_too_short);
}

TEST_CASE("x= expiry: verifying after x= fails as expired", "[auth][dkim]") {
  DkimSignOptions options;
  options.timestamp = 1000;
  options.expiration = 2000;
  CHECK(sign_and_verify(message, rsa_key(), options, nullptr, 1500).result == DkimResult::pass);
  auto late = sign_and_verify(message, rsa_key(), options, nullptr, 2001);
  CHECK(late.result == DkimResult::fail);
  CHECK(late.failure == DkimFailure::signature_expired);
}

TEST_CASE("h= picks repeated fields bottom-up and over-signing blocks added fields", "[auth][dkim]") {
  std::string two = "X-Tag: first\r\nX-Tag: second\r\n" + message;
  DkimSignOptions options;
  options.headers = {"from", "x-tag", "subject", "subject"};  // subject over-signed
  CHECK(sign_and_verify(two, rsa_key(), options).result == DkimResult::pass);
  // Swapping the two X-Tag fields changes which is signed first.
  auto swapped = sign_and_verify(two, rsa_key(), options, [](std::string m) {
    m = replace(m, "X-Tag: first", "X-Tag: FIRST");
    return m;
  });
  CHECK(swapped.result == DkimResult::pass);  // only the bottom X-Tag was signed
  auto changed_bottom = sign_and_verify(two, rsa_key(), options,
                                        [](std::string m) { return replace(m, "X-Tag: second", "X-Tag: other"); });
  CHECK(changed_bottom.failure == DkimFailure::signature_mismatch);
  auto added_subject = sign_and_verify(two, rsa_key(), options,
                                       [](std::string m) { return m.insert(m.find("\r\n\r\n") + 2, "Subject: extra\r\n"); });
  CHECK(added_subject.failure == DkimFailure::signature_mismatch);
}

TEST_CASE("DKIM key records and DNS outcomes map to the RFC results", "[auth][dkim]") {
  DkimSignOptions options;
  options.domain = "football.example.com";
  options.selector = "sel";
  std::string signed_message = dkim_sign(message, rsa_key(), options).header_field + message;
  std::string name = "sel._domainkey.football.example.com";
  auto verify_with = [&](DnsLookupFunction lookup) { return dkim_verify(signed_message, 0, lookup).at(0); };

  auto revoked = verify_with(serve(name, "v=DKIM1; k=rsa; p="));
  CHECK(revoked.result == DkimResult::fail);
  CHECK(revoked.failure == DkimFailure::key_revoked);
  CHECK(verify_with(serve(name, "v=DKIM2; p=" + maillab::common::base64_encode(rsa_key().public_key_data()))).result == DkimResult::permerror);
  CHECK(verify_with(serve(name, "v=DKIM1; k=rsa; p=@@@")).result == DkimResult::permerror);
  CHECK(verify_with(serve(name, "v=DKIM1; k=ed25519; p=" + maillab::common::base64_encode(rsa_key().public_key_data()))).result ==
        DkimResult::permerror);
  CHECK(verify_with(serve("other", "x")).result == DkimResult::permerror);  // NXDOMAIN: no key
  CHECK(verify_with([](const DnsQuestion&) { return DnsAnswer::timeout(); }).result == DkimResult::temperror);

  std::string no_bh = replace(signed_message, "bh=", "xh=");
  CHECK(dkim_verify(no_bh, 0, serve(name, rsa_key().key_record())).at(0).result == DkimResult::permerror);
  std::string bad_version = replace(signed_message, "v=1;", "v=2;");
  auto version = dkim_verify(bad_version, 0, serve(name, rsa_key().key_record())).at(0);
  CHECK(version.result == DkimResult::permerror);
  CHECK_THAT(version.reason, Catch::Contains("version"));
  CHECK(dkim_verify(message, 0, serve(name, "")).empty());  // no signature: dkim=none

  auto parsed = parse_dkim_key_record("v=DKIM1; k=ed25519; t=y:s; p=" +
                                      maillab::common::base64_encode(DkimKey::ed25519_from_seed("a").public_key_data()));
  REQUIRE(parsed.record);
  CHECK(parsed.record->testing);
  CHECK(parsed.record->strict_identity);
  CHECK(parsed.record->type == DkimKeyType::ed25519);
}

TEST_CASE("DKIM verification can be driven one DNS answer at a time", "[auth][dkim]") {
  DkimSignOptions first;
  first.domain = "a.example";
  first.selector = "one";
  DkimSignOptions second;
  second.domain = "b.example";
  second.selector = "two";
  DkimKey ed = DkimKey::ed25519_from_seed("b");
  std::string once = dkim_sign(message, rsa_key(), first).header_field + message;
  std::string twice = dkim_sign(once, ed, second).header_field + once;

  DkimVerification verification(twice, 0);
  std::vector<std::string> asked;
  while (!verification.done()) {
    DnsQuestion question = *verification.pending_question();
    asked.push_back(question.name);
    DnsAnswer answer = question.name == "two._domainkey.b.example" ? DnsAnswer::of({ed.key_record()})
                                                                    : DnsAnswer::of({rsa_key().key_record()});
    verification.provide_answer(question, answer);
  }
  CHECK(asked == std::vector<std::string>{"two._domainkey.b.example", "one._domainkey.a.example"});
  REQUIRE(verification.results().size() == 2);
  CHECK(verification.results()[0].result == DkimResult::pass);
  CHECK(verification.results()[1].result == DkimResult::pass);
  CHECK_THAT(dkim_authentication_results_fragment(verification.results()[0]),
             Catch::StartsWith("dkim=pass header.d=b.example header.i=@b.example header.s=two header.b="));
}

TEST_CASE("keys from a seed are deterministic, PEM and key records round-trip", "[auth][dkim][keys]") {
  DkimKey again = DkimKey::rsa_from_seed("maillab test key", 1024);
  CHECK(again.public_pem() == rsa_key().public_pem());
  CHECK(again.private_pem() == rsa_key().private_pem());
  CHECK(again.bits() == 1024);
  CHECK(DkimKey::rsa_from_seed("another seed", 1024).public_pem() != rsa_key().public_pem());
  CHECK(DkimKey::ed25519_from_seed("s").key_record() == DkimKey::ed25519_from_seed("s").key_record());
  CHECK(DkimKey::ed25519_from_seed("s").key_record() != DkimKey::ed25519_from_seed("t").key_record());

  auto imported = DkimKey::from_pem(rsa_key().private_pem());
  REQUIRE(imported);
  CHECK(imported->has_private());
  CHECK(imported->public_pem() == rsa_key().public_pem());
  auto public_only = DkimKey::from_pem(rsa_key().public_pem());
  REQUIRE(public_only);
  CHECK_FALSE(public_only->has_private());
  CHECK_FALSE(DkimKey::from_pem("not a key"));
  CHECK_THAT(rsa_key().key_record(), Catch::StartsWith("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQ"));
}

TEST_CASE("RFC 8032 and dkimpy Ed25519 private keys give the published public keys", "[auth][dkim][rfc8463]") {
  std::string rfc8032 = read_file(dkimpy_data + "rfc8032_7_1.key");
  if (rfc8032.empty()) FAIL("dkimpy test data missing under " + dkimpy_data + " (install python3-dkim)");
  auto key = DkimKey::ed25519_from_private_bytes(*maillab::common::base64_decode(rfc8032));
  REQUIRE(key);
  CHECK(maillab::common::base64_encode(key->public_key_data()) == "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  auto dkimpy_key = DkimKey::ed25519_from_private_bytes(*maillab::common::base64_decode(read_file(dkimpy_data + "ed25519test.key")));
  REQUIRE(dkimpy_key);
  CHECK(maillab::common::base64_encode(dkimpy_key->public_key_data()) == "yi50DjK5O9pqbFpNHklsv9lqaS0ArSYu02qp1S0DW1Y=");
}

TEST_CASE("the RFC 8463 Appendix A message verifies: both its ed25519 and rsa signatures", "[auth][dkim][rfc8463]") {
  std::string signed_message = read_file(dkimpy_data + "rfc6376.signed.msg");
  if (signed_message.empty()) FAIL("dkimpy test data missing under " + dkimpy_data + " (install python3-dkim)");
  std::string rsa_record = trim(read_file(dkimpy_data + "test.txt"));
  auto lookup = [&](const DnsQuestion& question) {
    if (question.name == "brisbane._domainkey.football.example.com")
      return DnsAnswer::of({"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="});
    if (question.name == "test._domainkey.football.example.com") return DnsAnswer::of({rsa_record});
    return DnsAnswer::nxdomain();
  };
  auto results = dkim_verify(signed_message, 1528000000, lookup);
  REQUIRE(results.size() == 2);
  for (const auto& result : results) {
    INFO(result.selector << ": " << result.reason);
    CHECK(result.result == DkimResult::pass);
  }
  CHECK(results[0].signature->algorithm == DkimAlgorithm::ed25519_sha256);
  CHECK(results[1].signature->algorithm == DkimAlgorithm::rsa_sha256);
  // A changed body breaks both.
  auto broken = dkim_verify(signed_message + "P.S.\r\n", 1528000000, lookup);
  CHECK(broken[0].failure == DkimFailure::body_hash_mismatch);
  CHECK(broken[1].failure == DkimFailure::body_hash_mismatch);
}

TEST_CASE("dkimpy's PEM test key signs messages that verify against its key record", "[auth][dkim]") {
  std::string pem = read_file(dkimpy_data + "test.private");
  if (pem.empty()) FAIL("dkimpy test data missing under " + dkimpy_data + " (install python3-dkim)");
  auto key = DkimKey::from_pem(pem);
  REQUIRE(key);
  CHECK(key->bits() == 1024);
  std::string record = trim(read_file(dkimpy_data + "test.txt"));
  DkimSignOptions options;
  options.domain = "example.com";
  options.selector = "test";
  std::string signed_message = dkim_sign(message, *key, options).header_field + message;
  auto results = dkim_verify(signed_message, 0, serve("test._domainkey.example.com", record));
  CHECK(results.at(0).result == DkimResult::pass);
}

TEST_CASE("several signatures over one body: a body hash is shared only with the same hash, body canonicalization and l=",
          "[auth][dkim]") {
  DkimKey ed = DkimKey::ed25519_from_seed("b");
  DkimSignOptions whole;  // relaxed body, no l=
  whole.domain = "a.example";
  whole.selector = "whole";
  DkimSignOptions prefix = whole;  // the same canonicalization, but l= covers the body as signed
  prefix.selector = "prefix";
  prefix.body_length = 1'000'000;  // clipped to the canonical body
  DkimSignOptions simple = whole;  // simple body
  simple.selector = "simple";
  simple.body_canonicalization = DkimCanonicalization::simple;
  std::string text = dkim_sign(message, rsa_key(), whole).header_field + message;
  text = dkim_sign(message, ed, prefix).header_field + text;
  text = dkim_sign(message, ed, simple).header_field + text;
  auto lookup = [&](const DnsQuestion& question) {
    return DnsAnswer::of({question.name == "whole._domainkey.a.example" ? rsa_key().key_record() : ed.key_record()});
  };
  auto verify = [&](const std::string& signed_message) {
    std::vector<DkimSignatureResult> results = dkim_verify(signed_message, 0, lookup);
    REQUIRE(results.size() == 3);
    return results;
  };
  for (const auto& result : verify(text)) CHECK(result.result == DkimResult::pass);
  // Text appended to the body: only the l= signature still passes (§3.5 l=).
  auto appended = verify(text + "P.S. appended\r\n");
  CHECK(appended[0].failure == DkimFailure::body_hash_mismatch);  // simple
  CHECK(appended[1].result == DkimResult::pass);                  // l=
  CHECK(appended[2].failure == DkimFailure::body_hash_mismatch);  // whole
  // Trailing spaces on a body line: relaxed bodies still pass, the simple one does not (§3.4.4).
  auto spaced = verify(replace(text, "Hi.\r\n", "Hi.  \r\n"));
  CHECK(spaced[0].failure == DkimFailure::body_hash_mismatch);
  CHECK(spaced[1].result == DkimResult::pass);
  CHECK(spaced[2].result == DkimResult::pass);
}

TEST_CASE("a verification keeps nothing of the message while it waits for the key record", "[auth][dkim]") {
  DkimSignOptions options;
  options.domain = "a.example";
  options.selector = "one";
  std::optional<DkimVerification> verification;
  {
    std::string text = dkim_sign(message, rsa_key(), options).header_field + message;
    verification.emplace(text, 0);
    std::fill(text.begin(), text.end(), 'x');  // and then freed: the answer comes later
  }
  REQUIRE_FALSE(verification->done());
  const DnsQuestion question = *verification->pending_question();
  CHECK(question.name == "one._domainkey.a.example");
  verification->provide_answer(question, DnsAnswer::of({rsa_key().key_record()}));
  REQUIRE(verification->done());
  REQUIRE(verification->results().size() == 1);
  CHECK(verification->results()[0].result == DkimResult::pass);
}

namespace {

// §3.4.2 as the RFC words it, one step at a time: the name lower-cased without WSP around it, the
// value unfolded (every CR and LF removed, as the canonicalization has always read a lone one),
// WSP runs made one SP, WSP at the value's ends removed; simple adds only a missing final CRLF.
std::string reference_canonical_header(const std::string& raw, DkimCanonicalization canonicalization) {
  if (canonicalization == DkimCanonicalization::simple)
    return raw.size() >= 2 && raw.compare(raw.size() - 2, 2, "\r\n") == 0 ? raw : raw + "\r\n";
  const std::size_t colon = raw.find(':');
  std::string name = to_lower(trim(raw.substr(0, colon)));
  std::string unfolded;
  if (colon != std::string::npos) {
    for (char c : raw.substr(colon + 1))
      if (c != '\r' && c != '\n') unfolded += c;
  }
  std::string collapsed;
  for (char c : unfolded) {
    const bool wsp = c == ' ' || c == '\t';
    if (wsp && !collapsed.empty() && collapsed.back() == ' ') continue;
    collapsed += wsp ? ' ' : c;
  }
  const std::size_t first = collapsed.find_first_not_of(' ');
  const std::string value = first == std::string::npos ? "" : collapsed.substr(first, collapsed.find_last_not_of(' ') - first + 1);
  return name + ":" + value + "\r\n";
}

}  // namespace

TEST_CASE("header canonicalization equals the RFC reading on every short field", "[auth][dkim]") {
  const std::string alphabet = "aB \t:\r\n";
  const std::size_t fields = testing::for_each_string(alphabet, 6, [](const std::string& field) {
    for (auto canonicalization : {DkimCanonicalization::simple, DkimCanonicalization::relaxed}) {
      INFO("field \"" << field << "\" " << to_string(canonicalization));
      const std::string expected = reference_canonical_header(field, canonicalization);
      REQUIRE(canonicalize_header(field, canonicalization) == expected);
      std::string appended = "x:y\r\n";  // the signed header data is several fields in one string
      append_canonical_header(appended, field, canonicalization);
      REQUIRE(appended == "x:y\r\n" + expected);
    }
  });
  CHECK(fields == 137'257);  // 7^0 + ... + 7^6
}

TEST_CASE("relaxed header canonicalization of long values: WSP, CR and LF at every position", "[auth][dkim]") {
  // Runs without WSP, CR or LF are appended whole: put each kind of change at every offset of
  // values of 1 to 50 octets, in fields with and without a final CRLF and with WSP around them.
  for (std::size_t length = 1; length <= 50; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      for (const char* insert : {"  ", "\t", " ", " \t", "\r\n ", "\r", "\n", ""}) {
        std::string value(length, 'v');
        value.insert(at, insert);
        for (const std::string& field : {"Subject: " + value + "\r\n", "Subject:" + value, "X :  " + value + " \r\n"}) {
          INFO("field \"" << field << "\"");
          REQUIRE(canonicalize_header(field, DkimCanonicalization::relaxed) ==
                  reference_canonical_header(field, DkimCanonicalization::relaxed));
        }
      }
    }
  }
}
