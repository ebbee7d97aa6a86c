// What the authentication policies do inside a run: when SPF is asked, what the headers say,
// which reply a DMARC reject gives, pct sampling, withdrawn records, deterministic keys.

#include <catch2/catch.hpp>

#include "tests/support/scenario.h"
#include "engine/hosts/auth/dkim_signer.h"
#include "engine/hosts/mail/mta_service.h"
#include "protocols/auth/authentication_results.h"
#include "protocols/auth/message_headers.h"
#include "scenarios/modules/auth_module.h"

using namespace maillab;

namespace {

// The scenario text without its expect: block (for variants whose outcome differs).
std::string without_expectations(std::string text) { return text.substr(0, text.find("\nexpect:\n") + 1); }

std::string header_of(const std::string& message, const std::string& name) {
  for (const auto& field : auth::split_message(auth::to_crlf(message)).headers)
    if (field.name == name) return field.value();
  return "";
}

}  // namespace

TEST_CASE("hosts_auth: SPF is asked at MAIL FROM, before the server's 250 to MAIL", "[hosts_auth]") {
  auto world = testing::load_file("auth-spf-pass.yaml");
  scenarios::run_world(*world);
  std::uint64_t mail_from = 0, spf_pass = 0, mail_ok = 0, data_go_ahead = 0;
  for (const auto& record : world->simulator.trace().records()) {
    if (record.protocol == "SMTP" && record.node == "mail.example.com" && record.peer == "mx.example.org" &&
        record.summary.rfind("MAIL FROM:<alice@example.com>", 0) == 0 && !mail_from)
      mail_from = record.sequence;
    if (record.protocol == "SPF" && record.summary.rfind("SPF pass", 0) == 0) spf_pass = record.sequence;
    if (record.protocol == "SMTP" && record.node == "mx.example.org" && record.summary.rfind("250 2.1.0", 0) == 0 && !mail_ok)
      mail_ok = record.sequence;
    if (record.protocol == "SMTP" && record.node == "mx.example.org" && record.summary.rfind("354", 0) == 0)
      data_go_ahead = record.sequence;
  }
  REQUIRE(mail_from);
  REQUIRE(spf_pass);
  REQUIRE(mail_ok);
  REQUIRE(data_go_ahead);
  CHECK(mail_from < spf_pass);
  CHECK(spf_pass < mail_ok);
  CHECK(spf_pass < data_go_ahead);
  // The questions SPF asked are traced under protocol SPF at the checking MTA.
  auto spf = testing::records(*world, {.node = "mx.example.org", .protocol = "SPF"});
  REQUIRE(spf.size() == 3);
  CHECK(spf[0]->summary == "SPF check: may 10.0.1.25 send mail from alice@example.com? asking example.com's SPF record");
  CHECK(spf[1]->summary == "  lookup TXT example.com -> \"v=spf1 ip4:10.0.1.25 -all\"");
}

TEST_CASE("hosts_auth: Authentication-Results of a quarantined spoof names every result", "[hosts_auth]") {
  auto world = testing::load_file("auth-dmarc-quarantine.yaml");
  scenarios::run_world(*world);
  auto junk = testing::mailbox(*world, "mx.example.org", "bob", "Junk");
  REQUIRE(junk.size() == 1);
  auto parsed = auth::parse_authentication_results(header_of(junk[0], "Authentication-Results"));
  REQUIRE(parsed);
  CHECK(parsed->authserv_id == "mx.example.org");
  REQUIRE(parsed->results.size() == 3);
  CHECK(parsed->results[0].method == "spf");
  CHECK(parsed->results[0].result == "pass");
  CHECK(parsed->results[0].property("smtp.mailfrom") == std::optional<std::string>("evil.test"));
  CHECK(parsed->results[1].method == "dkim");
  CHECK(parsed->results[1].result == "none");
  CHECK(parsed->results[2].method == "dmarc");
  CHECK(parsed->results[2].result == "fail");
  CHECK(parsed->results[2].property("header.from") == std::optional<std::string>("example.com"));
  CHECK(header_of(junk[0], "Received-SPF").rfind("pass", 0) == 0);
  // The real message: everything passes, and it is in the INBOX.
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob", "INBOX");
  REQUIRE(inbox.size() == 1);
  const std::string results = header_of(inbox[0], "Authentication-Results");
  CHECK(results.find("spf=pass smtp.mailfrom=example.com") != std::string::npos);
  CHECK(results.find("dkim=pass (2048-bit key) header.d=example.com") != std::string::npos);
  CHECK(results.find("header.s=mail") != std::string::npos);
  CHECK(results.find("dmarc=pass (p=quarantine") != std::string::npos);
  // What the policy remembers matches.
  auto& hosts = world->module_state<scenarios::auth_module::State>().hosts;
  REQUIRE(hosts.count("mx.example.org"));
  const auto& history = hosts.at("mx.example.org").inbound->recent();
  REQUIRE(history.size() == 2);
  CHECK(history[0].action == "junk");
  CHECK(history[1].action == "deliver");
}

