#include <catch2/catch.hpp>

#include "tests/support/tls_test_pki.h"

using namespace maillab::tls;
using namespace maillab::tls::testing;

namespace {

std::unique_ptr<Conversation> talk(TestPki& pki, Version version, std::uint64_t client_seed = 9,
                                   std::uint64_t server_seed = 7) {
  Config client = client_config(pki, "mx.example.org", client_seed);
  Config server = server_config(pki, pki.server, server_seed);
  client.max_version = server.max_version = version;
  auto conversation = std::make_unique<Conversation>(std::move(client), std::move(server));
  conversation->client.start();
  conversation->client.send_plaintext("EHLO client.example.com\r\n");  // waits for the handshake
  conversation->run();
  conversation->server.send_plaintext("250 mx.example.org\r\n");
  conversation->run();
  return conversation;
}

}  // namespace

TEST_CASE("TLS 1.3 handshake, then application data both ways", "[tls]") {
  TestPki pki;
  auto owner = talk(pki, Version::tls1_3);
  Conversation& conversation = *owner;
  const auto* client_done = find_event<HandshakeDone>(conversation.client_events);
  const auto* server_done = find_event<HandshakeDone>(conversation.server_events);
  REQUIRE(client_done);
  REQUIRE(server_done);
  CHECK(client_done->version == "TLSv1.3");
  CHECK(client_done->cipher.rfind("TLS_", 0) == 0);
  CHECK(client_done->cipher_bits >= 128);
  CHECK_FALSE(client_done->verify_failure);
  CHECK(client_done->peer_certificate.subject_common_name() == "mx.example.org");
  CHECK(server_done->server_name == "mx.example.org");  // SNI reached the server
  CHECK(conversation.server_received == "EHLO client.example.com\r\n");
  CHECK(conversation.client_received == "250 mx.example.org\r\n");
  // The first flight is a real ClientHello record: handshake content type, then type 1.
  REQUIRE(conversation.wire.size() >= 3);
  CHECK(static_cast<unsigned char>(conversation.wire[0][0]) == 22);
  CHECK(static_cast<unsigned char>(conversation.wire[0][5]) == 1);
  CHECK(conversation.labels[0] == "client: ClientHello");
  CHECK(conversation.labels[1].find("ServerHello") != std::string::npos);
  CHECK(conversation.labels[1].find("Certificate") != std::string::npos);
  // Plaintext never crosses the wire.
  for (const auto& chunk : conversation.wire) CHECK(chunk.find("EHLO") == std::string::npos);
}

TEST_CASE("TLS 1.2 handshake", "[tls]") {
  TestPki pki;
  auto owner = talk(pki, Version::tls1_2);
  Conversation& conversation = *owner;
  const auto* client_done = find_event<HandshakeDone>(conversation.client_events);
  REQUIRE(client_done);
  CHECK(client_done->version == "TLSv1.2");
  CHECK(client_done->cipher.find("ECDHE-ECDSA") == 0);
  CHECK(conversation.server_received == "EHLO client.example.com\r\n");
  CHECK(conversation.labels[1].find("ServerHelloDone") != std::string::npos);
}

TEST_CASE("the same seeds give the same bytes, interleaved with other conversations or not", "[tls][determinism]") {
  TestPki pki;
  const auto first = talk(pki, Version::tls1_3);
  // A second conversation with other seeds, run while a third with the first seeds is half done:
  // each session draws only from its own generator, so interleaving changes nothing.
  Config client = client_config(pki, "mx.example.org", 9);
  Config server = server_config(pki, pki.server, 7);
  Conversation third(std::move(client), std::move(server));
  third.client.start();
  third.client.send_plaintext("EHLO client.example.com\r\n");
  third.step();
  const auto other = talk(pki, Version::tls1_3, 1234, 5678);
  third.run();
  third.server.send_plaintext("250 mx.example.org\r\n");
  third.run();

  CHECK(first->wire == third.wire);
  REQUIRE_FALSE(other->wire.empty());
  CHECK(first->wire[0] != other->wire[0]);  // other seeds, other ClientHello random
}

TEST_CASE("the key log has the NSS lines Wireshark reads", "[tls][keylog]") {
  TestPki pki;
  std::vector<std::string> lines;
  Config client = client_config(pki);
  client.keylog = [&lines](std::string_view line) { lines.emplace_back(line); };
  Conversation conversation(std::move(client), server_config(pki, pki.good()));
  conversation.client.start();
  conversation.run();
  REQUIRE(conversation.client.established());
  bool traffic_secret = false;
  for (const auto& line : lines) traffic_secret |= line.rfind("CLIENT_TRAFFIC_SECRET_0 ", 0) == 0;
  CHECK(traffic_secret);
}

TEST_CASE("close_notify reaches the peer", "[tls]") {
  TestPki pki;
  auto owner = talk(pki, Version::tls1_3);
  Conversation& conversation = *owner;
  conversation.client.close();
  conversation.run();
  CHECK(find_event<CloseNotifyReceived>(conversation.server_events));
}

TEST_CASE("garbage instead of a ClientHello fails the handshake without a crash", "[tls]") {
  TestPki pki;
  Session server(server_config(pki, pki.good()));
  server.handle_ciphertext("EHLO plain.text.client\r\n");
  auto event = server.poll_event();
  REQUIRE(event);
  CHECK(std::holds_alternative<HandshakeFailed>(*event));
  CHECK(server.failed());
}

TEST_CASE("a server picks the certificate for the name the client asks for (SNI)", "[tls][sni]") {
  TestPki pki;
  const Certificate other = pki.good("imap.example.org");
  Config server = server_config(pki, pki.server);
  server.choose_certificate = [&](std::string_view name, std::vector<Certificate>& chain, PrivateKey& key) {
    if (name != "imap.example.org") return false;
    chain = {other, pki.ca};
    key = pki.server_key;
    return true;
  };
  Config client = client_config(pki, "imap.example.org");
  client.require_verified_peer = true;
  Conversation conversation(std::move(client), std::move(server));
  conversation.client.start();
  conversation.run();
  const auto* done = find_event<HandshakeDone>(conversation.client_events);
  REQUIRE(done);
  CHECK(done->peer_certificate.subject_common_name() == "imap.example.org");
}
