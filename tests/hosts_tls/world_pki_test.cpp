#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/hosts/tls/world_pki.h"

using maillab::engine::CertificateFault;
using maillab::engine::WorldPki;

namespace {
constexpr std::int64_t calendar_start = 1767603600;  // 2026-01-05 09:00:00 UTC
}

TEST_CASE("a server asked for a name presents that name's certificate, signed by the world's CA", "[hosts_tls][tls][pki]") {
  WorldPki pki(1, calendar_start);
  const auto& own = pki.identity("mail.example.org", "");
  REQUIRE(own.chain.size() == 2);
  CHECK(own.chain[0].subject_common_name() == "mail.example.org");
  CHECK(own.chain[0].issuer_common_name() == "maillab World CA");
  const auto& other = pki.identity("mail.example.org", "smtp.example.org");
  CHECK(other.chain[0].dns_names() == std::vector<std::string>{"smtp.example.org"});
  CHECK(&pki.identity("mail.example.org", "smtp.example.org") == &other);  // made once
}

TEST_CASE("an IP address as SNI gets the server's own certificate (RFC 6066 §3)", "[hosts_tls][tls][pki][sni]") {
  WorldPki pki(1, calendar_start);
  pki.also_certify_addresses({"127.0.0.1"});
  for (const std::string address : {"127.0.0.1", "::1", "10.0.2.25"}) {
    const auto& chosen = pki.identity("mail.example.org", address);
    CHECK(chosen.chain[0].subject_common_name() == "mail.example.org");
    CHECK(&chosen == &pki.identity("mail.example.org", ""));
  }
  // The bridge's addresses are named as iPAddress (RFC 6125) and as dNSName (clients that compare strings).
  const auto names = pki.identity("mail.example.org", "").chain[0].dns_names();
  CHECK(std::find(names.begin(), names.end(), "127.0.0.1") != names.end());
  // A name that merely starts with digits is a name.
  CHECK(pki.identity("mail.example.org", "127.example.org").chain[0].subject_common_name() == "127.example.org");
}

TEST_CASE("a certificate fault applies to every name the host serves", "[hosts_tls][tls][pki]") {
  WorldPki pki(1, calendar_start);
  pki.set_fault("mail.example.org", CertificateFault::expired, 3);
  CHECK(pki.identity("mail.example.org", "").chain[0].not_after() < calendar_start);
  CHECK(pki.identity("mail.example.org", "127.0.0.1").chain[0].not_after() < calendar_start);
  CHECK(pki.identity("mx.example.net", "").chain[0].not_after() > calendar_start);
}
