#include "protocols/auth/dkim_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <vector>

#include "protocols/common/base64.h"
#include "protocols/auth/dkim_canonicalization.h"
#include "protocols/auth/dkim_key_cache.h"
#include "protocols/auth/domain_name.h"

namespace maillab::auth {
namespace {

struct BnDeleter {
  void operator()(BIGNUM* number) const { BN_clear_free(number); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;
Bn new_bn() { return Bn(BN_new()); }

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

// Bytes SHA-256(seed || label || counter) for counter = 0, 1, ... (a deterministic stream).
std::string seeded_bytes(std::string_view seed, std::string_view label, std::size_t count, std::uint32_t& counter) {
  std::string bytes;
  while (bytes.size() < count) {
    std::string block(seed);
    block += '\0';
    block += label;
    for (int shift = 24; shift >= 0; shift -= 8) block += static_cast<char>((counter >> shift) & 0xff);
    ++counter;
    bytes += sha256(block);
  }
  bytes.resize(count);
  return bytes;
}

// The smallest prime at or above a seeded odd number with its top two bits set (so p*q has
// exactly 2*bits bits) and gcd(p-1, e) = 1.
Bn seeded_prime(std::string_view seed, std::string_view label, int bits, const BIGNUM* exponent, BN_CTX* context) {
  std::uint32_t counter = 0;
  std::string bytes = seeded_bytes(seed, label, static_cast<std::size_t>(bits / 8), counter);
  Bn candidate(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), nullptr));
  BN_set_bit(candidate.get(), bits - 1);
  BN_set_bit(candidate.get(), bits - 2);
  BN_set_bit(candidate.get(), 0);
  Bn minus_one = new_bn(), divisor = new_bn();
  while (true) {
    if (BN_check_prime(candidate.get(), context, nullptr) == 1) {
      BN_copy(minus_one.get(), candidate.get());
      BN_sub_word(minus_one.get(), 1);
      BN_gcd(divisor.get(), minus_one.get(), exponent, context);
      if (BN_is_one(divisor.get())) return candidate;
    }
    BN_add_word(candidate.get(), 2);
  }
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

std::optional<DkimKeyType> type_of(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "RSA")) return DkimKeyType::rsa;
  if (EVP_PKEY_is_a(key, "ED25519")) return DkimKeyType::ed25519;
  return std::nullopt;
}

}  // namespace

void EvpKeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

std::string to_string(DkimKeyType type) { return type == DkimKeyType::rsa ? "rsa" : "ed25519"; }

DkimKey DkimKey::ed25519_from_seed(std::string_view seed) { return *ed25519_from_private_bytes(sha256(seed)); }

std::optional<DkimKey> DkimKey::ed25519_from_private_bytes(std::string_view bytes) {
  if (bytes.size() != 32) return std::nullopt;
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               reinterpret_cast<const unsigned char*>(bytes.data()), 32);
  if (!key) return std::nullopt;
  return DkimKey(EvpKey(key, EvpKeyDeleter{}), DkimKeyType::ed25519, true);
}

std::string DkimKey::ed25519_private_bytes() const {
  if (!key_ || !has_private_ || type_ != DkimKeyType::ed25519) return {};
  unsigned char raw[32];
  std::size_t length = sizeof raw;
  if (EVP_PKEY_get_raw_private_key(key_.get(), raw, &length) != 1) return {};
  return std::string(reinterpret_cast<char*>(raw), length);
}

DkimKey DkimKey::rsa_from_seed(std::string_view seed, int bits) {
  if (bits < 512) bits = 512;
  bits -= bits % 16;
  BN_CTX* context = BN_CTX_new();
  Bn e = new_bn();
  BN_set_word(e.get(), 65537);
  Bn p = seeded_prime(seed, "rsa-p", bits / 2, e.get(), context);
  Bn q = seeded_prime(seed, "rsa-q", bits / 2, e.get(), context);
  if (BN_cmp(p.get(), q.get()) < 0) std::swap(p, q);  // PKCS#1 convention: p > q
  Bn n = new_bn(), p1 = new_bn(), q1 = new_bn(), phi = new_bn(), d = new_bn(), dp = new_bn(), dq = new_bn(),
     qinv = new_bn();
  BN_mul(n.get(), p.get(), q.get(), context);
  BN_copy(p1.get(), p.get());
  BN_sub_word(p1.get(), 1);
  BN_copy(q1.get(), q.get());
  BN_sub_word(q1.get(), 1);
  BN_mul(phi.get(), p1.get(), q1.get(), context);
  BN_mod_inverse(d.get(), e.get(), phi.get(), context);
  BN_mod(dp.get(), d.get(), p1.get(), context);
  BN_mod(dq.get(), d.get(), q1.get(), context);
  BN_mod_inverse(qinv.get(), q.get(), p.get(), context);

  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n.get());
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e.get());
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_D, d.get());
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_FACTOR1, p.get());
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_FACTOR2, q.get());
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get());
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get());
  OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qinv.get());
  OSSL_PARAM* parameters = OSSL_PARAM_BLD_to_param(builder);
  EVP_PKEY_CTX* key_context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(key_context);
  EVP_PKEY_fromdata(key_context, &key, EVP_PKEY_KEYPAIR, parameters);
  EVP_PKEY_CTX_free(key_context);
  OSSL_PARAM_free(parameters);
  OSSL_PARAM_BLD_free(builder);
  BN_CTX_free(context);
  return DkimKey(EvpKey(key, EvpKeyDeleter{}), DkimKeyType::rsa, key != nullptr);
}

