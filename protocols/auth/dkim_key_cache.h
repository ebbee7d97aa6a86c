#pragma once
// Decoded DKIM public keys, kept by the text of their key record's p= (and k=), so that a
// verifier decodes a domain's key once rather than for every message.
//
// Why: OpenSSL 3 decodes a SubjectPublicKeyInfo through its provider decoders
// (OSSL_DECODER_CTX_new_for_pkey): ~110 us of CPU for an RSA-2048 key on our machines, nearly
// half an RSA signature and seven verifications. A verifier of busy mail paid it per message.
//
// Why this cannot change a result: the key record is still fetched through the resolver for
// every signature, as RFC 6376 §6.1.2 says, and parsed afresh (v=, k=, h=, s=, t=); only turning
// the p= text into a key is remembered, and that is a pure function of the text. A record that
// changes (a key rotated, a TTL run out and a new answer) has other text and is decoded afresh; a
// revoked key (empty p=) has nothing to decode; a record that is gone fails at the lookup. The
// DNS TTL (RFC 1035 §3.2.1) thus stays the resolver's business, as it is without this cache.
//
// Each entry keeps the key's prepared OpenSSL contexts (DkimPreparedKey), so not thread-safe:
// one cache per verifier (the MTA's DKIM policy owns one). Bounded: least recently used first out.

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "protocols/auth/dkim_crypto.h"
#include "protocols/auth/dkim_key.h"

namespace maillab::auth {

class DkimPublicKeyCache {
 public:
  explicit DkimPublicKeyCache(std::size_t capacity = 256) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The key a record's p= (base64, spaces already removed) holds for type k=, decoded on the
  // first request and remembered; nullptr when it is not a valid key of that type (not kept).
  std::shared_ptr<DkimPreparedKey> decode(DkimKeyType type, std::string_view public_key_base64);

  std::size_t size() const { return index_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t decoded() const { return decoded_; }  // requests that had to decode
  std::uint64_t reused() const { return reused_; }    // requests answered from memory

 private:
  using Entry = std::pair<std::string, std::shared_ptr<DkimPreparedKey>>;
  std::size_t capacity_;
  std::list<Entry> recent_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  std::uint64_t decoded_ = 0;
  std::uint64_t reused_ = 0;
};

}  // namespace maillab::auth
