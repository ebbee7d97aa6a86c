// The verifier's cache of decoded public keys (dkim_key_cache.h) and keys with prepared OpenSSL
// contexts (DkimPreparedKey): a cache may save decoding, never change a result. The record is
// looked up for every message; a changed record is decoded afresh, a revoked one still fails.
#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include "protocols/common/base64.h"
#include "protocols/auth/dkim.h"
#include "protocols/auth/dkim_key_cache.h"

using namespace maillab::auth;

namespace {

const std::string message = "From: Joe <joe@example.com>\r\nTo: Suzie <suzie@example.net>\r\nSubject: keys\r\n\r\nHi.\r\n";

const DkimKey& rsa_key() {
  static DkimKey key = DkimKey::rsa_from_seed("maillab key cache test", 1024);
  return key;
}

std::string signed_with(const DkimKey& key) {
  DkimSignOptions options;
  options.domain = "example.com";
  options.selector = "mail";
  auto outcome = dkim_sign(message, key, options);
  REQUIRE(outcome.ok());
  return outcome.header_field + message;
}

// Verifies through the resumable driver, answering the one key question with `record`, and
// counts the questions: a cache must not save the lookup itself.
DkimSignatureResult verify(const std::string& signed_message, const std::string& record,
                           const std::shared_ptr<DkimPublicKeyCache>& cache, int& questions) {
  DkimVerifyOptions options;
  options.key_cache = cache;
  DkimVerification verification(signed_message, 0, options);
  while (!verification.done()) {
    const DnsQuestion question = *verification.pending_question();
    CHECK(question.name == "mail._domainkey.example.com");
    ++questions;
    verification.provide_answer(question, DnsAnswer::of({record}));
  }
  REQUIRE(verification.results().size() == 1);
  return verification.results().front();
}

std::string record_for(const DkimKey& key, const std::string& extra_tags = "") {
  return "v=DKIM1; k=" + to_string(key.type()) + ";" + extra_tags + " p=" +
         maillab::common::base64_encode(key.public_key_data());
}

}  // namespace

TEST_CASE("the key cache decodes a record once and still looks it up for every message", "[auth][dkim][key-cache]") {
  auto cache = std::make_shared<DkimPublicKeyCache>();
  const std::string signed_message = signed_with(rsa_key());
  int questions = 0;
  for (int i = 0; i < 3; ++i) CHECK(verify(signed_message, rsa_key().key_record(), cache, questions).result == DkimResult::pass);
  CHECK(questions == 3);
  CHECK(cache->decoded() == 1);
  CHECK(cache->reused() == 2);
  CHECK(cache->size() == 1);
}

TEST_CASE("a changed key record is decoded afresh: a rotated key fails the old signature, the new passes",
          "[auth][dkim][key-cache]") {
  auto cache = std::make_shared<DkimPublicKeyCache>();
  const DkimKey old_key = DkimKey::ed25519_from_seed("old");
  const DkimKey new_key = DkimKey::ed25519_from_seed("new");
  int questions = 0;
  CHECK(verify(signed_with(old_key), record_for(old_key), cache, questions).result == DkimResult::pass);
  // Same selector, the record now holds the new key: the old key's decoding must not answer.
  auto stale = verify(signed_with(old_key), record_for(new_key), cache, questions);
  CHECK(stale.result == DkimResult::fail);
  CHECK(stale.failure == DkimFailure::signature_mismatch);
  CHECK(verify(signed_with(new_key), record_for(new_key), cache, questions).result == DkimResult::pass);
  CHECK(cache->decoded() == 2);
  CHECK(questions == 3);
}

TEST_CASE("a revoked key (empty p=) fails even when the cache holds the key it had", "[auth][dkim][key-cache]") {
  auto cache = std::make_shared<DkimPublicKeyCache>();
  const std::string signed_message = signed_with(rsa_key());
  int questions = 0;
  CHECK(verify(signed_message, rsa_key().key_record(), cache, questions).result == DkimResult::pass);
  auto revoked = verify(signed_message, "v=DKIM1; k=rsa; p=", cache, questions);
  CHECK(revoked.result == DkimResult::fail);
  CHECK(revoked.failure == DkimFailure::key_revoked);
  CHECK(cache->size() == 1);  // nothing to decode for an empty p=
}

TEST_CASE("the record's other tags are read from every answer, with the decoding reused", "[auth][dkim][key-cache]") {
  auto cache = std::make_shared<DkimPublicKeyCache>();
  const DkimKey key = DkimKey::ed25519_from_seed("tags");
  const std::string signed_message = signed_with(key);
  int questions = 0;
  auto plain = verify(signed_message, record_for(key), cache, questions);
  CHECK(plain.result == DkimResult::pass);
  CHECK_FALSE(plain.testing);
  auto testing = verify(signed_message, record_for(key, " t=y;"), cache, questions);
  CHECK(testing.result == DkimResult::pass);
  CHECK(testing.testing);
  auto wrong_service = verify(signed_message, record_for(key, " s=other;"), cache, questions);
  CHECK(wrong_service.result == DkimResult::permerror);
  CHECK(cache->decoded() == 1);
  CHECK(cache->reused() == 2);
}

