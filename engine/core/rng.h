// The run's one source of randomness (seeded from the scenario or --seed). Randomness is always
// drawn from here, never from the system, so that a seed names a run exactly.
#pragma once

#include <cstdint>
#include <string_view>

namespace maillab::engine {

// xoshiro256** seeded through splitmix64: fast, small state, good statistical quality.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 1) { reseed(seed); }

  void reseed(std::uint64_t seed);
  std::uint64_t next_u64();
  // Uniform in [0, bound) without modulo bias; bound must be > 0.
  std::uint64_t uniform(std::uint64_t bound);
  // Uniform in [0, 1).
  double uniform_real();
  // True with probability p (p <= 0: never, p >= 1: always; neither draws a number).
  bool chance(double p);
  // An independent generator for one component (a host, a link), derived from this one's seed
  // and a label, so that adding a component does not shift the numbers others draw.
  Rng derive(std::string_view label) const;

 private:
  std::uint64_t seed_ = 0;
  std::uint64_t state_[4] = {};
};

}  // namespace maillab::engine
