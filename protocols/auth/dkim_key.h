#pragma once
// DKIM keys: OpenSSL 3 EVP keys, deterministic generation from a seed, PEM import/export, and the
// "v=DKIM1; k=...; p=..." key record published at selector._domainkey.domain (RFC 6376 §3.6.1).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

typedef struct evp_pkey_st EVP_PKEY;

namespace maillab::auth {

class DkimPreparedKey;     // dkim_crypto.h
class DkimPublicKeyCache;  // dkim_key_cache.h

enum class DkimKeyType { rsa, ed25519 };
std::string to_string(DkimKeyType type);  // "rsa", "ed25519"

struct EvpKeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
using EvpKey = std::shared_ptr<EVP_PKEY>;

// A private (signing) or public (verifying) key.
class DkimKey {
 public:
  DkimKey() = default;
  // Same seed, same key — in one process and across runs. ed25519: the 32-byte private key is
  // SHA-256(seed). rsa: primes are searched upward from numbers drawn from a SHA-256 counter
  // stream over the seed (a teaching shortcut: fine for a simulator, not for real keys).
  static DkimKey ed25519_from_seed(std::string_view seed);
  static DkimKey rsa_from_seed(std::string_view seed, int bits = 2048);
  // An Ed25519 key from its 32 private bytes (the form dkimpy and RFC 8032 §7.1 print in base64).
  static std::optional<DkimKey> ed25519_from_private_bytes(std::string_view bytes);
  // PKCS#8, traditional RSA, or SubjectPublicKeyInfo PEM. nullopt with error set on failure.
  static std::optional<DkimKey> from_pem(std::string_view pem, std::string* error = nullptr);
  // The p= value of a key record (SubjectPublicKeyInfo DER for rsa, also PKCS#1 RSAPublicKey;
  // the raw 32 bytes for ed25519, RFC 8463 §4).
  static std::optional<DkimKey> from_public_key_data(DkimKeyType type, std::string_view der_or_raw);

  bool valid() const { return key_ != nullptr; }
  bool has_private() const { return has_private_; }
  DkimKeyType type() const { return type_; }
  int bits() const;  // RSA modulus size; 256 for ed25519

  std::string private_pem() const;  // PKCS#8 "BEGIN PRIVATE KEY"; empty for a public key
  std::string public_pem() const;   // "BEGIN PUBLIC KEY"
  std::string public_key_data() const;  // bytes for p= (before base64)
  std::string ed25519_private_bytes() const;  // the 32 private bytes; empty for other keys
  // "v=DKIM1; k=rsa; p=MIIB..." — the TXT record to publish.
  std::string key_record() const;

  EVP_PKEY* evp() const { return key_.get(); }

 private:
  DkimKey(EvpKey key, DkimKeyType type, bool has_private) : key_(std::move(key)), type_(type), has_private_(has_private) {}
  EvpKey key_;
  DkimKeyType type_ = DkimKeyType::rsa;
  bool has_private_ = false;
};

// A parsed key record (RFC 6376 §3.6.1).
struct DkimKeyRecord {
  DkimKeyType type = DkimKeyType::rsa;  // k=, default rsa
  std::string public_key_base64;        // p=; empty means revoked (§3.6.1)
  std::string hash_algorithms;          // h=, empty = any
  std::string service_types = "*";      // s=
  bool testing = false;                 // t=y
  bool strict_identity = false;         // t=s: i= must be exactly d= (no subdomains)
  std::optional<DkimKey> key;           // decoded p= (absent when revoked)
  std::shared_ptr<DkimPreparedKey> prepared;  // the same key with its contexts, when a cache gave it
};

struct DkimKeyRecordParse {
  std::optional<DkimKeyRecord> record;
  std::string error;  // why the record is unusable (a permerror for the signature)
};

// With a cache, p= is decoded through it (the tags are still read from `text` every time).
DkimKeyRecordParse parse_dkim_key_record(std::string_view text, DkimPublicKeyCache* cache = nullptr);

// p= (base64, spaces removed) to a key of type k=; nullopt with `error` set (a permerror's reason).
std::optional<DkimKey> decode_public_key(DkimKeyType type, std::string_view public_key_base64, std::string& error);

}  // namespace maillab::auth
