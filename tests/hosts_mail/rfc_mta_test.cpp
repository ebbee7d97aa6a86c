// RFC requirements of the MTA found missing by a careful reader (issue 13): postmaster at every
// domain (RFC 5321 §4.5.1), AUTH on port 25 only where it is offered (RFC 4954 §3), senders
// whose domain publishes a null MX refused (RFC 7505 §4.2).
#include <catch2/catch.hpp>

#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"
#include "protocols/mail/message.h"

using namespace maillab;
using engine::TraceKind;

namespace {

std::string from_stranger_to(const std::string& to) {
  return "  - {at: 1s, send: {from: x@outside.test, to: " + to +
         ", subject: Hello postmaster, via: mail.example.com, from_host: attacker, port: 25}}\n";
}

std::string with_mailboxes_line(std::string yaml, const std::string& line) {
  const std::string key = "      users: [";
  yaml.insert(yaml.find(key), "      " + line + "\n");
  return yaml;
}

}  // namespace

TEST_CASE("postmaster@ our domain, in any case, is accepted with no setup and reaches the first user",
          "[hosts_mail][postmaster]") {
  auto world = testing::load_text(testing::small_world("{}", from_stranger_to("PostMaster@Example.COM")));
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  CHECK(testing::service<engine::MtaService>(*world, "mail.example.com").rejections().empty());
  CHECK(world->ledger.counts().delivered == 1);
  CHECK(world->ledger.counts().rejected == 0);
  CHECK(testing::mailbox(*world, "mail.example.com", "alice").size() == 1);
}

TEST_CASE("postmaster: in mailboxes says who reads it", "[hosts_mail][postmaster]") {
  auto world = testing::load_text(
      with_mailboxes_line(testing::small_world("{}", from_stranger_to("postmaster@example.com")), "postmaster: [carol]"));
  testing::run(*world);
  CHECK(testing::mailbox(*world, "mail.example.com", "carol").size() == 1);
  CHECK(testing::mailbox(*world, "mail.example.com", "alice").empty());
  // Both at once is a mistake, said where it is.
  const std::string errors = testing::load_errors(with_mailboxes_line(
      testing::small_world("{}", ""), "aliases: {postmaster: [alice]}\n      postmaster: [carol]"));
  CHECK(errors.find("test.yaml:") != std::string::npos);
  CHECK(errors.find("postmaster is already a user or alias") != std::string::npos);
}

TEST_CASE("postmaster of an MTA domain its mailboxes do not list still gets in", "[hosts_mail][postmaster]") {
  auto world = testing::load_text(
      testing::small_world("{domains: [example.com, example.net]}", from_stranger_to("POSTMASTER@example.net")));
  testing::run(*world);
  CHECK(testing::service<engine::MtaService>(*world, "mail.example.com").rejections().empty());
  CHECK(world->ledger.counts().delivered == 1);
  CHECK(testing::mailbox(*world, "mail.example.com", "alice").size() == 1);
}

TEST_CASE("auth: true on port 25 is a load error where the MTA offers no AUTH there", "[hosts_mail][auth]") {
  const std::string errors = testing::load_errors(testing::small_world(
      "{}", "  - {at: 1s, send: {from: alice@example.com, to: carol@example.com, via: mail.example.com, "
            "from_host: alice-laptop, port: 25, auth: true}}\n"));
  CHECK(errors.find("test.yaml:") != std::string::npos);
  CHECK(errors.find("offers no AUTH on its relay port") != std::string::npos);
  CHECK(errors.find("auth_on_relay: true") != std::string::npos);
}

TEST_CASE("auth_on_relay: a client logs in on port 25 and may relay", "[hosts_mail][auth]") {
  auto world = testing::load_text(testing::small_world(
      "{auth_on_relay: true}", "  - {at: 1s, send: {from: alice@example.com, to: carol@example.com, via: "
                               "mail.example.com, from_host: alice-laptop, port: 25, auth: true}}\n"));
  auto outcome = testing::run(*world);
  CHECK(world->ledger.counts().delivered == 1);
  CHECK_FALSE(testing::records(*world, TraceKind::protocol, "mail.example.com", "250-AUTH").empty());
  CHECK(testing::records(*world, TraceKind::protocol, "mail.example.com", "235 2.7.0").size() == 1);
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "relay port, authenticated as alice").size() == 1);
}

TEST_CASE("a mail program set to send on port 25 is a load error where the MTA offers no AUTH there",
          "[hosts_mail][auth]") {
  std::string yaml = testing::small_world("{}", "");
  const std::string laptop = "{name: alice-laptop, address: 10.0.1.10}";
  yaml.replace(yaml.find(laptop), laptop.size(),
               "{name: alice-laptop, address: 10.0.1.10, mail_client: {accounts: [{address: alice@example.com, "
               "password: alice-secret, smtp: {server: mail.example.com, port: 25}, incoming: {protocol: pop3, "
               "server: mail.example.com}}]}}");
  const std::string errors = testing::load_errors(yaml);
  CHECK(errors.find("offers no AUTH on its relay port") != std::string::npos);
}

