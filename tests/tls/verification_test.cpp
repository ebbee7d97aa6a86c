#include <catch2/catch.hpp>

#include "tests/support/tls_test_pki.h"

using namespace maillab::tls;
using namespace maillab::tls::testing;

namespace {

struct Outcome {
  std::unique_ptr<Conversation> conversation;
  const HandshakeDone* done() const { return find_event<HandshakeDone>(conversation->client_events); }
  const HandshakeFailed* failed() const { return find_event<HandshakeFailed>(conversation->client_events); }
};

std::unique_ptr<Conversation> connect(const TestPki& pki, Certificate leaf, std::vector<Certificate> chain_rest, bool require,
                     std::string name = "mx.example.org") {
  Config client = client_config(pki, std::move(name));
  client.require_verified_peer = require;
  Config server = server_config(pki, leaf);
  server.chain = {leaf};
  for (auto& c : chain_rest) server.chain.push_back(c);
  auto conversation = std::make_unique<Conversation>(std::move(client), std::move(server));
  conversation->client.start();
  conversation->run();
  return conversation;
}

}  // namespace

TEST_CASE("each certificate problem has its own reason, refused when verification is required", "[tls][verify]") {
  TestPki pki;
  struct Case {
    const char* what;
    Certificate leaf;
    std::vector<Certificate> rest;
    VerifyProblem problem;
    const char* reason;
    const char* alert;
  };
  DeterministicRandom other_random(99);
  PrivateKey other_ca_key = generate_key(other_random);
  Certificate other_ca = issue_certificate({"Someone Else CA", {}, true, test_now - 10 * day, test_now + 10 * day, 5},
                                           other_ca_key, {}, other_ca_key, other_random);
  Certificate self_signed = issue_certificate(
      {"mx.example.org", {"mx.example.org"}, false, test_now - day, test_now + 100 * day, 9}, pki.server_key, {},
      pki.server_key, other_random);
  Certificate untrusted = issue_certificate(
      {"mx.example.org", {"mx.example.org"}, false, test_now - day, test_now + 100 * day, 10}, pki.server_key,
      other_ca, other_ca_key, other_random);

  std::vector<Case> cases;
  cases.push_back({"expired", pki.server_certificate("mx.example.org", test_now - 400 * day, test_now - 3 * day), {pki.ca},
                   VerifyProblem::expired, "certificate for mx.example.org expired 3 days ago", "certificate_expired"});
  cases.push_back({"not yet valid", pki.server_certificate("mx.example.org", test_now + 5 * day, test_now + 400 * day),
                   {pki.ca}, VerifyProblem::not_yet_valid, "is not valid yet", "bad_certificate"});
  cases.push_back({"self-signed", self_signed, {}, VerifyProblem::self_signed, "is self-signed", "unknown_ca"});
  cases.push_back({"wrong name", pki.good("www.example.org"), {pki.ca}, VerifyProblem::wrong_name,
                   "certificate is for www.example.org, not mx.example.org", ""});
  cases.push_back({"untrusted issuer", untrusted, {other_ca}, VerifyProblem::untrusted_issuer,
                   "signed by 'Someone Else CA', an authority the client does not trust", "unknown_ca"});

  for (const auto& c : cases) {
    SECTION(c.what) {
      // Opportunistic: the handshake completes and the problem is reported.
      Outcome opportunistic{connect(pki, c.leaf, c.rest, false)};
      REQUIRE(opportunistic.done());
      REQUIRE(opportunistic.done()->verify_failure);
      CHECK(opportunistic.done()->verify_failure->problem == c.problem);
      CHECK_THAT(opportunistic.done()->verify_failure->reason, Catch::Contains(c.reason));
      CHECK(opportunistic.conversation->server.established());

      // Required: the client refuses, and the server hears why in an alert.
      Outcome required{connect(pki, c.leaf, c.rest, true)};
      CHECK_FALSE(required.done());
      REQUIRE(required.failed());
      REQUIRE(required.failed()->verify_failure);
      CHECK(required.failed()->verify_failure->problem == c.problem);
      CHECK_THAT(required.failed()->reason, Catch::Contains(c.reason));
      const auto* alert = find_event<AlertReceived>(required.conversation->server_events);
      REQUIRE(alert);
      CHECK(alert->fatal);
      if (*c.alert) CHECK(alert->description == c.alert);
      CHECK_FALSE(required.conversation->server.established());
    }
  }
}

TEST_CASE("a good certificate verifies, also when required", "[tls][verify]") {
  TestPki pki;
  Outcome outcome{connect(pki, pki.good(), {pki.ca}, true)};
  REQUIRE(outcome.done());
  CHECK_FALSE(outcome.done()->verify_failure);
  CHECK(outcome.done()->peer_certificate.describe().find("issued by CN=Test Lab CA") != std::string::npos);
}