TEST_CASE("a p= that is not a key is a permerror with or without the cache, and is not kept", "[auth][dkim][key-cache]") {
  auto cache = std::make_shared<DkimPublicKeyCache>();
  const std::string signed_message = signed_with(rsa_key());
  const std::string bad = "v=DKIM1; k=rsa; p=" + maillab::common::base64_encode("not a key");
  int questions = 0;
  auto cached = verify(signed_message, bad, cache, questions);
  auto uncached = verify(signed_message, bad, nullptr, questions);
  CHECK(cached.result == DkimResult::permerror);
  CHECK(cached.reason == uncached.reason);
  CHECK_THAT(cached.reason, Catch::Contains("not a valid rsa public key"));
  CHECK(cache->size() == 0);
}

TEST_CASE("the key cache is bounded and forgets the least recently used key first", "[auth][dkim][key-cache]") {
  DkimPublicKeyCache cache(2);
  auto p = [](const char* seed) {
    return maillab::common::base64_encode(DkimKey::ed25519_from_seed(seed).public_key_data());
  };
  auto a = cache.decode(DkimKeyType::ed25519, p("a"));
  REQUIRE(a);
  REQUIRE(cache.decode(DkimKeyType::ed25519, p("b")));
  CHECK(cache.decode(DkimKeyType::ed25519, p("a")) == a);  // a is now the most recent
  REQUIRE(cache.decode(DkimKeyType::ed25519, p("c")));    // b goes
  CHECK(cache.size() == 2);
  CHECK(cache.decoded() == 3);
  CHECK(cache.decode(DkimKeyType::ed25519, p("a")) == a);
  cache.decode(DkimKeyType::ed25519, p("b"));
  CHECK(cache.decoded() == 4);  // b was decoded again
  // The same text under another k= is another key (here: not a valid RSA key at all).
  CHECK_FALSE(cache.decode(DkimKeyType::rsa, p("a")));
}

TEST_CASE("a prepared key signs the same bytes as a one-off context and survives failed verifications",
          "[auth][dkim][key-cache]") {
  const std::string data = "from:Joe <joe@example.com>\r\ndkim-signature:v=1; b=";
  for (DkimKey key : {rsa_key(), DkimKey::ed25519_from_seed("prepared")}) {
    const DkimAlgorithm algorithm = key.type() == DkimKeyType::rsa ? DkimAlgorithm::rsa_sha256 : DkimAlgorithm::ed25519_sha256;
    DkimPreparedKey prepared(key);
    const std::string once = dkim_sign_data(algorithm, key, data);
    REQUIRE_FALSE(once.empty());
    for (int i = 0; i < 3; ++i) CHECK(prepared.sign(algorithm, data) == once);  // both are deterministic
    std::string broken = once;
    broken[0] = static_cast<char>(broken[0] ^ 1);
    CHECK_FALSE(prepared.verify(algorithm, data, broken));
    CHECK(prepared.verify(algorithm, data, once));
    CHECK_FALSE(prepared.verify(algorithm, data + "x", once));
    CHECK(prepared.verify(algorithm, data, once));
    CHECK_FALSE(prepared.verify(DkimAlgorithm::rsa_sha1, data, once));  // another hash, or another key type
  }
  DkimPreparedKey public_only(*DkimKey::from_public_key_data(DkimKeyType::ed25519,
                                                             DkimKey::ed25519_from_seed("x").public_key_data()));
  CHECK(public_only.sign(DkimAlgorithm::ed25519_sha256, data).empty());
}

namespace {

// A signature made the plain way (EVP_DigestSign over the data with the digest named), for
// checking that a prepared key's EVP_PKEY_sign over our digest gives and accepts the same bytes.
std::string digest_sign(const DkimKey& key, const EVP_MD* digest, const std::string& data) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::string signature(static_cast<std::size_t>(EVP_PKEY_get_size(key.evp())), '\0');
  std::size_t length = signature.size();
  const bool good = EVP_DigestSignInit(context, nullptr, digest, nullptr, key.evp()) == 1 &&
                    EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                                   reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(context);
  signature.resize(good ? length : 0);
  return signature;
}

}  // namespace

TEST_CASE("a prepared RSA key agrees with EVP_DigestSign for rsa-sha256 and verifies rsa-sha1", "[auth][dkim][key-cache]") {
  const std::string data = "subject:hello\r\ndkim-signature:v=1; a=rsa-sha1; b=";
  DkimPreparedKey prepared(rsa_key());
  const std::string sha256_signature = digest_sign(rsa_key(), EVP_sha256(), data);
  REQUIRE_FALSE(sha256_signature.empty());
  CHECK(prepared.sign(DkimAlgorithm::rsa_sha256, data) == sha256_signature);
  const std::string sha1_signature = digest_sign(rsa_key(), EVP_sha1(), data);
  REQUIRE_FALSE(sha1_signature.empty());
  CHECK(prepared.verify(DkimAlgorithm::rsa_sha1, data, sha1_signature));
  CHECK_FALSE(prepared.verify(DkimAlgorithm::rsa_sha256, data, sha1_signature));
  CHECK(dkim_verify_data(DkimAlgorithm::rsa_sha1, rsa_key(), data, sha1_signature));
}
