#pragma once
// DKIM signing and verifying (RFC 6376; rsa-sha256, ed25519-sha256 of RFC 8463; rsa-sha1 verify).
//
// Verifying with an asynchronous resolver (one TXT question per signature):
//   DkimVerification verification(message_bytes, now_seconds);
//   while (!verification.done()) {
//     DnsQuestion question = *verification.pending_question();  // TXT sel._domainkey.example.com
//     verification.provide_answer(question, resolve(question));
//   }
//   for (const auto& signature : verification.results()) ... signature.result == DkimResult::pass

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/auth/dkim_canonicalization.h"
#include "protocols/auth/dkim_crypto.h"
#include "protocols/auth/dkim_key_cache.h"
#include "protocols/auth/dkim_key.h"
#include "protocols/auth/dkim_signature.h"
#include "protocols/auth/dns_lookup.h"
#include "protocols/auth/dns_replay.h"
#include "protocols/auth/message_headers.h"

namespace maillab::auth {

// ---- signing (RFC 6376 §5) ----

struct DkimSignOptions {
  std::string domain;    // d=
  std::string selector;  // s=
  DkimCanonicalization header_canonicalization = DkimCanonicalization::relaxed;
  DkimCanonicalization body_canonicalization = DkimCanonicalization::relaxed;
  // h=, in order. Empty: every present field among From, Sender, Reply-To, Subject, Date,
  // Message-ID, To, Cc, MIME-Version, Content-Type, Content-Transfer-Encoding, In-Reply-To,
  // References (once per occurrence). A name listed more often than the field occurs
  // "over-signs" it, so nobody can add one later (§8.15).
  std::vector<std::string> headers;
  std::string identity;                     // i=; empty leaves it out (defaults to @d)
  std::optional<std::int64_t> timestamp;    // t=
  std::optional<std::int64_t> expiration;   // x=
  std::optional<std::uint64_t> body_length; // l=; clipped to the canonical body's length
};

struct DkimSignOutcome {
  std::string header_field;  // "DKIM-Signature: v=1; ...\r\n", folded, ready to prepend
  std::string error;         // non-empty when signing failed
  bool ok() const { return error.empty(); }
};

DkimSignOutcome dkim_sign(std::string_view message, const DkimKey& private_key, const DkimSignOptions& options);
// The same with the key's OpenSSL contexts kept between messages (a signer that signs many).
DkimSignOutcome dkim_sign(std::string_view message, DkimPreparedKey& private_key, const DkimSignOptions& options);
// The same over a message already split (a signer that has read its From field from the same view).
DkimSignOutcome dkim_sign(const MessageView& message, DkimPreparedKey& private_key, const DkimSignOptions& options);

// ---- verifying (RFC 6376 §6) ----

enum class DkimResult { none, pass, fail, neutral, temperror, permerror };  // RFC 8601 §2.7.1 names
std::string to_string(DkimResult result);

enum class DkimFailure {
  none,
  body_hash_mismatch,  // bh= differs from the body (§6.1.3)
  body_too_short,      // l= counts more octets than the body has (§3.5 l=)
  signature_mismatch,  // b= does not verify over the headers (§6.1.3)
  key_revoked,         // the key record's p= is empty (§3.6.1)
  signature_expired,   // now > x= (§3.5 x=)
};
std::string to_string(DkimFailure failure);

struct DkimSignatureResult {
  DkimResult result = DkimResult::none;
  DkimFailure failure = DkimFailure::none;
  std::string reason;  // in words, for headers and traces
  std::optional<DkimSignature> signature;  // absent when the field did not parse
  std::string domain, selector, identity;  // header.d, header.s, header.i (as far as parsed)
  std::string signature_prefix;            // header.b: the first 8 characters of b=
  int key_bits = 0;
  bool testing = false;  // key record t=y
};

struct DkimVerifyOptions {
  std::size_t maximum_signatures = 8;  // verify at most this many, top-down
  int minimum_rsa_bits = 1024;         // RFC 8301 §3.2
  // Where p= is decoded: a verifier that sees the same keys again keeps one (dkim_key_cache.h).
  // Without one every verification decodes its key. Results are the same either way.
  std::shared_ptr<DkimPublicKeyCache> key_cache;
};

class DkimVerification {
 public:
  DkimVerification(std::string_view message, std::int64_t now_seconds, DkimVerifyOptions options = {});
  // The same over a message already split (a policy that read its From field from the same view).
  DkimVerification(const MessageView& message, std::int64_t now_seconds, DkimVerifyOptions options = {});
  bool done() const { return done_; }
  std::optional<DnsQuestion> pending_question() const { return replay_.pending(); }
  void provide_answer(const DnsQuestion& question, DnsAnswer answer);
  // One result per DKIM-Signature field, top-down; empty when the message has none (dkim=none).
  const std::vector<DkimSignatureResult>& results() const { return results_; }

  // What a signature's hashes come to (§6.1.3), computed when its tags are read, as a verifier
  // that reads the message as it arrives hashes it while the key lookup is out: the message is not
  // kept while the key records are awaited, and is read once whatever the answers.
  struct SignedHashes {
    DkimBodyHash body;          // bh= recomputed, and the canonical body's length (l=)
    std::string header_digest;  // dkim_hash of the signed header data (§3.7)
  };

 private:
  friend std::vector<DkimSignatureResult> dkim_verify(std::string_view, std::int64_t, const DnsLookupFunction&,
                                                      DkimVerifyOptions);
  DkimVerification(std::string_view message, std::int64_t now_seconds, DkimVerifyOptions options,
                   DnsLookupFunction synchronous);
  void start(const MessageView& message, std::int64_t now_seconds);
  void run();
  DkimVerifyOptions options_;
  DnsReplay replay_;
  // Every signature is parsed and hashed once, up front; then each waits in turn for its key
  // record and is decided once (a rerun from the start, as dns_replay.h allows, would parse and
  // hash again).
  std::vector<DkimSignatureResult> checks_;  // result `none` until decided
  std::vector<SignedHashes> hashes_;         // each check's, empty for one decided from its tags
  std::size_t next_check_ = 0;
  bool done_ = false;
  std::vector<DkimSignatureResult> results_;
};

std::vector<DkimSignatureResult> dkim_verify(std::string_view message, std::int64_t now_seconds,
                                             const DnsLookupFunction& lookup, DkimVerifyOptions options = {});

}  // namespace maillab::auth
