#include "protocols/auth/dkim.h"

#include "protocols/common/base64.h"
#include "protocols/auth/dkim_crypto.h"
#include "protocols/auth/domain_name.h"
#include "protocols/auth/message_headers.h"

namespace maillab::auth {
namespace {

DkimSignatureResult verify_one(const SplitMessage& message, const HeaderField& field, std::int64_t now_seconds,
                               const DkimVerifyOptions& options, DnsReplay& replay) {
  DkimSignatureResult result;
  auto finish = [&](DkimResult verdict, DkimFailure failure, std::string reason) {
    result.result = verdict;
    result.failure = failure;
    result.reason = std::move(reason);
    return result;
  };
  // header.b for RFC 8601 (§2.7.1 suggests the first 8 characters of b=)
  auto tags = parse_tag_list(field.value());
  if (tags) {
    for (const auto& [name, value] : *tags) {
      if (name == "d") result.domain = to_lower(value);
      if (name == "s") result.selector = value;
      if (name == "b") {
        for (char c : value) {
          if (result.signature_prefix.size() < 8 && c != ' ' && c != '\t' && c != '\r' && c != '\n') result.signature_prefix += c;
        }
      }
    }
  }
  DkimSignatureParse parsed = parse_dkim_signature(field.value());
  if (!parsed.signature) return finish(DkimResult::permerror, DkimFailure::none, parsed.error);
  const DkimSignature& signature = *parsed.signature;
  result.signature = signature;
  result.identity = signature.identity;

  if (signature.expiration && now_seconds > *signature.expiration) {  // §3.5 x=
    return finish(DkimResult::fail, DkimFailure::signature_expired,
                  "signature expired at x=" + std::to_string(*signature.expiration));
  }

  // §6.1.2: fetch the key.
  const DnsAnswer& answer = replay.lookup({signature.key_query_name(), DnsType::txt});
  if (answer.is_error()) {
    return finish(DkimResult::temperror, DkimFailure::none,
                  "key lookup for " + signature.key_query_name() + " failed: " + to_string(answer.status));
  }
  if (answer.records.empty()) {
    return finish(DkimResult::permerror, DkimFailure::none, "no key record at " + signature.key_query_name());
  }
  DkimKeyRecordParse key_parse = parse_dkim_key_record(answer.records.front());
  if (!key_parse.record) return finish(DkimResult::permerror, DkimFailure::none, key_parse.error);
  const DkimKeyRecord& record = *key_parse.record;
  result.testing = record.testing;
  if (!record.key) return finish(DkimResult::fail, DkimFailure::key_revoked, "key revoked (empty p=)");
  if (record.type != key_type_of(signature.algorithm)) {
    return finish(DkimResult::permerror, DkimFailure::none,
                  "key type k=" + to_string(record.type) + " does not fit a=" + to_string(signature.algorithm));
  }
  std::string hash_name = signature.algorithm == DkimAlgorithm::rsa_sha1 ? "sha1" : "sha256";
  if (!record.hash_algorithms.empty() && record.hash_algorithms.find(hash_name) == std::string::npos) {
    return finish(DkimResult::permerror, DkimFailure::none, "key record h= does not allow " + hash_name);
  }
  if (record.service_types.find('*') == std::string::npos && record.service_types.find("email") == std::string::npos) {
    return finish(DkimResult::permerror, DkimFailure::none, "key record s= is not for email");
  }
  if (record.strict_identity) {
    std::string identity_domain = normalize_domain(signature.identity.substr(signature.identity.rfind('@') + 1));
    if (identity_domain != signature.domain) {
      return finish(DkimResult::permerror, DkimFailure::none, "key has t=s but i= is a subdomain of d=");
    }
  }
  result.key_bits = record.key->bits();
  if (record.type == DkimKeyType::rsa && result.key_bits < options.minimum_rsa_bits) {
    return finish(DkimResult::permerror, DkimFailure::none,
                  "RSA key of " + std::to_string(result.key_bits) + " bits is too short (RFC 8301)");
  }

  // §6.1.3: body hash first, then the header signature.
  std::string body = canonicalize_body(message.body, signature.body_canonicalization);
  if (signature.body_length) {
    if (*signature.body_length > body.size()) {
      return finish(DkimResult::fail, DkimFailure::body_too_short,
                    "l=" + std::to_string(*signature.body_length) + " is longer than the body");
    }
    body.resize(*signature.body_length);
  }
  if (dkim_hash(signature.algorithm, body) != signature.body_hash) {
    return finish(DkimResult::fail, DkimFailure::body_hash_mismatch, "body hash did not verify");
  }
  std::string data = dkim_signed_data(message, signature.signed_headers, signature.header_canonicalization,
                                      remove_signature_value(field.raw));
  if (!dkim_verify_data(signature.algorithm, *record.key, data, signature.signature)) {
    return finish(DkimResult::fail, DkimFailure::signature_mismatch, "signature did not verify");
  }
  return finish(DkimResult::pass, DkimFailure::none, "signature verified");
}

}  // namespace

std::string to_string(DkimResult result) {
  switch (result) {
    case DkimResult::none: return "none";
    case DkimResult::pass: return "pass";
    case DkimResult::fail: return "fail";
    case DkimResult::neutral: return "neutral";
    case DkimResult::temperror: return "temperror";
    case DkimResult::permerror: return "permerror";
  }
  return "?";
}

std::string to_string(DkimFailure failure) {
  switch (failure) {
    case DkimFailure::none: return "none";
    case DkimFailure::body_hash_mismatch: return "body hash mismatch";
    case DkimFailure::body_too_short: return "body shorter than l=";
    case DkimFailure::signature_mismatch: return "signature mismatch";
    case DkimFailure::key_revoked: return "key revoked";
    case DkimFailure::signature_expired: return "signature expired";
  }
  return "?";
}

DkimVerification::DkimVerification(std::string_view message, std::int64_t now_seconds, DkimVerifyOptions options)
    : message_(to_crlf(message)), now_seconds_(now_seconds), options_(options) {
  run();
}

DkimVerification::DkimVerification(std::string_view message, std::int64_t now_seconds, DkimVerifyOptions options,
                                   DnsLookupFunction synchronous)
    : message_(to_crlf(message)), now_seconds_(now_seconds), options_(options), replay_(std::move(synchronous)) {
  run();
}

void DkimVerification::provide_answer(const DnsQuestion& question, DnsAnswer answer) {
  if (done_) return;
  replay_.provide(question, std::move(answer));
  run();
}

void DkimVerification::run() {
  replay_.clear_pending();
  SplitMessage message = split_message(message_);
  std::vector<DkimSignatureResult> results;
  try {
    for (const auto& field : message.headers) {
      if (!equals_ignoring_case(field.name, "dkim-signature")) continue;
      if (results.size() >= options_.maximum_signatures) break;
      results.push_back(verify_one(message, field, now_seconds_, options_, replay_));
    }
  } catch (const NeedDnsAnswer&) {
    return;  // pending_question() names the key record still missing
  }
  results_ = std::move(results);
  done_ = true;
}

std::vector<DkimSignatureResult> dkim_verify(std::string_view message, std::int64_t now_seconds,
                                             const DnsLookupFunction& lookup, DkimVerifyOptions options) {
  DkimVerification verification(message, now_seconds, options, lookup);
  return verification.results();
}

}  // namespace maillab::auth
