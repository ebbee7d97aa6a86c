// What a TLS handshake of the simulation costs (protocols/tls over memory BIOs, TLS 1.3, an EC
// P-256 certificate signed by a P-256 CA, X25519 key exchange), against the floor OpenSSL sets:
// the public-key operations the same handshake needs, timed in the same process the way
// `openssl speed ecdsap256 ecdhx25519` times them (one ECDSA sign, two verifies — the
// CertificateVerify and the CA's signature on the leaf — and two X25519 key generations and
// derivations). Prints figures; never a timed test.
#pragma once

#include <ostream>

namespace maillab::bench {

// Returns 0, or 2 when a handshake fails.
int run_tls_handshake_benchmark(int handshakes, std::ostream& out);

}  // namespace maillab::bench
