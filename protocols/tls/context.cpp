#include "protocols/tls/context.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

#include "protocols/tls/random.h"

namespace maillab::tls {
namespace {

int openssl_version(Version version) { return version == Version::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION; }

bool same_settings(const ContextSettings& a, const ContextSettings& b) {
  return a.role == b.role && a.min_version == b.min_version && a.max_version == b.max_version &&
         a.keylog_callback == b.keylog_callback && a.server_name_callback == b.server_name_callback &&
         std::equal(a.trust_anchors.begin(), a.trust_anchors.end(), b.trust_anchors.begin(), b.trust_anchors.end(),
                    [](const Certificate& x, const Certificate& y) { return x.get() == y.get(); });
}

// A world has one client and one server configuration (two with --keylog); tests and the
// visualizer's restarts make a few worlds. Past that, the least recently used is dropped.
constexpr std::size_t cache_capacity = 16;

struct Cache {
  std::mutex mutex;
  // Least recently used first. The settings hold the trust anchors, so their addresses stay keys.
  std::vector<std::pair<ContextSettings, std::shared_ptr<const SharedContext>>> entries;
};

// Never destroyed: the contexts must not be freed after OpenSSL's own atexit cleanup has run.
Cache& cache() {
  static Cache* instance = new Cache;
  return *instance;
}

}  // namespace

SharedContext::SharedContext(const ContextSettings& settings) {
  // Made under a generator of its own, counted, so each Session can skip as many words (context.h).
  DeterministicRandom random(0);
  {
    RandomScope scope(random);
    context_ = SSL_CTX_new(TLS_method());
    if (!context_) throw std::runtime_error("tls: SSL_CTX_new failed");
    SSL_CTX_set_min_proto_version(context_, openssl_version(settings.min_version));
    SSL_CTX_set_max_proto_version(context_, openssl_version(settings.max_version));
    // No session tickets: nothing to resume in a lab, and a ticket would carry wall-clock time.
    SSL_CTX_set_options(context_, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(context_, 0);
    if (settings.keylog_callback) SSL_CTX_set_keylog_callback(context_, settings.keylog_callback);
    if (settings.server_name_callback) SSL_CTX_set_tlsext_servername_callback(context_, settings.server_name_callback);
    X509_STORE* store = SSL_CTX_get_cert_store(context_);
    for (const auto& anchor : settings.trust_anchors) X509_STORE_add_cert(store, anchor.get());
  }
  random_words_ = random.words_drawn();
}

SharedContext::~SharedContext() { SSL_CTX_free(context_); }

std::shared_ptr<const SharedContext> shared_context(const ContextSettings& settings) {
  Cache& shared = cache();
  std::lock_guard lock(shared.mutex);
  auto& entries = shared.entries;
  auto found = std::find_if(entries.begin(), entries.end(), [&](const auto& entry) {
    return same_settings(entry.first, settings);
  });
  if (found != entries.end()) {
    std::rotate(found, found + 1, entries.end());  // now the most recently used
    return entries.back().second;
  }
  if (entries.size() >= cache_capacity) entries.erase(entries.begin());
  entries.emplace_back(settings, std::make_shared<const SharedContext>(settings));
  return entries.back().second;
}

std::size_t shared_context_count() {
  Cache& shared = cache();
  std::lock_guard lock(shared.mutex);
  return shared.entries.size();
}

}  // namespace maillab::tls
