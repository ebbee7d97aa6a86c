// Keys and X.509 certificates for the simulated PKI (RFC 5280), made with OpenSSL: EC P-256 keys
// (cheap to make, so every world can have its own CA), certificates with a subjectAltName
// (RFC 6125 §6.4.4: names are matched against DNS-IDs, never the CN), validity in Unix seconds of
// the simulated calendar. Everything random draws from a DeterministicRandom, so the same seed
// gives the same key and certificate bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/tls/random.h"

// OpenSSL's types, opaque here.
struct evp_pkey_st;
struct x509_st;

namespace maillab::tls {

class PrivateKey {
 public:
  PrivateKey() = default;
  explicit PrivateKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  evp_pkey_st* get() const { return key_.get(); }
  explicit operator bool() const { return key_ != nullptr; }
  std::string pem() const;  // PKCS#8

 private:
  std::shared_ptr<evp_pkey_st> key_;
};

class Certificate {
 public:
  Certificate() = default;
  explicit Certificate(std::shared_ptr<x509_st> certificate) : certificate_(std::move(certificate)) {}
  x509_st* get() const { return certificate_.get(); }
  explicit operator bool() const { return certificate_ != nullptr; }

  std::string pem() const;
  std::string der() const;
  std::string subject_common_name() const;
  std::string issuer_common_name() const;
  std::vector<std::string> dns_names() const;  // subjectAltName dNSName entries
  std::int64_t not_before() const;             // Unix seconds
  std::int64_t not_after() const;
  // "CN=mx.example.org, issued by CN=example Lab CA, valid 2026-11-06 to 2027-12-06"
  std::string describe() const;

 private:
  std::shared_ptr<x509_st> certificate_;
};

// A fresh EC P-256 key drawn from `random`.
PrivateKey generate_key(DeterministicRandom& random);

struct CertificateRequest {
  std::string common_name;
  std::vector<std::string> dns_names;  // subjectAltName; empty for a CA
  bool certificate_authority = false;
  std::int64_t not_before = 0;  // Unix seconds
  std::int64_t not_after = 0;
  std::uint64_t serial = 1;
  std::vector<std::string> ip_addresses = {};  // subjectAltName iPAddress entries ("127.0.0.1")
};

// Signs `request` for `subject_key` with `issuer_key`; the issuer's name comes from `issuer`, or
// from the request itself when `issuer` is empty (a self-signed certificate, as a root CA is).
Certificate issue_certificate(const CertificateRequest& request, const PrivateKey& subject_key,
                              const Certificate& issuer, const PrivateKey& issuer_key, DeterministicRandom& random);

// Reads one PEM certificate; empty on bad input.
Certificate certificate_from_pem(const std::string& pem);

// "2026-12-06 14:03:00 UTC" for Unix seconds (trace text, certificate descriptions).
std::string format_utc(std::int64_t unix_seconds);

}  // namespace maillab::tls
