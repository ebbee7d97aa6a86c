#include "protocols/auth/dkim.h"

#include <optional>
#include <variant>

#include "protocols/common/base64.h"
#include "protocols/auth/dkim_crypto.h"
#include "protocols/auth/domain_name.h"
#include "protocols/auth/message_headers.h"

namespace maillab::auth {
namespace {

// What one check decided about a signature; a check that passes gives nothing.
struct Verdict {
  DkimResult result = DkimResult::permerror;
  DkimFailure failure = DkimFailure::none;
  std::string reason;
};

// RFC 8601 §2.7.1: header.d, header.s and header.b (§2.7.1 suggests the first 8 characters of b=),
// read from the raw tags so that a signature which does not parse is still named in the result.
void name_signature(const HeaderField& field, DkimSignatureResult& result) {
  auto tags = parse_tag_list(field.value());
  if (!tags) return;
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

// §6.1.2: the key record at <s>._domainkey.<d>, or why there is none to use.
std::variant<DkimKeyRecord, Verdict> fetch_key(const DkimSignature& signature, DnsReplay& replay) {
  const DnsAnswer& answer = replay.lookup({signature.key_query_name(), DnsType::txt});
  if (answer.is_error()) {
    return Verdict{DkimResult::temperror, DkimFailure::none,
                   "key lookup for " + signature.key_query_name() + " failed: " + to_string(answer.status)};
  }
  if (answer.records.empty()) {
    return Verdict{DkimResult::permerror, DkimFailure::none, "no key record at " + signature.key_query_name()};
  }
  DkimKeyRecordParse key_parse = parse_dkim_key_record(answer.records.front());
  if (!key_parse.record) return Verdict{DkimResult::permerror, DkimFailure::none, key_parse.error};
  return std::move(*key_parse.record);
}

// §3.6.1: what the key record allows: a key at all (empty p= revokes it), its type (k=), the hash
// (h=), the service (s=) and, with t=s, no i= in a subdomain of d=.
std::optional<Verdict> key_refuses(const DkimSignature& signature, const DkimKeyRecord& record) {
  if (!record.key) return Verdict{DkimResult::fail, DkimFailure::key_revoked, "key revoked (empty p=)"};
  if (record.type != key_type_of(signature.algorithm)) {
    return Verdict{DkimResult::permerror, DkimFailure::none,
                   "key type k=" + to_string(record.type) + " does not fit a=" + to_string(signature.algorithm)};
  }
  std::string hash_name = signature.algorithm == DkimAlgorithm::rsa_sha1 ? "sha1" : "sha256";
  if (!record.hash_algorithms.empty() && record.hash_algorithms.find(hash_name) == std::string::npos) {
    return Verdict{DkimResult::permerror, DkimFailure::none, "key record h= does not allow " + hash_name};
  }
  if (record.service_types.find('*') == std::string::npos && record.service_types.find("email") == std::string::npos) {
    return Verdict{DkimResult::permerror, DkimFailure::none, "key record s= is not for email"};
  }
  if (record.strict_identity) {
    std::string identity_domain = normalize_domain(signature.identity.substr(signature.identity.rfind('@') + 1));
    if (identity_domain != signature.domain) {
      return Verdict{DkimResult::permerror, DkimFailure::none, "key has t=s but i= is a subdomain of d="};
    }
  }
  return std::nullopt;
}

// §6.1.3: the body hash first, then the signature over the signed header fields.
std::optional<Verdict> hashes_differ(const SplitMessage& message, const HeaderField& field,
                                     const DkimSignature& signature, const DkimKey& key) {
  std::string body = canonicalize_body(message.body, signature.body_canonicalization);
  if (signature.body_length) {
    if (*signature.body_length > body.size()) {
      return Verdict{DkimResult::fail, DkimFailure::body_too_short,
                     "l=" + std::to_string(*signature.body_length) + " is longer than the body"};
    }
    body.resize(*signature.body_length);
  }
  if (dkim_hash(signature.algorithm, body) != signature.body_hash) {
    return Verdict{DkimResult::fail, DkimFailure::body_hash_mismatch, "body hash did not verify"};
  }
  std::string data = dkim_signed_data(message, signature.signed_headers, signature.header_canonicalization,
                                      remove_signature_value(field.raw));
  if (!dkim_verify_data(signature.algorithm, key, data, signature.signature)) {
    return Verdict{DkimResult::fail, DkimFailure::signature_mismatch, "signature did not verify"};
  }
  return std::nullopt;
}

DkimSignatureResult verify_one(const SplitMessage& message, const HeaderField& field, std::int64_t now_seconds,
                               const DkimVerifyOptions& options, DnsReplay& replay) {
  DkimSignatureResult result;
  auto finish = [&](Verdict verdict) {
    result.result = verdict.result;
    result.failure = verdict.failure;
    result.reason = std::move(verdict.reason);
    return result;
  };
  name_signature(field, result);
  DkimSignatureParse parsed = parse_dkim_signature(field.value());
  if (!parsed.signature) return finish({DkimResult::permerror, DkimFailure::none, parsed.error});
  const DkimSignature& signature = *parsed.signature;
  result.signature = signature;
  result.identity = signature.identity;

  if (signature.expiration && now_seconds > *signature.expiration) {  // §3.5 x=
    return finish({DkimResult::fail, DkimFailure::signature_expired,
                   "signature expired at x=" + std::to_string(*signature.expiration)});
  }
  auto fetched = fetch_key(signature, replay);
  if (auto* verdict = std::get_if<Verdict>(&fetched)) return finish(std::move(*verdict));
  const DkimKeyRecord& record = std::get<DkimKeyRecord>(fetched);
  result.testing = record.testing;
  if (auto refused = key_refuses(signature, record)) return finish(std::move(*refused));
  result.key_bits = record.key->bits();
  if (record.type == DkimKeyType::rsa && result.key_bits < options.minimum_rsa_bits) {  // RFC 8301 §3.2
    return finish({DkimResult::permerror, DkimFailure::none,
                   "RSA key of " + std::to_string(result.key_bits) + " bits is too short (RFC 8301)"});
  }
  if (auto mismatch = hashes_differ(message, field, signature, *record.key)) return finish(std::move(*mismatch));
  return finish({DkimResult::pass, DkimFailure::none, "signature verified"});
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
