// OpenSSL's own cost for one public-key operation, timed in this process the way `openssl speed`
// times it (a fixed 32-byte digest, a fresh context per operation): the floor that `bench tls`
// and `bench mail --dkim` compare the simulation's handshakes and signatures against.
#pragma once

#include <openssl/evp.h>

#include <string>

namespace maillab::bench {

// Microseconds per signature over a 32-byte digest; `signature` receives the last one. RSA and
// EC keys sign the digest itself (EVP_PKEY_sign); Ed25519, which has no prehashed form in
// OpenSSL, signs the 32 bytes as its message (EVP_DigestSign), as `openssl speed ed25519` does.
double time_sign(EVP_PKEY* key, int rounds, std::string& signature);
// Microseconds per verification of `signature` (from time_sign with the same key).
double time_verify(EVP_PKEY* key, int rounds, const std::string& signature);

}  // namespace maillab::bench
