// OpenSSL's own cost for one public-key operation, timed in this process the way `openssl speed`
// times it (apps/speed.c: a context made and initialised once, before the clock starts, then one
// EVP_PKEY_sign / EVP_PKEY_verify, or EVP_DigestSign / EVP_DigestVerify for EdDSA, per round over
// a short fixed input): the floor that `bench tls` and `bench mail --dkim` compare the
// simulation's handshakes and signatures against.
#pragma once

#include <openssl/evp.h>

#include <string>

namespace maillab::bench {

// What the floor is timed by: wall time (`openssl speed -elapsed`), or the process's CPU time
// (`openssl speed`'s default), for comparing with CPU-time figures on a busy machine.
enum class FloorClock { wall, process_cpu };

// Microseconds per signature over a 32-byte digest; `signature` receives the last one. RSA and
// EC keys sign the digest itself (EVP_PKEY_sign); Ed25519, which has no prehashed form in
// OpenSSL, signs the 32 bytes as its message (EVP_DigestSign), as `openssl speed ed25519` does.
double time_sign(EVP_PKEY* key, int rounds, std::string& signature, FloorClock clock = FloorClock::wall);
// Microseconds per verification of `signature` (from time_sign with the same key).
double time_verify(EVP_PKEY* key, int rounds, const std::string& signature, FloorClock clock = FloorClock::wall);

}  // namespace maillab::bench
