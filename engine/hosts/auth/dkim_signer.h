// DKIM signing on the way out (RFC 6376 §5): a message submitted at this MTA by an authenticated
// user, whose From domain is the signing domain (or under it), gets a DKIM-Signature before its
// first relay attempt (MtaPolicy::prepare_outgoing). Keys are deterministic: the same scenario
// seed, domain and selector give the same key in every run, so the `publish:` of a scenario can
// put the matching public key in DNS without anyone pasting base64 around.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/hosts/mail/mta_policy.h"
#include "protocols/auth/dkim.h"

namespace maillab::engine {

// The key a scenario with seed `seed` uses for `selector`._domainkey.`domain`. RSA keys are made
// once per process and remembered (finding 1024-bit primes is the slow part).
auth::DkimKey deterministic_dkim_key(std::uint64_t seed, const std::string& domain, const std::string& selector,
                                     auth::DkimKeyType type = auth::DkimKeyType::rsa, int bits = 2048);

struct DkimSignerOptions {
  std::string domain;    // d=
  std::string selector;  // s=
  auth::DkimKey key;     // private
};

class DkimSigner : public MtaPolicy {
 public:
  explicit DkimSigner(DkimSignerOptions options)
      : options_(std::move(options)), prepared_key_(std::make_unique<auth::DkimPreparedKey>(options_.key)) {}
  std::string_view name() const override { return "DKIM"; }
  void prepare_outgoing(Host& host, OutgoingMessage& outgoing) override;

  const DkimSignerOptions& options() const { return options_; }
  std::uint64_t signed_count() const { return signed_count_; }

 private:
  DkimSignerOptions options_;
  std::unique_ptr<auth::DkimPreparedKey> prepared_key_;  // options_.key with its OpenSSL contexts kept
  std::uint64_t signed_count_ = 0;
};

}  // namespace maillab::engine
