#include "bench/openssl_floor.h"

#include <chrono>

namespace maillab::bench {
namespace {

using Clock = std::chrono::steady_clock;
const unsigned char digest[32] = {1, 2, 3};

double microseconds_since(Clock::time_point start, int count) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / count;
}

bool is_ed25519(EVP_PKEY* key) { return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519; }

void sign_once(EVP_PKEY* key, std::string& signature) {
  std::size_t length = 0;
  if (is_ed25519(key)) {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    EVP_DigestSignInit(context, nullptr, nullptr, nullptr, key);
    EVP_DigestSign(context, nullptr, &length, digest, sizeof digest);
    signature.resize(length);
    EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length, digest, sizeof digest);
    EVP_MD_CTX_free(context);
  } else {
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new(key, nullptr);
    EVP_PKEY_sign_init(context);
    EVP_PKEY_sign(context, nullptr, &length, digest, sizeof digest);
    signature.resize(length);
    EVP_PKEY_sign(context, reinterpret_cast<unsigned char*>(signature.data()), &length, digest, sizeof digest);
    EVP_PKEY_CTX_free(context);
  }
  signature.resize(length);
}

void verify_once(EVP_PKEY* key, const std::string& signature) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  if (is_ed25519(key)) {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(context, nullptr, nullptr, nullptr, key);
    EVP_DigestVerify(context, bytes, signature.size(), digest, sizeof digest);
    EVP_MD_CTX_free(context);
  } else {
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new(key, nullptr);
    EVP_PKEY_verify_init(context);
    EVP_PKEY_verify(context, bytes, signature.size(), digest, sizeof digest);
    EVP_PKEY_CTX_free(context);
  }
}

}  // namespace

double time_sign(EVP_PKEY* key, int rounds, std::string& signature) {
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) sign_once(key, signature);
  return microseconds_since(start, rounds);
}

double time_verify(EVP_PKEY* key, int rounds, const std::string& signature) {
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) verify_once(key, signature);
  return microseconds_since(start, rounds);
}

}  // namespace maillab::bench
