// The PKI of one simulated world: a certificate authority made from the scenario's seed, and a
// certificate for every name a server is asked for (SNI) or calls itself, signed by that CA and
// valid around the simulated calendar (simulated time 0 is 2026-01-05 09:00:00 UTC). A scenario
// can give a server a broken certificate (expired, not yet valid, self-signed, for the wrong
// name, or from an authority nobody trusts) to show what clients do about it.
//
// Keys are EC P-256, derived from the seed and the name, and cached in the process (the same
// seed and name always give the same key, so the cache changes no byte). Every simulated
// client trusts the world's CA; `maillab bridge` writes it to a file for real clients.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hosts/tls/tls_observations.h"
#include "protocols/tls/certificate.h"

namespace maillab::engine {

class Network;

enum class CertificateFault { none, expired, not_yet_valid, self_signed, wrong_name, untrusted };
std::string_view to_string(CertificateFault fault);
// "expired", "not-yet-valid", "self-signed", "wrong-name", "untrusted"; false if unknown.
bool parse_certificate_fault(std::string_view text, CertificateFault& fault);

struct ServerIdentity {
  std::vector<tls::Certificate> chain;  // leaf first
  tls::PrivateKey key;
};

class WorldPki {
 public:
  // `calendar_start`: Unix seconds at simulated time 0.
  WorldPki(std::uint64_t seed, std::int64_t calendar_start);

  const tls::Certificate& certificate_authority() const { return ca_; }
  std::vector<tls::Certificate> trust_anchors() const { return {ca_}; }

  // What the server on `host` presents when asked for `name` (its own name when empty, or when
  // `name` is an IP address: RFC 6066 §3 allows only host names in SNI).
  const ServerIdentity& identity(const std::string& host, const std::string& name);

  // A broken certificate for every name `host` serves; `days` says how long ago it expired, or
  // how long until it becomes valid.
  void set_fault(const std::string& host, CertificateFault fault, int days = 3);
  CertificateFault fault(const std::string& host) const;
  int fault_days(const std::string& host) const;  // the `days` of set_fault (3 if never set)

  // `maillab bridge`: real clients reach every server at the bridge's own address (127.0.0.1),
  // so every certificate also names it (an iPAddress subjectAltName) and verifies for them.
  void also_certify_addresses(std::vector<std::string> addresses) { extra_addresses_ = std::move(addresses); }

  // NSS key log lines of every TLS connection in the world go here when set (--keylog).
  std::function<void(std::string_view line)> keylog;

  // What the lab sees inside every TLS connection (certificates, plaintext beside ciphertext),
  // for the visualizer; off unless enabled. It lives here because the PKI is the world's one
  // slot for TLS state that belongs to the lab rather than to a host, as the key log does.
  TlsObservations observations;

 private:
  struct Fault {
    CertificateFault fault = CertificateFault::none;
    int days = 3;
  };
  ServerIdentity make_identity(const std::string& name, const Fault& fault);

  std::uint64_t seed_;
  std::int64_t calendar_start_;
  tls::PrivateKey ca_key_;
  tls::Certificate ca_;
  std::vector<std::string> extra_addresses_;
  std::map<std::string, Fault> faults_;                         // by host
  std::map<std::pair<std::string, std::string>, ServerIdentity> identities_;  // by (host, name)
};

// The world's PKI, made on first use from the simulator's seed.
WorldPki& world_pki(Network& network);

}  // namespace maillab::engine
