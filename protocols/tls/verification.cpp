#include "protocols/tls/verification.h"

#include <openssl/x509_vfy.h>

namespace maillab::tls {
namespace {

std::string days(std::int64_t seconds) {
  const std::int64_t count = seconds / 86400;
  if (count == 0) return "less than a day";
  return std::to_string(count) + (count == 1 ? " day" : " days");
}

}  // namespace

VerifyFailure describe_verify_failure(int openssl_code, const Certificate& certificate,
                                      const std::string& expected_name, std::int64_t now) {
  VerifyFailure failure;
  failure.openssl_code = openssl_code;
  const std::string subject = certificate ? certificate.subject_common_name() : expected_name;
  const std::string about = "certificate for " + (expected_name.empty() ? subject : expected_name);
  switch (openssl_code) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      failure.problem = VerifyProblem::expired;
      failure.reason = about + " expired " + days(now - certificate.not_after()) + " ago";
      break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      failure.problem = VerifyProblem::not_yet_valid;
      failure.reason = about + " is not valid yet (valid from " + format_utc(certificate.not_before()) + ", in " +
                       days(certificate.not_before() - now) + ")";
      break;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:  // the chain ends at a root the client does not have
      failure.problem = VerifyProblem::untrusted_issuer;
      failure.reason = about + " is signed by '" + certificate.subject_common_name() +
                       "', an authority the client does not trust";
      break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      failure.problem = VerifyProblem::self_signed;
      failure.reason = about + " is self-signed: no authority the client trusts vouches for it";
      break;
    case X509_V_ERR_HOSTNAME_MISMATCH: {
      failure.problem = VerifyProblem::wrong_name;
      std::string names;
      for (const auto& name : certificate.dns_names()) names += (names.empty() ? "" : ", ") + name;
      failure.reason = "certificate is for " + (names.empty() ? subject : names) + ", not " + expected_name;
      break;
    }
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      failure.problem = VerifyProblem::untrusted_issuer;
      failure.reason = about + " is signed by '" + certificate.issuer_common_name() +
                       "', an authority the client does not trust";
      break;
    default:
      failure.problem = VerifyProblem::other;
      failure.reason = about + " failed verification: " + X509_verify_cert_error_string(openssl_code);
  }
  return failure;
}

std::string_view to_string(VerifyProblem problem) {
  switch (problem) {
    case VerifyProblem::expired: return "expired";
    case VerifyProblem::not_yet_valid: return "not-yet-valid";
    case VerifyProblem::self_signed: return "self-signed";
    case VerifyProblem::wrong_name: return "wrong-name";
    case VerifyProblem::untrusted_issuer: return "untrusted";
    case VerifyProblem::other: return "other";
  }
  return "other";
}

}  // namespace maillab::tls
