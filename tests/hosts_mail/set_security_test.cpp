// `set:` on the blocks that are not mail service settings: the resolver (cache and limits), the
// sender-authentication checks and the TLS certificate. Each test changes one thing mid-run and
// checks that what happens after the change differs from what happened before it.
#include <catch2/catch.hpp>

#include <regex>

#include "engine/hosts/dns/resolver_service.h"
#include "engine/net/network.h"
#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"
#include "scenarios/diagnostics.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

namespace {

// The error `message` is reported as set.yaml:LINE:COLUMN: error: ...
bool located(const std::string& errors, const std::string& message) {
  const auto at = errors.find(message);
  if (at == std::string::npos) return false;
  const auto line_start = errors.rfind('\n', at) == std::string::npos ? 0 : errors.rfind('\n', at) + 1;
  static const std::regex prefix(R"(set\.yaml:[0-9]+:[0-9]+: error: )");
  return std::regex_match(errors.substr(line_start, at - line_start), prefix);
}

std::size_t count_containing(const std::vector<std::string>& messages, const std::string& text) {
  std::size_t count = 0;
  for (const auto& message : messages) count += message.find(text) != std::string::npos;
  return count;
}

}  // namespace

TEST_CASE("set: resolver flush_cache sends the next question back to the root, max_ttl shortens what is kept",
          "[hosts_mail][set][dns]") {
  auto world = testing::load_text(testing::with_events(
      "dns-cold-and-warm-cache",
      "  - {at: 1s, mail_route: {from: laptop, domain: example.org}}\n"
      "  - {at: 3s, set: {host: resolver1, resolver: {flush_cache: true, max_ttl: 10}}}\n"
      "  - {at: 5s, mail_route: {from: laptop, domain: example.org}}\n"
      "  - {at: 17s, lookup: {from: laptop, name: example.org, type: MX}}\n"));
  testing::run(*world);
  auto* resolver = world->network.host("resolver1")->find_service<engine::ResolverService>();
  REQUIRE(resolver);
  const engine::Address root = world->network.host("a.root-servers.net")->address();
  const engine::Address example = world->network.host("ns1.example.org")->address();
  std::size_t root_before = 0, root_after = 0, example_late = 0;
  for (const auto& sent : resolver->sent()) {
    if (sent.server == root && sent.time < seconds(3)) ++root_before;
    if (sent.server == root && sent.time >= seconds(3) && sent.time < seconds(17)) ++root_after;
    if (sent.server == example && sent.time >= seconds(17)) ++example_late;
  }
  CHECK(root_before == 1);
  CHECK(root_after == 1);    // without the flush, the 5 s question is answered from the cache
  CHECK(example_late == 1);  // the MX (asked again at 5 s) was kept 10 s, not its 30 s TTL
  CHECK(resolver->config().max_cache_ttl == 10);
  CHECK(resolver->config().server_timeout == seconds(2));  // not written: unchanged
  auto set = testing::records(*world, TraceKind::fault, "resolver1", "set resolver: {flush_cache: true, max_ttl: 10}");
  REQUIRE(set.size() == 1);
  CHECK(set[0]->summary.find("max_ttl 86400 -> 10") != std::string::npos);
  CHECK(set[0]->summary.find("cache flushed:") != std::string::npos);
}

