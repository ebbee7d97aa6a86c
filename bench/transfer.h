// The TCP transfer benchmark: one connection carries N bytes across a 1 Gb/s link, as the
// scenario action `transfer:` does. Its figures show the cost growing linearly with N: the bytes
// the stream buffers moved (each byte a bounded number of times) and the wall time.
#pragma once

#include <cstdint>
#include <ostream>

namespace maillab::bench {

// Prints one line, e.g.
//   "transfer: bytes=100000000 seconds=5.1 simulated_seconds=0.9 segments=68494 buffer_bytes_moved=300000000 moved_per_byte=3.00"
// and returns 0 (1 when the transfer did not complete).
int run_transfer_benchmark(std::uint64_t bytes, std::ostream& out);

}  // namespace maillab::bench
