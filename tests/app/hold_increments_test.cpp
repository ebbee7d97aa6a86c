// The hold model's increments (bench/hold_increments.h): both distributions have the asked mean,
// and they are the distributions they are named for.
#include <catch2/catch.hpp>

#include <cmath>

#include "bench/hold_increments.h"
#include "engine/core/rng.h"

using maillab::bench::HoldIncrements;
using maillab::bench::hold_increment;

TEST_CASE("hold increments: uniform from 0 up to twice the mean, exponential with the same mean", "[app][bench]") {
  const std::int64_t mean = 1000;
  const int draws = 200'000;
  maillab::engine::Rng rng(7);
  double uniform_sum = 0, exponential_sum = 0;
  int uniform_out_of_range = 0, exponential_negative = 0, exponential_below_mean = 0, exponential_past_twice = 0;
  for (int i = 0; i < draws; ++i) {
    const auto u = hold_increment(HoldIncrements::uniform, rng.next_u64(), mean);
    uniform_sum += static_cast<double>(u);
    if (u < 0 || u >= 2 * mean) ++uniform_out_of_range;
    const auto e = hold_increment(HoldIncrements::exponential, rng.next_u64(), mean);
    if (e < 0) ++exponential_negative;
    exponential_sum += static_cast<double>(e);
    if (e < mean) ++exponential_below_mean;
    if (e >= 2 * mean) ++exponential_past_twice;
  }
  CHECK(uniform_out_of_range == 0);
  CHECK(exponential_negative == 0);
  CHECK(std::abs(uniform_sum / draws - mean) < 0.01 * mean);
  CHECK(std::abs(exponential_sum / draws - mean) < 0.01 * mean);
  // P(X < mean) = 1 - 1/e and P(X >= 2 mean) = 1/e^2 for an exponential distribution.
  CHECK(std::abs(exponential_below_mean / double(draws) - (1 - std::exp(-1.0))) < 0.005);
  CHECK(std::abs(exponential_past_twice / double(draws) - std::exp(-2.0)) < 0.005);
  // The largest 64-bit draw stays finite.
  CHECK(hold_increment(HoldIncrements::exponential, ~std::uint64_t{0}, mean) < 40 * mean);
  CHECK(maillab::bench::hold_increments_from_name("exponential") == HoldIncrements::exponential);
  CHECK_FALSE(maillab::bench::hold_increments_from_name("Exponential").has_value());
}
