#include "bench/openssl_floor.h"

#include <time.h>

#include <chrono>
#include <memory>

namespace maillab::bench {
namespace {

const unsigned char digest[32] = {1, 2, 3};

double now_us(FloorClock clock) {
  if (clock == FloorClock::wall)
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
  timespec cpu{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu);
  return static_cast<double>(cpu.tv_sec) * 1e6 + static_cast<double>(cpu.tv_nsec) / 1e3;
}

bool is_ed25519(EVP_PKEY* key) { return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519; }

struct PkeyContextFree {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// One operation, `rounds` times, on a context made before the clock starts (as apps/speed.c
// does); a few untimed rounds first, since OpenSSL loads its tables at first use.
template <typename Operation>
double time_rounds(int rounds, FloorClock clock, Operation operation) {
  for (int i = 0; i < 3; ++i) operation();
  const double start = now_us(clock);
  for (int i = 0; i < rounds; ++i) operation();
  return (now_us(clock) - start) / rounds;
}

}  // namespace

double time_sign(EVP_PKEY* key, int rounds, std::string& signature, FloorClock clock) {
  signature.resize(static_cast<std::size_t>(EVP_PKEY_get_size(key)));
  auto* output = reinterpret_cast<unsigned char*>(signature.data());
  std::size_t length = signature.size();
  double us = 0;
  if (is_ed25519(key)) {
    std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
    EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key);
    us = time_rounds(rounds, clock, [&] {
      length = signature.size();
      EVP_DigestSign(context.get(), output, &length, digest, sizeof digest);
    });
  } else {
    std::unique_ptr<EVP_PKEY_CTX, PkeyContextFree> context(EVP_PKEY_CTX_new(key, nullptr));
    EVP_PKEY_sign_init(context.get());
    us = time_rounds(rounds, clock, [&] {
      length = signature.size();
      EVP_PKEY_sign(context.get(), output, &length, digest, sizeof digest);
    });
  }
  signature.resize(length);
  return us;
}

double time_verify(EVP_PKEY* key, int rounds, const std::string& signature, FloorClock clock) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  if (is_ed25519(key)) {
    std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
    EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key);
    return time_rounds(rounds, clock, [&] { EVP_DigestVerify(context.get(), bytes, signature.size(), digest, sizeof digest); });
  }
  std::unique_ptr<EVP_PKEY_CTX, PkeyContextFree> context(EVP_PKEY_CTX_new(key, nullptr));
  EVP_PKEY_verify_init(context.get());
  return time_rounds(rounds, clock, [&] { EVP_PKEY_verify(context.get(), bytes, signature.size(), digest, sizeof digest); });
}

}  // namespace maillab::bench