TEST_CASE("hosts_auth: a DMARC reject is 550 5.7.1 at the end of DATA, enforced SPF is 550 5.7.23 at MAIL FROM",
          "[hosts_auth]") {
  {
    auto world = testing::load_file("auth-dmarc-reject.yaml");
    scenarios::run_world(*world);
    auto* mta = world->network.host("mx.example.org")->find_service<engine::MtaService>();
    REQUIRE(mta->rejections().size() == 1);
    CHECK(mta->rejections()[0].stage == "end of DATA");
    CHECK(mta->rejections()[0].reply.code == 550);
    CHECK(mta->rejections()[0].reply.enhanced_status == "5.7.1");
    CHECK(mta->rejections()[0].client == "attacker");
    CHECK(testing::mailbox(*world, "mx.example.org", "bob", "Junk").empty());
  }
  {
    auto world = testing::load_file("auth-spf-fail.yaml");
    scenarios::run_world(*world);
    auto* mta = world->network.host("mx.example.org")->find_service<engine::MtaService>();
    REQUIRE(mta->rejections().size() == 1);
    CHECK(mta->rejections()[0].stage == "MAIL FROM");
    CHECK(mta->rejections()[0].reply.code == 550);
    CHECK(mta->rejections()[0].reply.enhanced_status == "5.7.23");
  }
}

TEST_CASE("hosts_auth: pct=0 samples every failing message out: quarantine becomes none", "[hosts_auth]") {
  std::string text = without_expectations(testing::shipped_text("auth-dmarc-quarantine.yaml"));
  const std::string policy = "v=DMARC1; p=quarantine\"";
  REQUIRE(text.find(policy) != std::string::npos);
  text.replace(text.find(policy), policy.size(), "v=DMARC1; p=quarantine; pct=0\"");
  auto world = testing::load_text(text, 1);
  scenarios::run_world(*world);
  CHECK(testing::mailbox(*world, "mx.example.org", "bob", "Junk").empty());
  CHECK(testing::mailbox(*world, "mx.example.org", "bob", "INBOX").size() == 2);
  CHECK(testing::find_record(
      *world, {.protocol = "DMARC",
               .text = "policy quarantine, but this message was sampled out by pct= and is treated as none -> delivered"}));
}

TEST_CASE("hosts_auth: dmarc: report evaluates and writes the header but never acts", "[hosts_auth]") {
  std::string text = without_expectations(testing::shipped_text("auth-dmarc-reject.yaml"));
  const std::string block = "{spf: check, dkim_verify: true, dmarc: true}";
  REQUIRE(text.find(block) != std::string::npos);
  text.replace(text.find(block), block.size(), "{spf: check, dkim_verify: true, dmarc: report}");
  auto world = testing::load_text(text, 1);
  scenarios::run_world(*world);
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob", "INBOX");
  REQUIRE(inbox.size() == 2);
  CHECK(header_of(inbox[0], "Authentication-Results").find("dmarc=fail") != std::string::npos);
  CHECK(world->network.host("mx.example.org")->find_service<engine::MtaService>()->rejections().empty());
}

TEST_CASE("hosts_auth: a withdrawn SPF record (dns_record remove) gives SPF none", "[hosts_auth]") {
  std::string text = without_expectations(testing::shipped_text("auth-spf-pass.yaml"));
  text.replace(text.find("events:\n"), 8,
               "events:\n  - {at: 0s, dns_record: {server: ns1.example.com, remove: '@ 300 IN TXT \"v=spf1 ip4:10.0.1.25 -all\"'}}\n");
  auto world = testing::load_text(text, 1);
  scenarios::run_world(*world);
  CHECK(testing::find_record(*world, {.protocol = "SPF", .text = "SPF none: example.com publishes no SPF record"}));
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  CHECK(header_of(inbox[0], "Authentication-Results").find("spf=none") != std::string::npos);
}

TEST_CASE("hosts_auth: keys are deterministic: same seed, same signature bytes, another seed, another key",
          "[hosts_auth]") {
  auto signature_with_seed = [](std::uint64_t seed) {
    auto world = testing::load_file("auth-dkim-pass.yaml", seed);
    scenarios::run_world(*world);
    auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
    REQUIRE(inbox.size() == 1);
    const auto& published = world->module_state<scenarios::auth_module::State>().published;
    std::string key;
    for (const auto& record : published)
      if (record.name == "mail._domainkey.example.com") key = record.text;
    return std::make_pair(header_of(inbox[0], "DKIM-Signature"), key);
  };
  const auto first = signature_with_seed(1), again = signature_with_seed(1), other = signature_with_seed(2);
  REQUIRE(!first.first.empty());
  CHECK(first.first.find("d=example.com") != std::string::npos);
  CHECK(first == again);
  CHECK(other.second != first.second);
  CHECK(other.first != first.first);
  // The published key is the signer's.
  const auto key = engine::deterministic_dkim_key(1, "example.com", "mail");
  CHECK(key.key_record() == first.second);
  CHECK(engine::deterministic_dkim_key(1, "example.com", "mail").public_key_data() == key.public_key_data());
  CHECK(engine::deterministic_dkim_key(1, "example.com", "other").public_key_data() != key.public_key_data());
}

