// One OpenSSL SSL_CTX per configuration, shared by every Session that has that configuration.
//
// Why: OpenSSL 3's SSL_CTX_new fetches every algorithm and builds the cipher, group and
// signature-algorithm lists; with a trust store on top it cost three times the public-key
// arithmetic of a whole handshake (bench/README.md, "TLS handshake cost"). Everything that
// differs between two connections of a configuration lives on the SSL object instead: the
// certificate and key a server presents, SNI, the name and time a client verifies, the verify
// mode, the Session the callbacks reach.
//
// What a configuration is: the role, the protocol versions, the context-wide callbacks (key log,
// SNI; OpenSSL has no per-SSL setter for them), and the trust anchors (by identity: the X509 objects themselves, held by the cache, so an
// address is never reused while it is a key). The cache keeps the most recently used few; a
// Session keeps its own context alive whatever the cache drops.
//
// Determinism: SSL_CTX_new draws random bytes (RFC 5077 ticket keys, unused here: no tickets). A
// Session that made its own context drew them from its own generator before anything else, so a
// Session on a shared context skips as many words of its generator (random_words_at_creation):
// every later byte — client random, key shares, signatures — is the one it always was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "protocols/tls/certificate.h"

struct ssl_ctx_st;
struct ssl_st;

namespace maillab::tls {

enum class Role { client, server };
enum class Version { tls1_2, tls1_3 };

struct ContextSettings {
  Role role = Role::client;
  Version min_version = Version::tls1_2;
  Version max_version = Version::tls1_3;
  // OpenSSL's SSL_CTX_set_keylog_callback (none: no key log lines are made) and
  // SSL_CTX_set_tlsext_servername_callback (server only).
  void (*keylog_callback)(const ssl_st*, const char*) = nullptr;
  int (*server_name_callback)(ssl_st*, int*, void*) = nullptr;
  std::vector<Certificate> trust_anchors;  // client: the CAs in the context's X509_STORE
};

class SharedContext {
 public:
  explicit SharedContext(const ContextSettings& settings);
  ~SharedContext();
  SharedContext(const SharedContext&) = delete;
  SharedContext& operator=(const SharedContext&) = delete;

  ssl_ctx_st* get() const { return context_; }
  std::uint64_t random_words_at_creation() const { return random_words_; }

 private:
  ssl_ctx_st* context_ = nullptr;
  std::uint64_t random_words_ = 0;
};

// The context for `settings`, made on first use and cached (process-wide, thread-safe).
std::shared_ptr<const SharedContext> shared_context(const ContextSettings& settings);

// How many contexts the cache holds now (tests, benchmarks).
std::size_t shared_context_count();

}  // namespace maillab::tls
