// Deterministic randomness for OpenSSL, so that a TLS conversation is the same bytes every run
// (same scenario + seed = byte-identical trace, pcap included).
//
// OpenSSL 3.0 still honours a process-wide RAND_METHOD (deprecated, present): every
// RAND_bytes_ex / RAND_priv_bytes_ex call — client and server randoms, session ids, X25519 and
// P-256 key shares, ECDSA nonces, ticket keys — goes through it. A process may run two
// simulators side by side (tests, the visualizer stepping back), and sessions of both interleave,
// so one process-wide generator would make bytes depend on that interleaving. Instead the method
// draws from the generator of whoever is inside OpenSSL *right now* on this thread: each
// tls::Session owns a DeterministicRandom and holds a RandomScope around every OpenSSL call.
// Outside any scope the method hands over to OpenSSL's own DRBG (real randomness).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace maillab::tls {

// The 64-bit Mersenne Twister, whose output the C++ standard fixes for a seed: repeatable on every
// platform, and not cryptographic on purpose (a lab's keys must be reproducible; nothing here
// protects real secrets).
class DeterministicRandom {
 public:
  explicit DeterministicRandom(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return ++words_drawn_, engine_(); }
  void fill(unsigned char* out, std::size_t length);  // whole words: the rest of the last one is dropped

  // Skips `words` outputs, as if they had been drawn (a session whose shared SSL_CTX drew its
  // bytes elsewhere, context.h).
  void discard(std::uint64_t words) { engine_.discard(words), words_drawn_ += words; }
  std::uint64_t words_drawn() const { return words_drawn_; }

 private:
  std::mt19937_64 engine_;
  std::uint64_t words_drawn_ = 0;
};

// While it lives, OpenSSL random bytes drawn on this thread come from `source`. Scopes nest (the
// inner one wins until it ends).
class RandomScope {
 public:
  explicit RandomScope(DeterministicRandom& source);
  ~RandomScope();
  RandomScope(const RandomScope&) = delete;
  RandomScope& operator=(const RandomScope&) = delete;

 private:
  DeterministicRandom* previous_;
};

// Installs the RAND_METHOD once per process (RandomScope calls it; idempotent, thread-safe).
void install_deterministic_random();

// A seed derived from a seed and a name (FNV-1a mixed through SplitMix64): stable across runs
// and platforms, for per-name keys and per-connection generators.
std::uint64_t derive_seed(std::uint64_t seed, const void* data, std::size_t length);

}  // namespace maillab::tls