std::optional<DkimKey> DkimKey::from_pem(std::string_view pem, std::string* error) {
  auto read = [&](bool want_private) -> EVP_PKEY* {
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* key = want_private ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                                 : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return key;
  };
  bool has_private = true;
  EVP_PKEY* key = read(true);
  if (!key) {
    ERR_clear_error();
    has_private = false;
    key = read(false);
  }
  if (!key) {
    if (error) *error = "not a PEM private or public key: " + openssl_error();
    return std::nullopt;
  }
  EvpKey owned(key, EvpKeyDeleter{});
  auto type = type_of(key);
  if (!type) {
    if (error) *error = "PEM key is neither RSA nor Ed25519";
    return std::nullopt;
  }
  return DkimKey(owned, *type, has_private);
}

std::optional<DkimKey> DkimKey::from_public_key_data(DkimKeyType type, std::string_view data) {
  EVP_PKEY* key = nullptr;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (type == DkimKeyType::ed25519) {
    if (data.size() != 32) return std::nullopt;
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, 32);
  } else {
    const unsigned char* cursor = bytes;
    key = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(data.size()));
    if (!key) {  // some publishers put a PKCS#1 RSAPublicKey in p=
      cursor = bytes;
      key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(data.size()));
    }
  }
  ERR_clear_error();
  if (!key) return std::nullopt;
  EvpKey owned(key, EvpKeyDeleter{});
  if (type_of(key) != type) return std::nullopt;
  return DkimKey(owned, type, false);
}

int DkimKey::bits() const { return key_ ? EVP_PKEY_get_bits(key_.get()) : 0; }

std::string DkimKey::private_pem() const {
  if (!key_ || !has_private_) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::string text = bio_text(bio);
  BIO_free(bio);
  return text;
}

std::string DkimKey::public_pem() const {
  if (!key_) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key_.get());
  std::string text = bio_text(bio);
  BIO_free(bio);
  return text;
}

std::string DkimKey::public_key_data() const {
  if (!key_) return {};
  if (type_ == DkimKeyType::ed25519) {
    unsigned char raw[32];
    std::size_t length = sizeof raw;
    EVP_PKEY_get_raw_public_key(key_.get(), raw, &length);
    return std::string(reinterpret_cast<char*>(raw), length);
  }
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(key_.get(), &der);
  if (length <= 0) return {};
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return bytes;
}

std::string DkimKey::key_record() const {
  return "v=DKIM1; k=" + to_string(type_) + "; p=" + common::base64_encode(public_key_data());
}

DkimKeyRecordParse parse_dkim_key_record(std::string_view text, DkimPublicKeyCache* cache) {
  DkimKeyRecordParse result;
  auto tags = parse_tag_list_views(text);
  if (!tags) {
    result.error = "key record is not a valid tag-list (RFC 6376 §3.6.1)";
    return result;
  }
  DkimKeyRecord record;
  bool has_p = false;
  for (std::size_t i = 0; i < tags->size(); ++i) {
    const auto& [name, value] = (*tags)[i];
    if (name == "v") {
      if (i != 0 || value != "DKIM1") {  // §3.6.1: v= must be first and exactly "DKIM1"
        result.error = "key record has bad version v=" + std::string(value);
        return result;
      }
    } else if (name == "k") {
      if (value == "rsa") record.type = DkimKeyType::rsa;
      else if (value == "ed25519") record.type = DkimKeyType::ed25519;
      else {
        result.error = "key record has unknown key type k=" + std::string(value);
        return result;
      }
    } else if (name == "p") {
      has_p = true;
      record.public_key_base64.reserve(value.size());
      std::string_view rest = value;  // a key published in several strings may hold FWS
      while (!rest.empty()) {
        std::size_t run = 0;
        while (run < rest.size() && rest[run] != ' ' && rest[run] != '\t' && rest[run] != '\r' && rest[run] != '\n') ++run;
        record.public_key_base64.append(rest.data(), run);
        rest.remove_prefix(std::min(run + 1, rest.size()));
      }
    } else if (name == "h") {
      record.hash_algorithms = std::string(value);
    } else if (name == "s") {
      record.service_types = std::string(value);
    } else if (name == "t") {
      std::string flags;
      for (char c : value) {
        if (c != ' ' && c != '\t') flags += c;
      }
      std::size_t start = 0;
      while (start <= flags.size()) {
        std::size_t colon = flags.find(':', start);
        std::string flag = flags.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (flag == "y") record.testing = true;
        if (flag == "s") record.strict_identity = true;
        if (colon == std::string::npos) break;
        start = colon + 1;
      }
    }
  }
  if (!has_p) {
    result.error = "key record has no p= tag";
    return result;
  }
  if (!record.public_key_base64.empty()) {  // empty p=: revoked (§3.6.1), nothing to decode
    if (cache) {
      record.prepared = cache->decode(record.type, record.public_key_base64);
      if (record.prepared) record.key = record.prepared->key();
    }
    if (!record.key) record.key = decode_public_key(record.type, record.public_key_base64, result.error);
    if (!record.key) return result;
  }
  result.record = std::move(record);
  return result;
}

std::optional<DkimKey> decode_public_key(DkimKeyType type, std::string_view public_key_base64, std::string& error) {
  auto data = common::base64_decode(public_key_base64);
  if (!data) {
    error = "key record p= is not base64";
    return std::nullopt;
  }
  auto key = DkimKey::from_public_key_data(type, *data);
  if (!key) error = "key record p= is not a valid " + to_string(type) + " public key";
  return key;
}

}  // namespace maillab::auth
