#include "protocols/tls/certificate.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace maillab::tls {
namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(length > 0 ? length : 0));
  BIO_free(bio);
  return text;
}

std::string common_name_of(X509_NAME* name) {
  if (!name) return {};
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return {};
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                     static_cast<std::size_t>(ASN1_STRING_length(data)));
}

std::int64_t unix_seconds_of(const ASN1_TIME* time) {
  struct tm parsed = {};
  if (!time || ASN1_TIME_to_tm(time, &parsed) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&parsed));
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
  if (!extension) throw std::runtime_error("tls: bad certificate extension");
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
}

}  // namespace

std::string PrivateKey::pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio);
}

std::string Certificate::pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, certificate_.get());
  return bio_text(bio);
}

std::string Certificate::der() const {
  unsigned char* data = nullptr;
  const int length = i2d_X509(certificate_.get(), &data);
  if (length <= 0) return {};
  std::string bytes(reinterpret_cast<char*>(data), static_cast<std::size_t>(length));
  OPENSSL_free(data);
  return bytes;
}

std::string Certificate::subject_common_name() const { return common_name_of(X509_get_subject_name(get())); }
std::string Certificate::issuer_common_name() const { return common_name_of(X509_get_issuer_name(get())); }
std::int64_t Certificate::not_before() const { return unix_seconds_of(X509_get0_notBefore(get())); }
std::int64_t Certificate::not_after() const { return unix_seconds_of(X509_get0_notAfter(get())); }

std::vector<std::string> Certificate::dns_names() const {
  std::vector<std::string> names;
  auto* general_names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(get(), NID_subject_alt_name, nullptr, nullptr));
  if (!general_names) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(general_names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(general_names, i);
    if (name->type != GEN_DNS) continue;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                       static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
  }
  GENERAL_NAMES_free(general_names);
  return names;
}

std::string Certificate::describe() const {
  return "CN=" + subject_common_name() + ", issued by CN=" + issuer_common_name() + ", valid " +
         format_utc(not_before()).substr(0, 10) + " to " + format_utc(not_after()).substr(0, 10);
}

PrivateKey generate_key(DeterministicRandom& random) {
  RandomScope scope(random);
  EVP_PKEY* key = EVP_EC_gen("P-256");
  if (!key) throw std::runtime_error("tls: EC key generation failed");
  return PrivateKey(std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free));
}

Certificate issue_certificate(const CertificateRequest& request, const PrivateKey& subject_key,
                              const Certificate& issuer, const PrivateKey& issuer_key, DeterministicRandom& random) {
  RandomScope scope(random);
  std::shared_ptr<X509> certificate(X509_new(), X509_free);
  X509* x = certificate.get();
  X509_set_version(x, 2);  // v3
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), request.serial);
  ASN1_TIME_set(X509_getm_notBefore(x), static_cast<time_t>(request.not_before));
  ASN1_TIME_set(X509_getm_notAfter(x), static_cast<time_t>(request.not_after));
  X509_set_pubkey(x, subject_key.get());
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(request.common_name.c_str()), -1, -1, 0);
  X509* issuer_x509 = issuer ? issuer.get() : x;
  X509_set_issuer_name(x, X509_get_subject_name(issuer_x509));
  add_extension(x, issuer_x509, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(x, issuer_x509, NID_authority_key_identifier, "keyid:always");
  if (request.certificate_authority) {
    add_extension(x, issuer_x509, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(x, issuer_x509, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(x, issuer_x509, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(x, issuer_x509, NID_key_usage, "critical,digitalSignature");
    add_extension(x, issuer_x509, NID_ext_key_usage, "serverAuth,clientAuth");
    std::string alt_names;
    for (const auto& dns_name : request.dns_names) alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + dns_name;
    for (const auto& ip : request.ip_addresses) alt_names += (alt_names.empty() ? "IP:" : ",IP:") + ip;
    if (!alt_names.empty()) add_extension(x, issuer_x509, NID_subject_alt_name, alt_names.c_str());
  }
  if (X509_sign(x, issuer_key.get(), EVP_sha256()) <= 0) throw std::runtime_error("tls: certificate signing failed");
  return Certificate(std::move(certificate));
}

Certificate certificate_from_pem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!x) return {};
  return Certificate(std::shared_ptr<X509>(x, X509_free));
}

std::string format_utc(std::int64_t unix_seconds) {
  const time_t seconds = static_cast<time_t>(unix_seconds);
  struct tm parts = {};
  gmtime_r(&seconds, &parts);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d UTC", parts.tm_year + 1900, parts.tm_mon + 1,
                parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec);
  return text;
}

}  // namespace maillab::tls
