#include "protocols/auth/dkim_crypto.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cstring>

#include "protocols/auth/dkim_body_pieces.h"
#include "protocols/auth/domain_name.h"

namespace maillab::auth {

namespace {

// The digests fetched from the default provider once per process. EVP_sha256() names the
// algorithm only: OpenSSL 3 fetches an implementation for it (a locked lookup) in every
// EVP_Digest call; a fetched one is used as is. Never freed: they live as long as the library.
const EVP_MD* fetched_digest(DkimAlgorithm algorithm) {
  static const EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  static const EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  const EVP_MD* fetched = algorithm == DkimAlgorithm::rsa_sha1 ? sha1 : sha256;
  if (fetched) return fetched;
  return algorithm == DkimAlgorithm::rsa_sha1 ? EVP_sha1() : EVP_sha256();  // no default provider
}

}  // namespace

std::string dkim_hash(DkimAlgorithm algorithm, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, fetched_digest(algorithm), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

DkimBodyHash dkim_body_hash(DkimAlgorithm algorithm, std::string_view body, DkimCanonicalization canonicalization,
                            std::optional<std::uint64_t> limit) {
  // The pieces are short (a word, a space, a CRLF): they are gathered in a buffer and the digest
  // is fed a buffer at a time, as it would be fed the canonical body whole.
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const bool ready = context && EVP_DigestInit_ex(context.get(), fetched_digest(algorithm), nullptr) == 1;
  char buffer[4096];
  std::size_t buffered = 0;
  auto flush = [&] {
    if (ready && buffered > 0) EVP_DigestUpdate(context.get(), buffer, buffered);
    buffered = 0;
  };
  DkimBodyHash result;
  std::uint64_t room = limit.value_or(UINT64_MAX);  // octets still to hash
  detail::for_each_canonical_body_piece(body, canonicalization, [&](std::string_view piece) {
    result.canonical_length += piece.size();
    if (room == 0) return;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), room));
    room -= take;
    if (take > sizeof buffer - buffered) {
      flush();
      if (take >= sizeof buffer) {
        if (ready) EVP_DigestUpdate(context.get(), piece.data(), take);
        return;
      }
    }
    std::memcpy(buffer + buffered, piece.data(), take);
    buffered += take;
  });
  flush();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (ready && EVP_DigestFinal_ex(context.get(), digest, &length) == 1)
    result.digest.assign(reinterpret_cast<char*>(digest), length);
  return result;
}

void DkimPreparedKey::PkeyContextDeleter::operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
void DkimPreparedKey::DigestContextDeleter::operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }

DkimPreparedKey::DkimPreparedKey(DkimKey key) : key_(std::move(key)) {}
DkimPreparedKey::~DkimPreparedKey() = default;

// RSA signs the digest we computed (EVP_PKEY_sign, as `openssl speed` does); with the signature
// digest set, OpenSSL wraps it in the PKCS#1 v1.5 DigestInfo, so the bytes are those
// EVP_DigestSign would give.
EVP_PKEY_CTX* DkimPreparedKey::rsa_context(DkimAlgorithm algorithm, bool signing) {
  PkeyContext& slot = (signing ? rsa_sign_ : rsa_verify_)[static_cast<int>(algorithm)];
  if (!slot) {
    PkeyContext context(EVP_PKEY_CTX_new(key_.evp(), nullptr));
    if (!context) return nullptr;
    const EVP_MD* digest = fetched_digest(algorithm);
    const int ready = signing ? EVP_PKEY_sign_init(context.get()) : EVP_PKEY_verify_init(context.get());
    if (ready != 1 || EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(context.get(), digest) != 1)
      return nullptr;
    slot = std::move(context);
  }
  return slot.get();
}

// Ed25519 has no prehashed form in OpenSSL: one-shot EVP_DigestSign/Verify with no digest.
// `fresh` makes the context anew, for a library that refuses to reuse one.
EVP_MD_CTX* DkimPreparedKey::ed25519_context(bool signing, bool fresh) {
  DigestContext& slot = signing ? ed25519_sign_ : ed25519_verify_;
  if (fresh) slot.reset();
  if (!slot) {
    DigestContext context(EVP_MD_CTX_new());
    if (!context) return nullptr;
    const int ready = signing ? EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key_.evp())
                              : EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key_.evp());
    if (ready != 1) return nullptr;
    slot = std::move(context);
  }
  return slot.get();
}

