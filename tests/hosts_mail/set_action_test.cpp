// The `set:` action: one shape that changes any host block's settings during a run, with the
// block's own readers, located errors, and a trace record saying what changed.
#include <catch2/catch.hpp>


#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/pop3_service.h"
#include "engine/net/network.h"
#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"
#include "scenarios/diagnostics.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

TEST_CASE("smtp-quota-freed: 452 4.2.2 queues the message, set: raises the quota, the retry delivers",
          "[hosts_mail][set][scenarios]") {
  auto world = testing::load_file("smtp-quota-freed");
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  const auto& refusals = testing::service<engine::MtaService>(*world, "mx.example.org").rejections();
  REQUIRE(refusals.size() == 2);
  for (const auto& refusal : refusals) {
    CHECK(refusal.reply.code == 452);
    CHECK(refusal.reply.enhanced_status == "4.2.2");
    CHECK(refusal.when < seconds(100));  // both before the quota was raised
  }
  auto set = testing::records(*world, TraceKind::fault, "mx.example.org", "set mailboxes:");
  REQUIRE(set.size() == 1);
  CHECK(set[0]->time == seconds(100));
  CHECK(set[0]->summary.find("bob uses 0 bytes, quota 10000 bytes") != std::string::npos);
  auto delivered = testing::records(*world, TraceKind::mail, "mx.example.org", "delivered to mailbox bob");
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0]->time > seconds(100));
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);
}

TEST_CASE("set: mta {relay: false} closes port 25, and {relay: true} opens it again", "[hosts_mail][set]") {
  auto world = testing::load_text(testing::small_world(
      "{}", "  - {at: 1s, set: {host: mail.example.com, mta: {relay: false}}}\n"
            "  - {at: 2s, send: {from: x@outside.test, to: carol@example.com, via: mail.example.com, "
            "from_host: attacker, port: 25}}\n"
            "  - {at: 10s, set: {host: mail.example.com, mta: {relay: true, max_recipients: 5}}}\n"
            "  - {at: 11s, send: {from: y@outside.test, to: carol@example.com, via: mail.example.com, "
            "from_host: attacker, port: 25}}\n"));
  auto& mta = testing::service<engine::MtaService>(*world, "mail.example.com");
  testing::run(*world);
  auto closed = testing::records(*world, TraceKind::fault, "mail.example.com", "set mta: {relay: false} (port 25 closed)");
  CHECK(closed.size() == 1);
  CHECK(testing::records(*world, TraceKind::fault, "mail.example.com", "(port 25 open)").size() == 1);
  CHECK(testing::records(*world, TraceKind::transport, "", "refused").size() >= 1);  // the 2 s attempt
  CHECK(mta.config().max_recipients == 5);
  CHECK(mta.config().submission);  // keys not written stay as they were
  auto inbox = testing::mailbox(*world, "mail.example.com", "carol");
  REQUIRE(inbox.size() == 1);  // only the one sent after port 25 opened again
  CHECK(inbox[0].find("y@outside.test") != std::string::npos);
}

TEST_CASE("set: relay_domains changes who may relay through an MTA", "[hosts_mail][set]") {
  auto world = testing::load_text(testing::small_world(
      "{}", "  - {at: 1s, send: {from: x@outside.test, to: z@partner.test, via: mail.example.com, "
            "from_host: attacker, port: 25}}\n"
            "  - {at: 5s, set: {host: mail.example.com, mta: {relay_domains: [Partner.test]}}}\n"
            "  - {at: 6s, send: {from: x@outside.test, to: z@partner.test, via: mail.example.com, "
            "from_host: attacker, port: 25}}\n"));
  auto& mta = testing::service<engine::MtaService>(*world, "mail.example.com");
  testing::run(*world);
  REQUIRE(mta.rejections().size() == 1);
  CHECK(mta.rejections()[0].reply.code == 554);  // relay access denied before the change
  CHECK(mta.is_relay_domain("partner.test"));   // lowercased as at load
  CHECK(mta.queue_contents().size() == 1);       // taken after it (no DNS here: it waits in the queue)
}

TEST_CASE("set: mailboxes adds a user and changes a password", "[hosts_mail][set]") {
  auto world = testing::load_text(testing::small_world(
      "{}", "  - {at: 1s, set: {host: mail.example.com, mailboxes: {users: [{name: dave, password: d}, "
            "{name: carol, password: new-secret}]}}}\n"));
  testing::run(*world);
  auto& store = world->network.host("mail.example.com")->find_service<engine::MailboxService>()->store();
  CHECK(store.check_password("dave", "d"));
  CHECK(store.check_password("carol", "new-secret"));
  CHECK(testing::records(*world, TraceKind::fault, "mail.example.com", "new user dave; carol's password changed").size() == 1);
}

