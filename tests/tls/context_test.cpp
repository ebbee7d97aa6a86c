#include <openssl/ssl.h>

#include <catch2/catch.hpp>

#include "tests/support/tls_test_pki.h"

using namespace maillab::tls;
using namespace maillab::tls::testing;

namespace {

// What a Session said first before contexts were shared: OpenSSL with an SSL_CTX of its own,
// made, like everything else, under the session's generator. `peer_flight` is fed to a server.
std::string first_flight_with_own_context(const Config& config, const std::string& peer_flight = {}) {
  DeterministicRandom random(config.random_seed);
  RandomScope scope(random);
  SSL_CTX* context = SSL_CTX_new(TLS_method());
  SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(context, TLS1_3_VERSION);
  SSL_CTX_set_options(context, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(context, 0);
  if (config.role == Role::server) {
    SSL_CTX_use_certificate(context, config.chain.front().get());
    for (std::size_t i = 1; i < config.chain.size(); ++i) SSL_CTX_add1_chain_cert(context, config.chain[i].get());
    SSL_CTX_use_PrivateKey(context, config.key.get());
    // A server Session answers SNI (and so acknowledges it in its EncryptedExtensions).
    SSL_CTX_set_tlsext_servername_callback(context, +[](SSL*, int*, void*) { return SSL_TLSEXT_ERR_OK; });
  } else {
    for (const auto& anchor : config.trust_anchors) X509_STORE_add_cert(SSL_CTX_get_cert_store(context), anchor.get());
  }
  SSL* ssl = SSL_new(context);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(in, -1);
  SSL_set_bio(ssl, in, out);
  if (config.role == Role::server) {
    SSL_set_accept_state(ssl);
    BIO_write(in, peer_flight.data(), static_cast<int>(peer_flight.size()));
  } else {
    SSL_set_connect_state(ssl);
    SSL_set_tlsext_host_name(ssl, config.server_name.c_str());
    SSL_set1_host(ssl, config.server_name.c_str());
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
  }
  SSL_do_handshake(ssl);
  std::string flight(BIO_ctrl_pending(out), '\0');
  BIO_read(out, flight.data(), static_cast<int>(flight.size()));
  SSL_free(ssl);
  SSL_CTX_free(context);
  return flight;
}

std::string first_flight(Session& session, const std::string& peer_flight = {}) {
  if (peer_flight.empty()) session.start();
  else session.handle_ciphertext(peer_flight);
  std::string flight;
  while (auto output = session.poll_output()) flight += output->bytes;
  return flight;
}

}  // namespace

TEST_CASE("sessions of one configuration share one SSL_CTX, other trust anchors get another", "[tls][context]") {
  TestPki pki, other_pki;
  Session first(client_config(pki, "mx.example.org", 1)), second(client_config(pki, "other.example.org", 2));
  CHECK(&first.context() == &second.context());
  Session server(server_config(pki, pki.server, 3));
  CHECK(&server.context() != &first.context());
  Config other = client_config(other_pki, "mx.example.org", 4);
  Session distrusting(other);
  CHECK(&distrusting.context() != &first.context());
  other.keylog = [](std::string_view) {};
  Session logging(other);
  CHECK(&logging.context() != &distrusting.context());
}

TEST_CASE("a session on a shared SSL_CTX sends the bytes it sent with a context of its own", "[tls][context][determinism]") {
  TestPki pki;
  // Sessions made earlier with other seeds have used the shared contexts already.
  Conversation warm(client_config(pki, "mx.example.org", 100), server_config(pki, pki.server, 101));
  warm.client.start();
  warm.run();

  const Config client = client_config(pki, "mx.example.org", 9);
  Session shared_client(client);
  const std::string client_hello = first_flight(shared_client);
  REQUIRE(client_hello.size() > 100);
  CHECK(client_hello == first_flight_with_own_context(client));

  // The server's answer (ServerHello .. Finished: key share, ECDSA signature) as well.
  const Config server = server_config(pki, pki.server, 7);
  Session shared_server(server);
  const std::string server_flight = first_flight(shared_server, client_hello);
  REQUIRE(server_flight.size() > 500);
  CHECK(server_flight == first_flight_with_own_context(server, client_hello));
}

TEST_CASE("the context cache stays small, a session outlives its context's eviction", "[tls][context]") {
  TestPki pki;
  Session early(client_config(pki, "mx.example.org", 1));
  std::vector<std::unique_ptr<TestPki>> others;
  for (int i = 0; i < 40; ++i) {  // forty worlds, forty CA objects: forty client configurations
    others.push_back(std::make_unique<TestPki>());
    Session session(client_config(*others.back(), "mx.example.org", 2));
    CHECK(shared_context_count() <= 16);
  }
  // `early`'s context was dropped from the cache long ago; its session still completes a handshake.
  Session& client = early;
  client.start();
  Session server(server_config(pki, pki.server, 5));
  for (bool moved = true; moved;) {
    moved = false;
    while (auto output = client.poll_output()) server.handle_ciphertext(output->bytes), moved = true;
    while (auto output = server.poll_output()) client.handle_ciphertext(output->bytes), moved = true;
  }
  CHECK(client.established());
  CHECK(server.established());
}