std::string DkimPreparedKey::sign(DkimAlgorithm algorithm, std::string_view data) {
  std::string signature;
  if (!key_.valid() || !key_.has_private() || key_type_of(algorithm) != key_.type()) return signature;
  const std::string digest = dkim_hash(algorithm, data);  // RFC 8463 §3: Ed25519 signs SHA-256(data)
  const auto* input = reinterpret_cast<const unsigned char*>(digest.data());
  signature.resize(static_cast<std::size_t>(EVP_PKEY_get_size(key_.evp())));
  auto* output = reinterpret_cast<unsigned char*>(signature.data());
  std::size_t length = signature.size();
  bool good = false;
  if (algorithm == DkimAlgorithm::ed25519_sha256) {
    for (bool fresh : {false, true}) {
      EVP_MD_CTX* context = ed25519_context(true, fresh);
      length = signature.size();
      good = context && EVP_DigestSign(context, output, &length, input, digest.size()) == 1;
      if (good) break;
    }
  } else {
    EVP_PKEY_CTX* context = rsa_context(algorithm, true);
    good = context && EVP_PKEY_sign(context, output, &length, input, digest.size()) == 1;
  }
  signature.resize(good ? length : 0);
  ERR_clear_error();
  return signature;
}

bool DkimPreparedKey::verify(DkimAlgorithm algorithm, std::string_view data, std::string_view signature) {
  if (!key_.valid() || key_type_of(algorithm) != key_.type()) return false;
  return verify_digest(algorithm, dkim_hash(algorithm, data), signature);
}

bool DkimPreparedKey::verify_digest(DkimAlgorithm algorithm, std::string_view digest, std::string_view signature) {
  if (!key_.valid() || key_type_of(algorithm) != key_.type()) return false;
  const auto* input = reinterpret_cast<const unsigned char*>(digest.data());
  const auto* signature_bytes = reinterpret_cast<const unsigned char*>(signature.data());
  bool good = false;
  if (algorithm == DkimAlgorithm::ed25519_sha256) {
    for (bool fresh : {false, true}) {
      EVP_MD_CTX* context = ed25519_context(false, fresh);
      good = context && EVP_DigestVerify(context, signature_bytes, signature.size(), input, digest.size()) == 1;
      if (good) break;
    }
  } else {
    EVP_PKEY_CTX* context = rsa_context(algorithm, false);
    good = context && EVP_PKEY_verify(context, signature_bytes, signature.size(), input, digest.size()) == 1;
  }
  ERR_clear_error();
  return good;
}

std::string dkim_sign_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data) {
  return DkimPreparedKey(key).sign(algorithm, data);
}

bool dkim_verify_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data, std::string_view signature) {
  return DkimPreparedKey(key).verify(algorithm, data, signature);
}

std::string dkim_signed_data(const std::vector<HeaderFieldView>& fields, const std::vector<std::string>& names,
                             DkimCanonicalization canonicalization, std::string_view signature_field_without_b) {
  // Which fields an earlier name took: bits of one word for the usual header section, a vector for
  // one of more than 64 fields.
  std::uint64_t used_bits = 0;
  std::vector<bool> used_many(fields.size() > 64 ? fields.size() : 0, false);
  auto take = [&](std::size_t i) {
    const bool taken = fields.size() > 64 ? used_many[i] : ((used_bits >> i) & 1) != 0;
    if (taken) return false;
    if (fields.size() > 64) used_many[i] = true;
    else used_bits |= std::uint64_t{1} << i;
    return true;
  };
  std::string data;
  data.reserve(1024);
  for (const auto& name : names) {
    for (std::size_t i = fields.size(); i-- > 0;) {
      if (!equals_ignoring_case(fields[i].name, name) || !take(i)) continue;
      append_canonical_header(data, fields[i].raw, canonicalization);
      break;
    }
  }
  append_canonical_header(data, signature_field_without_b, canonicalization);
  data.resize(data.size() - 2);  // §3.7: the signature field without its trailing CRLF
  return data;
}

}  // namespace maillab::auth
