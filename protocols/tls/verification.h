// Why a certificate is not trusted, in words a student understands: "certificate for
// mx.example.org expired 3 days ago". The kinds are the X.509 path validation failures of
// RFC 5280 §6.1 (and RFC 6125's name check) that a mail lab shows.
#pragma once

#include <cstdint>
#include <string>

#include "protocols/tls/certificate.h"

namespace maillab::tls {

enum class VerifyProblem { expired, not_yet_valid, self_signed, wrong_name, untrusted_issuer, other };

struct VerifyFailure {
  VerifyProblem problem = VerifyProblem::other;
  int openssl_code = 0;  // X509_V_ERR_*
  std::string reason;    // the sentence for the trace
};

// From OpenSSL's X509_V_ERR_* code, the certificate it is about, the name the client wanted and
// the time of the check.
VerifyFailure describe_verify_failure(int openssl_code, const Certificate& certificate,
                                      const std::string& expected_name, std::int64_t now);

std::string_view to_string(VerifyProblem problem);  // "expired", "wrong-name", ...

}  // namespace maillab::tls