TEST_CASE("set: errors are located: unknown host, block, key, bad value, missing service", "[hosts_mail][set][scenarios]") {
  auto with_event = [](const std::string& event) { return testing::small_world("{}", "  - " + event + "\n"); };
  auto unknown_host = testing::load_errors(with_event("{at: 1s, set: {host: nowhere, mta: {relay: false}}}"), "set.yaml");
  CHECK(unknown_host.find("set.yaml:18:26: error: unknown host") != std::string::npos);
  CHECK(unknown_host.find("nowhere") != std::string::npos);
  auto unknown_block = testing::load_errors(with_event("{at: 1s, set: {host: mail.example.com, mtaa: {relay: false}}}"), "set.yaml");
  CHECK(unknown_block.find("set.yaml:18:44: error: set cannot change 'mtaa' (did you mean 'mta'?)") != std::string::npos);
  auto unknown_key = testing::load_errors(with_event("{at: 1s, set: {host: mail.example.com, mta: {relai: false}}}"), "set.yaml");
  CHECK(unknown_key.find("relai") != std::string::npos);
  CHECK(unknown_key.find("did you mean 'relay'") != std::string::npos);
  auto bad_value = testing::load_errors(with_event("{at: 1s, set: {host: mail.example.com, mta: {max_recipients: lots}}}"), "set.yaml");
  CHECK(bad_value.find("set.yaml:18:66: error: max_recipients is 'lots'") != std::string::npos);
  auto no_service = testing::load_errors(with_event("{at: 1s, set: {host: alice-laptop, mta: {relay: false}}}"), "set.yaml");
  CHECK(no_service.find("'alice-laptop' runs no MTA") != std::string::npos);
  auto new_user = testing::load_errors(with_event("{at: 1s, set: {host: mail.example.com, mailboxes: {users: [{name: eve}]}}}"), "set.yaml");
  CHECK(new_user.find("a new user needs a password") != std::string::npos);
  auto nothing = testing::load_errors(with_event("{at: 1s, set: {host: mail.example.com}}"), "set.yaml");
  CHECK(nothing.find("set names no setting") != std::string::npos);
}

TEST_CASE("set: dns_server replaces an RRset, the resolver keeps the old one until its TTL runs out",
          "[hosts_mail][set][dns]") {
  auto world = testing::load_text(testing::with_events(
      "smtp-unknown-user",
      "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, subject: before, via: mail.example.com, "
      "from_host: alice-laptop}}\n"
      "  - {at: 5s, set: {host: ns1.example.org, dns_server: {zone: example.org, records: [\"mx 300 IN A 10.0.2.99\"]}}}\n"
      "  - {at: 10s, send: {from: alice@example.com, to: bob@example.org, subject: after, via: mail.example.com, "
      "from_host: alice-laptop}}\n"));
  testing::run(*world);
  auto set = testing::records(*world, TraceKind::fault, "ns1.example.org", "set dns_server:");
  REQUIRE(set.size() == 1);
  CHECK(set[0]->summary.find("keep them for up to 3600 s") != std::string::npos);
  CHECK(testing::records(*world, TraceKind::fault, "ns1.example.org", "record removed: mx.example.org. 3600 IN A 10.0.2.25").size() == 1);
  CHECK(testing::records(*world, TraceKind::fault, "ns1.example.org", "record added: mx.example.org. 300 IN A 10.0.2.99").size() == 1);
  // The second message still goes to 10.0.2.25: the resolver's cached A record has 3590 s left.
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 2);
}

TEST_CASE("set: mail_client points a device at another port, its next check fails", "[hosts_mail][set]") {
  std::string text = testing::shipped_text("pop3-two-devices");
  const std::string events =
      "  - {at: 7s, set: {host: bob-phone, mail_client: {incoming: {protocol: pop3, server: mail.example.org, port: 2110}}}}\n";
  text.insert(text.find("  - {at: 8s, note:"), events);
  auto world = testing::load_text(text);
  auto outcome = testing::run(*world);
  CHECK_FALSE(outcome.passed());  // the phone never gets "Meeting notes"
  CHECK(testing::records(*world, TraceKind::fault, "bob-phone", "set mail_client:").size() == 1);
  CHECK(testing::records(*world, TraceKind::transport, "", ":2110").size() >= 1);
}

TEST_CASE("set: pop3 closes port 995 for the next connection, keys not written stay", "[hosts_mail][set]") {
  std::string text = testing::shipped_text("pop3-two-devices");
  const std::string events =
      "  - {at: 7s, set: {host: mail.example.org, pop3: {tls_ports: [], login_requires_tls: true}}}\n";
  text.insert(text.find("  - {at: 8s, note:"), events);
  auto world = testing::load_text(text);
  auto outcome = testing::run(*world);
  CHECK_FALSE(outcome.passed());  // the phone (POP3 on 995) never gets "Meeting notes"
  CHECK(testing::records(*world, TraceKind::fault, "mail.example.org", "(port 995 closed)").size() == 1);
  CHECK(testing::records(*world, TraceKind::transport, "", ":995").size() >= 1);
  auto* pop3 = world->network.host("mail.example.org")->find_service<engine::Pop3Service>();
  REQUIRE(pop3);
  CHECK(pop3->options().login_requires_tls);
  CHECK(pop3->options().plain_ports == std::vector<std::uint16_t>{110});  // not written: unchanged
  std::string no_imap = text;
  no_imap.insert(no_imap.find("  - {at: 8s, note:"), "  - {at: 8s, set: {host: mail.example.org, imap: {ports: [143]}}}\n");
  CHECK(testing::load_errors(no_imap, "set.yaml").find("'mail.example.org' runs no imap server") != std::string::npos);
}