TEST_CASE("a tampering fault alters the mail an MTA relays, not the DSN it writes itself", "[hosts_mail][tamper]") {
  // carol@example.com forwards to nobody@example.org, which mx.example.org refuses (550 5.1.1):
  // mail.example.com, the tampering relay, bounces the forward to bob@example.org.
  std::string yaml = testing::smarthost_world(
      "{smarthost: mx.example.org}", "{smarthost: mail.example.com}",
      "  - {at: 0s, tamper: {host: mail.example.com, header: Subject, replace: TAMPERED}}\n"
      "  - {at: 1s, send: {from: bob@example.org, to: carol@example.com, subject: Hi, via: mx.example.org, "
      "from_host: alice-laptop}}\n");
  const std::string key = "mailboxes: {domains: [example.com], ";
  yaml.insert(yaml.find(key) + key.size(), "forwards: {carol: {to: [nobody@example.org]}}, ");
  auto world = testing::load_text(yaml);
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  CHECK(world->ledger.counts().bounced == 1);
  // The forwarded message was relayed through the fault: tampered once.
  CHECK(testing::records(*world, TraceKind::fault, "mail.example.com", "tampered in transit").size() == 1);
  // The DSN is mail.example.com's own: untouched.
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  auto dsn = mail::parse_message(inbox[0]);
  REQUIRE(dsn.ok());
  CHECK(dsn.value().subject() == "Undelivered Mail Returned to Sender");
}

TEST_CASE("the clock: a fixed start date by default, a scenario's own with start:", "[hosts_mail][clock]") {
  const std::string send =
      "  - {at: 1s, send: {from: alice@example.com, to: carol@example.com, via: mail.example.com, "
      "from_host: alice-laptop}}\n";
  auto fixed = testing::load_text(testing::small_world("{}", send));
  testing::run(*fixed);
  auto inbox = testing::mailbox(*fixed, "mail.example.com", "carol");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].find("Mon, 5 Jan 2026 09:00:01 +0000") != std::string::npos);

  auto dated = testing::load_text("start: 2030-06-01T12:00:00Z\n" + testing::small_world("{}", send));
  testing::run(*dated);
  inbox = testing::mailbox(*dated, "mail.example.com", "carol");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].find("Sat, 1 Jun 2030 12:00:01 +0000") != std::string::npos);
  CHECK(inbox[0].find("2026") == std::string::npos);

  const std::string errors = testing::load_errors("start: 2030-02-30\n" + testing::small_world("{}", send));
  CHECK(errors.find("test.yaml:1:8: error: bad start date '2030-02-30'") != std::string::npos);
}

TEST_CASE("reject_null_mx_sender: a MAIL FROM domain with a null MX gets 550 5.7.27 (RFC 7505 §4.2)",
          "[hosts_mail][null_mx]") {
  // smtp-null-mx's world: www.example.org publishes "MX 0 ."; mx.example.org now has a resolver.
  auto world_with = [](const std::string& mta) {
    std::string text = testing::with_events(
        "smtp-null-mx",
        "  - {at: 1s, send: {from: info@www.example.org, to: bob@example.org, subject: From nowhere, "
        "via: mx.example.org, from_host: alice-laptop, port: 25}}\n"
        "  - {at: 2s, send: {from: alice@example.com, to: bob@example.org, subject: From alice, "
        "via: mx.example.org, from_host: alice-laptop, port: 25}}\n");
    const std::string mx = "    position: [800, 260]\n";
    text.insert(text.find(mx) + mx.size(), "    resolver: resolver.example.com\n");
    const std::string block = "users: [{name: bob, password: bob-secret}]\n    mta: {}";
    text.replace(text.find(block), block.size(), "users: [{name: bob, password: bob-secret}]\n    mta: " + mta);
    return testing::load_text(text);
  };
  auto world = world_with("{reject_null_mx_sender: true}");
  testing::run(*world);
  const auto& refusals = testing::service<engine::MtaService>(*world, "mx.example.org").rejections();
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0].stage == "MAIL FROM");
  CHECK(refusals[0].reply.code == 550);
  CHECK(refusals[0].reply.enhanced_status == "5.7.27");
  CHECK(testing::records(*world, TraceKind::protocol, "mx.example.org",
                          "Sender address rejected: Domain www.example.org does not accept mail (null MX)")
            .size() == 1);
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);  // a sender domain without a null MX (here one DNS cannot find) still gets in
  CHECK(inbox[0].find("Subject: From alice") != std::string::npos);

  auto without = world_with("{}");  // off by default, like Postfix's reject_unknown_sender_domain
  testing::run(*without);
  CHECK(testing::service<engine::MtaService>(*without, "mx.example.org").rejections().empty());
  CHECK(testing::mailbox(*without, "mx.example.org", "bob").size() == 2);
}
