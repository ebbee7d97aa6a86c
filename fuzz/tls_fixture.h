// The simulated PKI of the TLS target and its seeds: a CA and a certificate for mx.example.org,
// from fixed seeds (as tests/tls/tls_test_pki.h), and the two ends' configurations.
#pragma once

#include "protocols/tls/session.h"

namespace maillab::fuzz {

constexpr std::int64_t tls_now = 1796558400;  // 2026-12-06 12:00:00 UTC

struct TlsPki {
  tls::DeterministicRandom random{42};
  tls::PrivateKey ca_key = tls::generate_key(random);
  tls::Certificate ca = tls::issue_certificate({"Fuzz Lab CA", {}, true, tls_now - 86400, tls_now + 86400, 1},
                                               ca_key, {}, ca_key, random);
  tls::PrivateKey server_key = tls::generate_key(random);
  tls::Certificate server = tls::issue_certificate(
      {"mx.example.org", {"mx.example.org"}, false, tls_now - 86400, tls_now + 86400, 2}, server_key, ca, ca_key, random);

  tls::Config config(tls::Role role) const {
    tls::Config config;
    config.role = role;
    config.random_seed = role == tls::Role::client ? 9 : 7;
    config.verify_time = tls_now;
    if (role == tls::Role::server) {
      config.chain = {server, ca};
      config.key = server_key;
    } else {
      config.server_name = "mx.example.org";
      config.trust_anchors = {ca};
      config.require_verified_peer = true;
    }
    return config;
  }
};

inline const TlsPki& tls_pki() {
  static const TlsPki pki;
  return pki;
}

}  // namespace maillab::fuzz
