#include "protocols/auth/dkim.h"

#include <optional>
#include <variant>

#include "protocols/common/base64.h"
#include "protocols/auth/dkim_crypto.h"
#include "protocols/auth/dkim_key_cache.h"
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
void name_signature(const DkimTagViews& tags, DkimSignatureResult& result) {
  for (const auto& [name, value] : tags) {
    if (name == "d") result.domain = to_lower(value);
    if (name == "s") result.selector = std::string(value);
    if (name == "b") {
      for (char c : value) {
        if (result.signature_prefix.size() < 8 && c != ' ' && c != '\t' && c != '\r' && c != '\n') result.signature_prefix += c;
      }
    }
  }
}

// §6.1.2: the key record at <s>._domainkey.<d>, or why there is none to use; NeedDnsAnswer while
// the answer is not known yet.
std::variant<DkimKeyRecord, Verdict, NeedDnsAnswer> fetch_key(const DkimSignature& signature, DnsReplay& replay,
                                                             DkimPublicKeyCache* key_cache) {
  const DnsAnswer* answer = replay.answer_or_ask({signature.key_query_name(), DnsType::txt});
  if (!answer) return NeedDnsAnswer{};
  if (answer->is_error()) {
    return Verdict{DkimResult::temperror, DkimFailure::none,
                   "key lookup for " + signature.key_query_name() + " failed: " + to_string(answer->status)};
  }
  if (answer->records.empty()) {
    return Verdict{DkimResult::permerror, DkimFailure::none, "no key record at " + signature.key_query_name()};
  }
  DkimKeyRecordParse key_parse = parse_dkim_key_record(answer->records.front(), key_cache);
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

// §6.1.3: the hashes a signature's check compares, over the message as it is now. A body hash
// with the same hash, body canonicalization and l= as an earlier signature's is that one (a
// message signed with both an Ed25519 and an RSA key, RFC 8463 §1, hashes its body once).
DkimVerification::SignedHashes hash_signed_parts(const MessageView& message, std::string_view field,
                                                 const DkimSignature& signature,
                                                 const std::vector<DkimSignatureResult>& earlier_checks,
                                                 const std::vector<DkimVerification::SignedHashes>& earlier) {
  DkimVerification::SignedHashes hashes;
  auto same_body_hash = [&](const DkimSignature& other) {
    return (other.algorithm == DkimAlgorithm::rsa_sha1) == (signature.algorithm == DkimAlgorithm::rsa_sha1) &&
           other.body_canonicalization == signature.body_canonicalization && other.body_length == signature.body_length;
  };
  bool reused = false;
  for (std::size_t i = 0; i < earlier.size() && !reused; ++i) {
    const auto& other = earlier_checks[i];
    if (other.result != DkimResult::none || !other.signature || !same_body_hash(*other.signature)) continue;
    hashes.body = earlier[i].body;
    reused = true;
  }
  if (!reused)
    hashes.body = dkim_body_hash(signature.algorithm, message.body(), signature.body_canonicalization, signature.body_length);
  const std::string data = dkim_signed_data(message.headers(), signature.signed_headers,
                                            signature.header_canonicalization, remove_signature_value(field));
  hashes.header_digest = dkim_hash(signature.algorithm, data);
  return hashes;
}

// §6.1.3: the body hash first, then the signature over the signed header fields.
std::optional<Verdict> hashes_differ(const DkimVerification::SignedHashes& hashes, const DkimSignature& signature,
                                     const DkimKeyRecord& record) {
  if (signature.body_length && *signature.body_length > hashes.body.canonical_length) {
    return Verdict{DkimResult::fail, DkimFailure::body_too_short,
                   "l=" + std::to_string(*signature.body_length) + " is longer than the body"};
  }
  if (hashes.body.digest != signature.body_hash) {
    return Verdict{DkimResult::fail, DkimFailure::body_hash_mismatch, "body hash did not verify"};
  }
  const bool verified =
      record.prepared ? record.prepared->verify_digest(signature.algorithm, hashes.header_digest, signature.signature)
                      : DkimPreparedKey(*record.key).verify_digest(signature.algorithm, hashes.header_digest,
                                                                   signature.signature);
  if (!verified) {
    return Verdict{DkimResult::fail, DkimFailure::signature_mismatch, "signature did not verify"};
  }
  return std::nullopt;
}

void decide(DkimSignatureResult& result, Verdict verdict) {
  result.result = verdict.result;
  result.failure = verdict.failure;
  result.reason = std::move(verdict.reason);
}

// §6.1.1, what can be decided without DNS: the tags, and x=. A result still `none` afterwards
// waits for its key (finish_check).
DkimSignatureResult start_check(std::string_view raw_field, std::int64_t now_seconds) {
  DkimSignatureResult result;
  // The tags are read once, as views into the unfolded value, for the names and for the signature.
  const std::string value = unfolded_value(raw_field);
  auto tags = parse_tag_list_views(value);
  if (tags) name_signature(*tags, result);
  DkimSignatureParse parsed = tags ? parse_dkim_signature(*tags) : parse_dkim_signature(value);
  if (!parsed.signature) {
    decide(result, {DkimResult::permerror, DkimFailure::none, parsed.error});
    return result;
  }
  result.signature = std::move(parsed.signature);
  const DkimSignature& signature = *result.signature;
  result.identity = signature.identity;
  if (signature.expiration && now_seconds > *signature.expiration) {  // §3.5 x=
    decide(result, {DkimResult::fail, DkimFailure::signature_expired,
                    "signature expired at x=" + std::to_string(*signature.expiration)});
  }
  return result;
}

// §6.1.2 and §6.1.3: the key, then the hashes; nullopt while the key record is not known yet.
std::optional<Verdict> finish_check(const DkimVerification::SignedHashes& hashes, DkimSignatureResult& result,
                                    const DkimVerifyOptions& options, DnsReplay& replay) {
  const DkimSignature& signature = *result.signature;
  auto fetched = fetch_key(signature, replay, options.key_cache.get());
  if (std::holds_alternative<NeedDnsAnswer>(fetched)) return std::nullopt;
  if (auto* verdict = std::get_if<Verdict>(&fetched)) return std::move(*verdict);
  const DkimKeyRecord& record = std::get<DkimKeyRecord>(fetched);
  result.testing = record.testing;
  if (auto refused = key_refuses(signature, record)) return refused;
  result.key_bits = record.key->bits();
  if (record.type == DkimKeyType::rsa && result.key_bits < options.minimum_rsa_bits) {  // RFC 8301 §3.2
    return Verdict{DkimResult::permerror, DkimFailure::none,
                   "RSA key of " + std::to_string(result.key_bits) + " bits is too short (RFC 8301)"};
  }
  if (auto mismatch = hashes_differ(hashes, signature, record)) return mismatch;
  return Verdict{DkimResult::pass, DkimFailure::none, "signature verified"};
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
    : options_(std::move(options)) {
  start(MessageView(message), now_seconds);
}

DkimVerification::DkimVerification(const MessageView& message, std::int64_t now_seconds, DkimVerifyOptions options)
    : options_(std::move(options)) {
  start(message, now_seconds);
}

DkimVerification::DkimVerification(std::string_view message, std::int64_t now_seconds, DkimVerifyOptions options,
                                   DnsLookupFunction synchronous)
    : options_(std::move(options)), replay_(std::move(synchronous)) {
  start(MessageView(message), now_seconds);
}

void DkimVerification::start(const MessageView& message, std::int64_t now_seconds) {
  for (const HeaderFieldView& field : message.headers()) {
    if (!equals_ignoring_case(field.name, "dkim-signature")) continue;
    if (checks_.size() >= options_.maximum_signatures) break;
    DkimSignatureResult check = start_check(field.raw, now_seconds);
    SignedHashes hashes;
    if (check.result == DkimResult::none) hashes = hash_signed_parts(message, field.raw, *check.signature, checks_, hashes_);
    checks_.push_back(std::move(check));
    hashes_.push_back(std::move(hashes));
  }
  run();
}

void DkimVerification::provide_answer(const DnsQuestion& question, DnsAnswer answer) {
  if (done_) return;
  replay_.provide(question, std::move(answer));
  run();
}

// Top-down, one key at a time; a signature once decided is never checked again.
void DkimVerification::run() {
  replay_.clear_pending();
  for (; next_check_ < checks_.size(); ++next_check_) {
    DkimSignatureResult& check = checks_[next_check_];
    if (check.result != DkimResult::none) continue;  // decided from its tags alone
    auto verdict = finish_check(hashes_[next_check_], check, options_, replay_);
    if (!verdict) return;  // pending_question() names the key record still missing
    decide(check, std::move(*verdict));
  }
  results_ = std::move(checks_);
  checks_.clear();
  hashes_.clear();
  done_ = true;
}

std::vector<DkimSignatureResult> dkim_verify(std::string_view message, std::int64_t now_seconds,
                                             const DnsLookupFunction& lookup, DkimVerifyOptions options) {
  DkimVerification verification(message, now_seconds, options, lookup);
  return verification.results();
}

}  // namespace maillab::auth