TEST_CASE("set: authentication dmarc: report lets the next forgery in, spf: enforce refuses it at MAIL FROM",
          "[hosts_mail][set][auth]") {
  const std::string forge =
      "send: {from: alice@example.com, to: bob@example.org, subject: \"Please pay\", body: \"Pay now.\\n\", "
      "via: mx.example.org, port: 25, from_host: attacker}";
  const std::string real =
      "send: {from: alice@example.com, to: bob@example.org, subject: \"Lunch\", body: \"Hi\\n\", "
      "via: mail.example.com, from_host: alice-laptop}";
  SECTION("dmarc: report") {
    auto world = testing::load_text(testing::with_events(
        "auth-dmarc-reject", "  - {at: 1s, " + forge + "}\n" +
                                 "  - {at: 3s, set: {host: mx.example.org, authentication: {dmarc: report}}}\n" +
                                 "  - {at: 6s, " + forge + "}\n"));
    testing::run(*world);
    const auto& refusals = testing::service<engine::MtaService>(*world, "mx.example.org").rejections();
    REQUIRE(refusals.size() == 1);  // the one before the change
    CHECK(refusals[0].reply.code == 550);
    CHECK(refusals[0].when < seconds(3));
    CHECK(count_containing(testing::mailbox(*world, "mx.example.org", "bob"), "Please pay") == 1);
    CHECK(testing::records(*world, TraceKind::fault, "mx.example.org", "set authentication: {dmarc: report} (DMARC report only)")
              .size() == 1);
  }
  SECTION("spf: enforce, and the sender's server stops signing") {
    auto world = testing::load_text(testing::with_events(
        "auth-dmarc-reject",
        "  - {at: 3s, set: {host: mx.example.org, authentication: {spf: enforce}}}\n"
        "  - {at: 3s, set: {host: mail.example.com, authentication: {dkim_sign: false}}}\n"
        "  - {at: 6s, " + forge + "}\n  - {at: 8s, " + real + "}\n"));
    testing::run(*world);
    const auto& refusals = testing::service<engine::MtaService>(*world, "mx.example.org").rejections();
    REQUIRE(refusals.size() == 1);
    CHECK(refusals[0].stage == "MAIL FROM");  // before the change, the forgery was refused after DATA
    CHECK(refusals[0].reply.enhanced_status == "5.7.23");
    auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
    REQUIRE(inbox.size() == 1);
    CHECK(inbox[0].find("DKIM-Signature:") == std::string::npos);
    CHECK(inbox[0].find("dkim=none") != std::string::npos);
    CHECK(testing::records(*world, TraceKind::fault, "mail.example.com", "(no DKIM signing)").size() == 1);
  }
}

TEST_CASE("set: tls certificate: good renews an expired certificate, the verifying MTA's retry gets through",
          "[hosts_mail][set][tls]") {
  std::string text = testing::with_events(
      "tls-certificate-expired",
      "  - {at: 1s, send: {from: carol@example.net, to: bob@example.org, subject: Verified, body: \"Hi\\n\", "
      "via: mail.example.net, from_host: carol-laptop, port: 587}}\n"
      "  - {at: 60s, set: {host: mx.example.org, tls: {certificate: good}}}\n");
  text.replace(text.find("until: 60s"), 10, "until: 400s");
  auto world = testing::load_text(text);
  testing::run(*world);
  auto failed = testing::records(*world, TraceKind::transport, "mail.example.net", "TLS handshake failed");
  REQUIRE(failed.size() == 1);
  CHECK(failed[0]->time < seconds(60));
  CHECK(testing::records(*world, TraceKind::fault, "mx.example.org", "set tls: {certificate: good} (certificate good")
            .size() == 1);
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);  // the retry after 300 s
  CHECK(testing::service<engine::MtaService>(*world, "mail.example.net").queue_contents().empty());
}

TEST_CASE("set: resolver, authentication and tls errors are located", "[hosts_mail][set][scenarios]") {
  auto with_event = [](const std::string& name, const std::string& event) {
    return testing::with_events(name, "  - " + event + "\n");
  };
  auto misspelt = testing::load_errors(with_event("dns-cold-and-warm-cache", "{at: 1s, set: {host: resolver1, resolver: {max_tll: 5}}}"), "set.yaml");
  CHECK(misspelt.find("did you mean 'max_ttl'") != std::string::npos);
  CHECK(located(misspelt, "unknown key 'max_tll'"));
  auto bad_value = testing::load_errors(with_event("dns-cold-and-warm-cache", "{at: 1s, set: {host: resolver1, resolver: {server_timeout: 0s}}}"), "set.yaml");
  CHECK(located(bad_value, "resolver server_timeout is zero"));
  auto no_resolver = testing::load_errors(with_event("dns-cold-and-warm-cache", "{at: 1s, set: {host: laptop, resolver: {flush_cache: true}}}"), "set.yaml");
  CHECK(located(no_resolver, "'laptop' runs no resolver"));
  auto certificate = testing::load_errors(with_event("tls-certificate-expired", "{at: 1s, set: {host: mx.example.org, tls: {certificate: rotten}}}"), "set.yaml");
  CHECK(located(certificate, "unknown certificate 'rotten'"));
  auto spf = testing::load_errors(with_event("auth-dmarc-reject", "{at: 1s, set: {host: mx.example.org, authentication: {spf: maybe}}}"), "set.yaml");
  CHECK(located(spf, "unknown spf mode 'maybe'"));
  auto no_block = testing::load_errors(with_event("auth-dmarc-reject", "{at: 1s, set: {host: attacker, authentication: {dmarc: false}}}"), "set.yaml");
  CHECK(located(no_block, "'attacker' has no authentication: block"));
}