TEST_CASE("hosts_auth: mail a user submits is signed only when its From domain is the signing domain",
          "[hosts_auth]") {
  std::string text = without_expectations(testing::shipped_text("auth-dkim-pass.yaml"));
  text.replace(text.find("{domain: example.com, selector: mail}"), 37, "{domain: other.example, selector: mail}");
  auto world = testing::load_text(text, 1);
  scenarios::run_world(*world);
  CHECK(testing::find_record(*world, {.protocol = "DKIM", .text = "DKIM not signing: From domain example.com is not other.example"}));
  CHECK(testing::find_record(*world, {.protocol = "DKIM", .text = "DKIM none: the message carries no DKIM-Signature"}));
}

TEST_CASE("hosts_auth: ed25519 keys sign and verify too (RFC 8463)", "[hosts_auth]") {
  std::string text = without_expectations(testing::shipped_text("auth-dkim-pass.yaml"));
  text.replace(text.find("{domain: example.com, selector: mail}"), 37,
               "{domain: example.com, selector: mail, algorithm: ed25519}");
  text.replace(text.find("dkim: {selector: mail}"), 22, "dkim: {selector: mail, algorithm: ed25519}");
  auto world = testing::load_text(text, 1);
  scenarios::run_world(*world);
  CHECK(testing::find_record(*world, {.protocol = "DKIM", .text = "DKIM signed d=example.com s=mail (ed25519-sha256, 256-bit key)"}));
  CHECK(testing::find_record(*world, {.protocol = "DKIM", .text = "DKIM pass d=example.com s=mail"}));
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  CHECK(header_of(inbox[0], "DKIM-Signature").find("a=ed25519-sha256") != std::string::npos);
}

TEST_CASE("hosts_auth: a given private key and key record are used instead of the generated ones", "[hosts_auth]") {
  const auto key = auth::DkimKey::ed25519_from_seed("a key from elsewhere");
  std::string pem = key.private_pem();
  std::string indented;
  for (std::size_t at = 0; at < pem.size();) {
    const auto end = pem.find('\n', at);
    indented += "          " + pem.substr(at, end - at) + "\n";
    at = end == std::string::npos ? pem.size() : end + 1;
  }
  std::string text = without_expectations(testing::shipped_text("auth-dkim-pass.yaml"));
  text.replace(text.find("    authentication: {dkim_sign: {domain: example.com, selector: mail}}\n"), 71,
               "    authentication:\n      dkim_sign:\n        domain: example.com\n        selector: mail\n"
               "        private_key: |\n" + indented);
  text.replace(text.find("dkim: {selector: mail}"), 22, "dkim: {selector: mail, record: \"" + key.key_record() + "\"}");
  auto world = testing::load_text(text, 1);
  scenarios::run_world(*world);
  CHECK(testing::find_record(*world, {.protocol = "DKIM", .text = "DKIM pass d=example.com s=mail"}));
  bool published = false;
  for (const auto& record : world->module_state<scenarios::auth_module::State>().published)
    if (record.name == "mail._domainkey.example.com") published = record.text == key.key_record();
  CHECK(published);
}

TEST_CASE("hosts_auth: auth_results fails, saying what it saw, when a result differs", "[hosts_auth]") {
  std::string text = testing::shipped_text("auth-spf-pass.yaml");
  text.replace(text.find("{to: bob@example.org, spf: pass, contains: \"smtp.mailfrom=example.com\"}"), 71,
               "{to: bob@example.org, spf: fail, dmarc: pass}");
  auto world = testing::load_text(text, 1);
  scenarios::run_world(*world);
  auto outcome = scenarios::evaluate(*world);
  CHECK_FALSE(outcome.passed());
  REQUIRE(outcome.failed_count() == 1);
  std::string detail;
  for (const auto& item : outcome.expectations)
    if (!item.result.passed) detail = item.result.detail;
  CHECK(detail.find("Authentication-Results: mx.example.org; spf=pass") != std::string::npos);
  CHECK(detail.find("spf=pass (wanted fail)") != std::string::npos);
  CHECK(detail.find("dmarc=(absent) (wanted pass)") != std::string::npos);
}
