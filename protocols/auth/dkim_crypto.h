#pragma once
// The hash and signature primitives of DKIM over OpenSSL EVP (RFC 6376 §3.3, RFC 8463 §3).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/auth/dkim_key.h"
#include "protocols/auth/dkim_signature.h"
#include "protocols/auth/message_headers.h"

typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;
typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace maillab::auth {

std::string dkim_hash(DkimAlgorithm algorithm, std::string_view data);  // SHA-256 or SHA-1

// The body hash (bh=, RFC 6376 §3.7) of a body's canonical form, limited to its first `limit`
// octets when l= is given, and the canonical form's whole length (a signer clips l= to it, a
// verifier fails a signature whose l= is longer, §3.5 l=). The canonical body is hashed a piece
// at a time as it is made, never built: it is as long as the body.
struct DkimBodyHash {
  std::string digest;
  std::uint64_t canonical_length = 0;
};
DkimBodyHash dkim_body_hash(DkimAlgorithm algorithm, std::string_view body, DkimCanonicalization canonicalization,
                            std::optional<std::uint64_t> limit = std::nullopt);

// A key with its OpenSSL contexts made once and kept for every signature or verification.
// OpenSSL 3 fetches the algorithm from its provider and builds a context at every *_init: about
// 20-25 us, a tenth of an RSA-2048 signature and more than an Ed25519 one. `openssl speed` makes
// its contexts once, so a signer or verifier that makes one per message cannot come near it.
// Not thread-safe (the contexts are reused): one per signer, one per verifier's key cache.
class DkimPreparedKey {
 public:
  explicit DkimPreparedKey(DkimKey key);
  ~DkimPreparedKey();
  DkimPreparedKey(const DkimPreparedKey&) = delete;
  DkimPreparedKey& operator=(const DkimPreparedKey&) = delete;

  const DkimKey& key() const { return key_; }
  // rsa: PKCS#1 v1.5 over hash(data). ed25519: PureEdDSA over SHA-256(data) (RFC 8463 §3).
  // Empty when the key cannot sign (no private part, wrong type).
  std::string sign(DkimAlgorithm algorithm, std::string_view data);
  bool verify(DkimAlgorithm algorithm, std::string_view data, std::string_view signature);
  // The same given dkim_hash(algorithm, data), for a verifier that hashed the data before its key
  // was known.
  bool verify_digest(DkimAlgorithm algorithm, std::string_view digest, std::string_view signature);

 private:
  struct PkeyContextDeleter {
    void operator()(EVP_PKEY_CTX* context) const;
  };
  struct DigestContextDeleter {
    void operator()(EVP_MD_CTX* context) const;
  };
  using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, PkeyContextDeleter>;
  using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;
  EVP_PKEY_CTX* rsa_context(DkimAlgorithm algorithm, bool signing);
  EVP_MD_CTX* ed25519_context(bool signing, bool fresh);

  DkimKey key_;
  PkeyContext rsa_sign_[3], rsa_verify_[3];  // by DkimAlgorithm (rsa_sha256, -, rsa_sha1)
  DigestContext ed25519_sign_, ed25519_verify_;
};

// One-off forms of DkimPreparedKey::sign and verify (contexts made and freed in the call).
std::string dkim_sign_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data);
bool dkim_verify_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data, std::string_view signature);

// The octets the signature covers (§3.7): the fields named in h=, each taken bottom-up (a name
// listed twice takes the last and then the one above it; a name with no field left adds nothing),
// canonicalized, then the DKIM-Signature field with an empty b= and no final CRLF.
std::string dkim_signed_data(const std::vector<HeaderFieldView>& fields, const std::vector<std::string>& names,
                             DkimCanonicalization canonicalization, std::string_view signature_field_without_b);

}  // namespace maillab::auth
