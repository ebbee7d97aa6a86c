// Mail loops (RFC 5321 §6.3): a relay loop between two MTAs is stopped by the hop count (Received
// headers, Postfix's hopcount_limit) and bounced with 5.4.6; a forwarding loop, between domains or
// inside one, by Delivered-To (Postfix local(8)). The ledger stays true: a forward is not a delivery.
#include <catch2/catch.hpp>

#include "tests/support/worlds.h"
#include "protocols/mail/delivery_status.h"
#include "protocols/mail/message.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

namespace {

// A relay loop, no forward involved: each MTA thinks the other is responsible for example.net
// (relay_domains) and sends it there (a smarthost), so only the Received lines grow.
std::string relay_loop(const std::string& mx_extra = "") {
  return testing::smarthost_world(
      "{smarthost: mx.example.org, relay_domains: [example.net]}",
      "{smarthost: mail.example.com, relay_domains: [example.net]" + mx_extra + "}",
      "  - {at: 1s, send: {from: alice@example.com, to: carol@example.net, subject: Loop, via: mail.example.com, "
      "from_host: alice-laptop}}\n",
      "600s");
}

// carol@example.com forwards to bob@example.org, and bob forwards back: a loop between two domains.
std::string forward_loop() {
  std::string yaml = testing::smarthost_world(
      "{smarthost: mx.example.org}", "{smarthost: mail.example.com}",
      "  - {at: 1s, send: {from: alice@example.com, to: carol@example.com, subject: Loop, via: mail.example.com, "
      "from_host: alice-laptop}}\n",
      "600s");
  auto add_forward = [&yaml](const std::string& domain, const std::string& forwards) {
    const std::string key = "mailboxes: {domains: [" + domain + "], ";
    const auto at = yaml.find(key);
    REQUIRE(at != std::string::npos);
    yaml.insert(at + key.size(), "forwards: " + forwards + ", ");
  };
  add_forward("example.com", "{carol: {to: [bob@example.org]}}");
  add_forward("example.org", "{bob: {to: [carol@example.com]}}");
  return yaml;
}

std::string dsn_status(scenarios::World& world) {
  auto inbox = testing::mailbox(world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  auto report = mail::parse_delivery_status_notification(inbox[0]);
  REQUIRE(report.ok());
  REQUIRE(report.value().recipients.size() == 1);
  return report.value().recipients[0].status;
}

}  // namespace

TEST_CASE("a relay loop between two MTAs bounces with 5.4.6 at the hop limit", "[hosts_mail][loop]") {
  auto world = testing::load_text(relay_loop());
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  // It stopped: nothing queued, one bounce, not a run-long loop.
  const auto counts = world->ledger.counts();
  CHECK(counts.accepted == 1);
  CHECK(counts.delivered == 0);
  CHECK(counts.bounced == 1);
  CHECK(counts.queued == 0);
  // The message arrived with 50 Received lines (Postfix's hopcount_limit) and was refused.
  auto refused = testing::records(*world, TraceKind::mail, "", "rejected at end of DATA");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0]->summary.find("554 5.4.6 Too many hops: the message has 50 Received lines") != std::string::npos);
  // The sender gets one DSN that says 5.4.6 (RFC 3463: routing loop detected).
  CHECK(dsn_status(*world) == "5.4.6");
  // 49 passes with 1 to 49 Received lines, then the DSN's one relay back to alice's server.
  auto relays = testing::records(*world, TraceKind::mail, "", "relayed to");
  CHECK(relays.size() == 50);
}

TEST_CASE("hop_limit is a scenario MTA key", "[hosts_mail][loop]") {
  auto world = testing::load_text(relay_loop(", hop_limit: 7"));
  testing::run(*world);
  CHECK(world->ledger.counts().bounced == 1);
  CHECK(world->ledger.counts().queued == 0);
  auto refused = testing::records(*world, TraceKind::mail, "mx.example.org", "rejected at end of DATA");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0]->summary.find("554 5.4.6 Too many hops: the message has 7 Received lines (hop_limit 7)") !=
        std::string::npos);
}

TEST_CASE("a forwarding loop between two domains is stopped by Delivered-To, a forward is not a delivery",
          "[hosts_mail][loop]") {
  auto world = testing::load_text(forward_loop());
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  const auto counts = world->ledger.counts();
  CHECK(counts.accepted == 1);
  CHECK(counts.delivered == 0);  // two forwards, no mailbox took it
  CHECK(counts.forwarded == 2);
  CHECK(counts.bounced == 1);
  CHECK(counts.queued == 0);
  CHECK(testing::mailbox(*world, "mail.example.com", "carol").empty());
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").empty());
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com",
                          "mail forwarding loop for carol@example.com: the message already says").size() == 1);
  CHECK(dsn_status(*world) == "5.4.6");
}

TEST_CASE("a forwarding loop inside one domain is stopped by Delivered-To", "[hosts_mail][loop]") {
  // carol -> erin -> carol, inside example.com (no Received line is added between them).
  auto world = testing::load_text([] {
    std::string yaml = testing::small_world(
        "{}", "  - {at: 1s, send: {from: alice@example.com, to: carol@example.com, subject: Loop, via: "
              "mail.example.com, from_host: alice-laptop}}\n");
    const std::string key = "      users: [";
    yaml.insert(yaml.find(key), "      forwards: {carol: {to: [erin@example.com]}, "
                                "erin: {to: [carol@example.com]}}\n");
    return yaml;
  }());
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  CHECK(world->ledger.counts().bounced == 1);
  CHECK(world->ledger.counts().delivered == 0);
  CHECK(world->ledger.counts().queued == 0);
  auto loop = testing::records(*world, TraceKind::mail, "mail.example.com",
                                "mail forwarding loop for carol@example.com: the message already says");
  CHECK(loop.size() == 1);
}

TEST_CASE("the ledger: a forward is not a delivery, the copy it makes is the one counted", "[hosts_mail][ledger]") {
  engine::MailLedger ledger;
  const auto id = ledger.accept("a@x", "s", {"bob@old.example"}, seconds(1));
  CHECK(ledger.forwarded(id, "bob@old.example", seconds(2)));
  ledger.add_recipient(id, "bob@new.example");
  CHECK(ledger.counts().accepted == 1);
  CHECK(ledger.counts().delivered == 0);
  CHECK(ledger.counts().queued == 1);
  CHECK(ledger.counts().forwarded == 1);
  CHECK(ledger.delivered(id, "bob@new.example", "mailbox bob@new.example INBOX", seconds(3)));
  CHECK(ledger.counts().delivered == 1);
  CHECK(ledger.counts().accepted == 1);
}
