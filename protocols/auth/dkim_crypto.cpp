#include "protocols/auth/dkim_crypto.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "protocols/auth/domain_name.h"

namespace maillab::auth {

std::string dkim_hash(DkimAlgorithm algorithm, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length,
             algorithm == DkimAlgorithm::rsa_sha1 ? EVP_sha1() : EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string dkim_sign_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::string input(data);
  const EVP_MD* digest = nullptr;
  if (algorithm == DkimAlgorithm::ed25519_sha256) input = dkim_hash(algorithm, data);
  else digest = algorithm == DkimAlgorithm::rsa_sha1 ? EVP_sha1() : EVP_sha256();
  std::string signature;
  std::size_t length = 0;
  if (EVP_DigestSignInit(context, nullptr, digest, nullptr, key.evp()) == 1 &&
      EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
    signature.resize(length);
    if (EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
      signature.resize(length);
    } else {
      signature.clear();
    }
  }
  EVP_MD_CTX_free(context);
  ERR_clear_error();
  return signature;
}

std::string dkim_signed_data(const SplitMessage& message, const std::vector<std::string>& names,
                             DkimCanonicalization canonicalization, std::string_view signature_field_without_b) {
  std::vector<bool> used(message.headers.size(), false);
  std::string data;
  for (const auto& name : names) {
    for (std::size_t i = message.headers.size(); i-- > 0;) {
      if (used[i] || !equals_ignoring_case(message.headers[i].name, name)) continue;
      used[i] = true;
      data += canonicalize_header(message.headers[i].raw, canonicalization);
      break;
    }
  }
  std::string signature_field = canonicalize_header(signature_field_without_b, canonicalization);
  signature_field.resize(signature_field.size() - 2);  // §3.7: without the trailing CRLF
  return data + signature_field;
}

bool dkim_verify_data(DkimAlgorithm algorithm, const DkimKey& key, std::string_view data, std::string_view signature) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::string input(data);
  const EVP_MD* digest = nullptr;
  if (algorithm == DkimAlgorithm::ed25519_sha256) input = dkim_hash(algorithm, data);
  else digest = algorithm == DkimAlgorithm::rsa_sha1 ? EVP_sha1() : EVP_sha256();
  bool good = EVP_DigestVerifyInit(context, nullptr, digest, nullptr, key.evp()) == 1 &&
              EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(context);
  ERR_clear_error();
  return good;
}

}  // namespace maillab::auth
