#define OPENSSL_SUPPRESS_DEPRECATED  // RAND_METHOD: deprecated in 3.0, still the one hook for this
#include "protocols/tls/random.h"

#include <openssl/rand.h>

#include <limits>
#include <mutex>

namespace maillab::tls {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

thread_local DeterministicRandom* current_source = nullptr;
const RAND_METHOD* openssl_method = nullptr;  // OpenSSL's own DRBG, for calls outside a scope

int scoped_bytes(unsigned char* out, int length) {
  if (length < 0) return 0;
  if (current_source) {
    current_source->fill(out, static_cast<std::size_t>(length));
    return 1;
  }
  return openssl_method->bytes(out, length);
}
int scoped_seed(const void* buffer, int length) {
  return current_source || !openssl_method->seed ? 1 : openssl_method->seed(buffer, length);
}
int scoped_add(const void* buffer, int length, double entropy) {
  return current_source || !openssl_method->add ? 1 : openssl_method->add(buffer, length, entropy);
}
int scoped_status() { return current_source || !openssl_method->status ? 1 : openssl_method->status(); }

const RAND_METHOD scoped_method = {scoped_seed, scoped_bytes, nullptr, scoped_add, scoped_bytes, scoped_status};

}  // namespace

void DeterministicRandom::fill(unsigned char* out, std::size_t length) {
  while (length > 0) {
    std::uint64_t word = next();
    for (int i = 0; i < 8 && length > 0; ++i, --length) {
      *out++ = static_cast<unsigned char>(word);
      word >>= 8;
    }
  }
}

RandomScope::RandomScope(DeterministicRandom& source) : previous_(current_source) {
  install_deterministic_random();
  current_source = &source;
}

RandomScope::~RandomScope() { current_source = previous_; }

void install_deterministic_random() {
  static std::once_flag once;
  std::call_once(once, [] {
    openssl_method = RAND_OpenSSL();
    RAND_set_rand_method(&scoped_method);
  });
}

std::uint64_t derive_seed(std::uint64_t seed, const void* data, std::size_t length) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < length; ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ULL;
  std::uint64_t state = seed ^ rotate_left(hash, 29);
  return splitmix64(state);
}

}  // namespace maillab::tls
