#include "bench/tls_handshake.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "bench/openssl_floor.h"
#include "protocols/tls/session.h"

namespace maillab::bench {
namespace {

using Clock = std::chrono::steady_clock;

double microseconds_since(Clock::time_point start, int count) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / count;
}

// One complete handshake between two in-memory sessions; false if it did not complete.
bool handshake(const tls::Config& client_config, const tls::Config& server_config) {
  tls::Session client(client_config), server(server_config);
  client.start();
  for (bool moved = true; moved;) {
    moved = false;
    while (auto output = client.poll_output()) server.handle_ciphertext(output->bytes), moved = true;
    while (auto output = server.poll_output()) client.handle_ciphertext(output->bytes), moved = true;
  }
  return client.established() && server.established();
}

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;

// X25519: a fresh key pair and one derivation against a fixed peer, per round.
double time_x25519(int rounds) {
  Key peer(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
  const auto start = Clock::now();
  for (int i = 0; i < rounds; ++i) {
    Key mine(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new(mine.get(), nullptr);
    EVP_PKEY_derive_init(context);
    EVP_PKEY_derive_set_peer(context, peer.get());
    unsigned char secret[32];
    std::size_t length = sizeof secret;
    EVP_PKEY_derive(context, secret, &length);
    EVP_PKEY_CTX_free(context);
  }
  return microseconds_since(start, rounds);
}

// The same handshake with nothing of ours: two SSL objects on shared SSL_CTXs joined by a BIO
// pair, OpenSSL's own random source, no callbacks. What OpenSSL itself costs for this handshake.
double time_plain_openssl(const tls::Certificate& ca, const tls::Certificate& leaf, const tls::PrivateKey& key,
                          int rounds) {
  SSL_CTX* server = SSL_CTX_new(TLS_method());
  SSL_CTX* client = SSL_CTX_new(TLS_method());
  SSL_CTX_use_certificate(server, leaf.get());
  SSL_CTX_add1_chain_cert(server, ca.get());
  SSL_CTX_use_PrivateKey(server, key.get());
  SSL_CTX_set_options(server, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(server, 0);
  X509_STORE_add_cert(SSL_CTX_get_cert_store(client), ca.get());
  SSL_CTX_set_verify(client, SSL_VERIFY_PEER, nullptr);
  X509_VERIFY_PARAM_set_time(SSL_CTX_get0_param(client), 1767603600);
  const auto start = Clock::now();
  int done = 0;
  for (int i = 0; i < rounds; ++i) {
    SSL* a = SSL_new(client);
    SSL* b = SSL_new(server);
    BIO *client_end = nullptr, *server_end = nullptr;
    BIO_new_bio_pair(&client_end, 0, &server_end, 0);
    SSL_set_bio(a, client_end, client_end);
    SSL_set_bio(b, server_end, server_end);
    SSL_set_connect_state(a);
    SSL_set_accept_state(b);
    SSL_set_tlsext_host_name(a, "mx.example.org");
    SSL_set1_host(a, "mx.example.org");
    int client_result = 0, server_result = 0;
    for (int turn = 0; turn < 10 && (client_result != 1 || server_result != 1); ++turn) {
      if (client_result != 1) client_result = SSL_do_handshake(a);
      if (server_result != 1) server_result = SSL_do_handshake(b);
    }
    done += client_result == 1 && server_result == 1;
    SSL_free(a);
    SSL_free(b);
  }
  const double each = microseconds_since(start, rounds);
  SSL_CTX_free(client);
  SSL_CTX_free(server);
  return done == rounds ? each : -1;
}

}  // namespace

int run_tls_handshake_benchmark(int handshakes, std::ostream& out) {
  const std::int64_t now = 1767603600;
  tls::DeterministicRandom random(1);
  const tls::PrivateKey ca_key = tls::generate_key(random);
  const tls::Certificate ca =
      tls::issue_certificate({"Bench CA", {}, true, now - 86400, now + 86400 * 365, 1}, ca_key, {}, ca_key, random);
  const tls::PrivateKey server_key = tls::generate_key(random);
  const tls::Certificate leaf = tls::issue_certificate(
      {"mx.example.org", {"mx.example.org"}, false, now - 86400, now + 86400 * 30, 2}, server_key, ca, ca_key, random);

  tls::Config server;
  server.role = tls::Role::server;
  server.chain = {leaf, ca};
  server.key = server_key;
  tls::Config client;
  client.role = tls::Role::client;
  client.server_name = "mx.example.org";
  client.trust_anchors = {ca};
  client.require_verified_peer = true;
  client.verify_time = server.verify_time = now;

  // Warm up (OpenSSL loads its algorithm tables on first use), then time.
  for (int i = 0; i < 10; ++i) {
    client.random_seed = server.random_seed = static_cast<std::uint64_t>(i);
    if (!handshake(client, server)) return out << "tls handshake failed\n", 2;
  }
  auto start = Clock::now();
  for (int i = 0; i < handshakes; ++i) {
    client.random_seed = static_cast<std::uint64_t>(i) * 2 + 100;
    server.random_seed = static_cast<std::uint64_t>(i) * 2 + 101;
    if (!handshake(client, server)) return out << "tls handshake failed\n", 2;
  }
  const double handshake_us = microseconds_since(start, handshakes);

  // The floor: the public-key work of that handshake, with OpenSSL's real random source.
  const int rounds = handshakes * 2;
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  std::string signature;
  const double sign_us = time_sign(key.get(), rounds, signature);
  const double verify_us = time_verify(key.get(), rounds, signature);
  const double x25519_us = time_x25519(rounds);
  const double floor_us = sign_us + 2 * verify_us + 2 * x25519_us;
  time_plain_openssl(ca, leaf, server_key, 10);  // warm up
  const double plain_us = time_plain_openssl(ca, leaf, server_key, handshakes);
  if (plain_us < 0) return out << "plain openssl handshake failed\n", 2;

  char line[1024];
  std::snprintf(line, sizeof line,
                "tls handshake (TLS 1.3, ECDSA P-256 certificate + P-256 CA, X25519, both ends in memory): "
                "%d handshakes, %.1f us each (%.0f/s)\n"
                "openssl floor in this process (as `openssl speed ecdsap256 ecdhx25519`): ECDSA P-256 sign %.1f us "
                "(%.0f/s), verify %.1f us (%.0f/s), X25519 keygen+derive %.1f us (%.0f/s)\n"
                "handshake / (1 sign + 2 verify + 2 X25519) = %.1f / %.1f us = %.2fx\n"
                "plain openssl handshake (same certificates, shared SSL_CTXs, BIO pair, no callbacks): %.1f us "
                "(%.0f/s); ours / plain = %.2fx; plain / floor = %.2fx\n",
                handshakes, handshake_us, 1e6 / handshake_us, sign_us, 1e6 / sign_us, verify_us, 1e6 / verify_us,
                x25519_us, 1e6 / x25519_us, handshake_us, floor_us, handshake_us / floor_us, plain_us, 1e6 / plain_us,
                handshake_us / plain_us, plain_us / floor_us);
  out << line;
  return 0;
}

}  // namespace maillab::bench
