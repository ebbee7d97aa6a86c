// bench_hold [PENDING [EVENTS [SEED]]] — the hold benchmark without the maillab command line.
#include <cstdlib>
#include <iostream>

#include "bench/hold.h"

int main(int argc, char** argv) {
  const std::size_t pending = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000;
  const std::uint64_t events = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000'000;
  const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
  return maillab::bench::run_hold_benchmark(pending, events, seed, std::cout);
}
