// MTA behaviour in small inline worlds: crashes, the policy hook, sender and AUTH options, YAML
// errors and the conservation audit.
#include <catch2/catch.hpp>

#include "engine/hosts/mail/mta_policy.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "tests/support/mail_access_world.h"
#include "tests/support/worlds.h"
#include "protocols/mail/message.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

namespace {

// mail.example.com sends everything for example.org to mx.example.org (a smarthost: no DNS).
std::string two_servers(const std::string& events) {
  return testing::smarthost_world("{smarthost: mx.example.org}", "{}", events);
}

const std::string send_to_bob =
    "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, subject: Hi, via: mail.example.com, "
    "from_host: alice-laptop}}\n";

// A policy that answers later (as a DNS-based check would), refuses one sender domain, stamps
// accepted messages and signs outgoing ones.
class StampPolicy : public engine::MtaPolicy {
 public:
  std::string_view name() const override { return "stamp"; }
  void check_mail_from(engine::Host& host, const engine::MailFromCheck& check,
                       std::function<void(engine::PolicyVerdict)> done) override {
    ++mail_from_checks;
    const bool refuse = check.reverse_path.find("@attacker.test") != std::string::npos;
    host.simulator().schedule_in(seconds(2), [refuse, done] {
      engine::PolicyVerdict verdict;
      if (refuse) verdict.reply = smtp::make_reply(550, "5.7.23", "SPF says no");
      else verdict.prepend_headers.push_back({"Received-SPF", "pass (test)"});
      done(verdict);
    });
  }
  void check_message(engine::Host&, const engine::MessageCheck& check,
                     std::function<void(engine::PolicyVerdict)> done) override {
    engine::PolicyVerdict verdict;
    saw_mail_from_verdicts = check.mail_from_verdicts ? check.mail_from_verdicts->size() : 0;
    verdict.prepend_headers.push_back({"Authentication-Results", "mail.example.com; test=pass"});
    done(verdict);
  }
  void prepare_outgoing(engine::Host&, engine::OutgoingMessage& outgoing) override {
    ++signed_count;
    outgoing.message = mail::prepend_header(outgoing.message, "DKIM-Signature", "v=1; test");
  }
  int mail_from_checks = 0;
  std::size_t saw_mail_from_verdicts = 0;
  int signed_count = 0;
};

// A message check that answers 10 s later (as one waiting for DNS would) and only then reads the
// message it was asked about: the text must still be there, whatever became of the connection.
class SlowMessagePolicy : public engine::MtaPolicy {
 public:
  std::string_view name() const override { return "slow"; }
  void check_message(engine::Host& host, const engine::MessageCheck& check,
                     std::function<void(engine::PolicyVerdict)> done) override {
    ++asked;
    host.simulator().schedule_in(seconds(10), [this, &check, done] {
      read_late = *check.message;
      done({});
    });
  }
  int asked = 0;
  std::string read_late;
};

}  // namespace

TEST_CASE("a client that leaves while its message waits for a policy: the policy still reads the message, nothing is "
          "queued, and the next client is served",
          "[hosts_mail][policy]") {
  auto world = testing::load_text(two_servers("  []\n"));
  auto policy = std::make_shared<SlowMessagePolicy>();
  auto& mta = testing::service<engine::MtaService>(*world, "mail.example.com");
  mta.add_policy(policy);
  engine::Host& laptop = testing::host(*world, "alice-laptop");
  const engine::Endpoint server{*engine::parse_address("10.0.3.25"), 25};
  testing::LineClient leaver(laptop, server);
  world->simulator.run_until(seconds(1));
  REQUIRE(leaver.heard("220 "));
  leaver.send("EHLO laptop.example.com");
  leaver.send("MAIL FROM:<someone@example.net>");
  leaver.send("RCPT TO:<carol@example.com>");
  leaver.send("DATA");
  world->simulator.run_until(seconds(2));
  REQUIRE(leaver.heard("354 "));
  leaver.send("Subject: gone\r\n\r\nwaiting for a verdict\r\n.");
  world->simulator.run_until(seconds(3));
  REQUIRE(policy->asked == 1);
  leaver.connection->close();  // the client gives up while the verdict is pending
  world->simulator.run_until(seconds(5));
  REQUIRE(leaver.closed);  // both directions closed: the server's connection is gone, no verdict yet
  REQUIRE(policy->read_late.empty());
  world->simulator.run_until(seconds(20));
  CHECK(policy->read_late == "Subject: gone\r\n\r\nwaiting for a verdict\r\n");
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "accepted from").empty());
  CHECK(testing::mailbox(*world, "mail.example.com", "carol").empty());
  CHECK_FALSE(leaver.heard("250 2.0.0"));

  testing::LineClient next(laptop, server);  // the MTA goes on: the next message gets its 250
  world->simulator.run_until(seconds(21));
  next.send("EHLO laptop.example.com");
  next.send("MAIL FROM:<someone@example.net>");
  next.send("RCPT TO:<carol@example.com>");
  next.send("DATA");
  world->simulator.run_until(seconds(22));
  next.send("Subject: stayed\r\n\r\nwaited\r\n.");
  world->simulator.run_until(seconds(40));
  CHECK(policy->read_late == "Subject: stayed\r\n\r\nwaited\r\n");
  CHECK(next.heard("250 2.0.0 Ok: queued as "));
  CHECK(testing::mailbox(*world, "mail.example.com", "carol").size() == 1);
}

TEST_CASE("a run whose mail records nobody reads counts every one of them, as a run that keeps them",
          "[hosts_mail][trace]") {
  // The MTA leaves its accepted/queued/MX/connecting/relayed/delivered summaries unmade when the
  // trace is not read (mail_record_wanted), and counts each record it leaves out.
  auto kept = testing::load_text(two_servers(send_to_bob));
  testing::run(*kept);
  auto unread = testing::load_text(two_servers(send_to_bob));
  unread->simulator.trace().set_keep_records(false);
  unread->simulator.trace().set_fingerprinting(false);  // as `run --trace none` and bench mail do
  REQUIRE_FALSE(unread->simulator.trace().wanted());
  testing::run(*unread);
  CHECK(unread->simulator.trace().records().empty());
  CHECK_FALSE(testing::records(*kept, TraceKind::mail, "mail.example.com", "queued ").empty());
  CHECK(unread->simulator.trace().count() == kept->simulator.trace().count());
  CHECK(testing::mailbox(*unread, "mx.example.org", "bob").size() == 1);
}

TEST_CASE("a crash loses the attempt in flight, not the queue, it is retried after the restart", "[hosts_mail][crash]") {
  auto world = testing::load_text(two_servers("  - {at: 0s, crash: mx.example.org}\n" + send_to_bob +
                                               "  - {at: 5s, crash: mail.example.com}\n"
                                               "  - {at: 10s, restart: mx.example.org}\n"
                                               "  - {at: 30s, restart: mail.example.com}\n"));
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  auto interrupted = testing::records(*world, TraceKind::mail, "mail.example.com", "interrupted:");
  REQUIRE(interrupted.size() == 1);
  CHECK(interrupted[0]->time == seconds(5));
  auto relayed = testing::records(*world, TraceKind::mail, "mail.example.com", "relayed to mx.example.org");
  REQUIRE(relayed.size() == 1);
  CHECK(relayed[0]->time > seconds(30));
  CHECK(relayed[0]->time < seconds(31));
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);
  CHECK(world->ledger.counts().delivered == 1);
}

TEST_CASE("messages queued while the host is down stay queued (on disk) and the audit sees them", "[hosts_mail][crash]") {
  auto world = testing::load_text(two_servers("  - {at: 0s, crash: mx.example.org}\n" + send_to_bob +
                                               "  - {at: 20s, crash: mail.example.com}\n"));
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  CHECK(testing::service<engine::MtaService>(*world, "mail.example.com").queue().size() == 1);
  CHECK(world->ledger.counts().queued == 1);
}

TEST_CASE("the conservation audit reports a copy no queue holds", "[hosts_mail][audit]") {
  auto world = testing::load_text(two_servers(send_to_bob));
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  world->ledger.accept("ghost@example.com", "lost", {"bob@example.org"}, seconds(1));
  auto problems = engine::audit_mail_conservation(world->ledger, world->network);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("M2 to bob@example.org") != std::string::npos);
}

TEST_CASE("a signed message relayed after a failed attempt reaches two mailboxes signed once, as one text",
          "[hosts_mail][policy][shared]") {
  // mx greylists the first attempt (450 at RCPT): the entry was signed for it (its text replaced
  // once) and kept; the retry sends that same text. mx delivers it to bob and dave from one entry.
  auto world = testing::load_text(testing::smarthost_world(
      "{smarthost: mx.example.org, queue: {minimal_backoff: 10s}}", "{greylist: {delay: 5s}}",
      "  - {at: 1s, send: {from: alice@example.com, to: [bob@example.org, dave@example.org], subject: Hi, "
      "via: mail.example.com, from_host: alice-laptop}}\n"));
  auto policy = std::make_shared<StampPolicy>();
  testing::service<engine::MtaService>(*world, "mail.example.com").add_policy(policy);
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  CHECK(policy->signed_count == 1);
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "deferred: queue entry Q1").size() == 1);
  // Both attempts announced the same size: the retry sent the text the first one had.
  const auto mail_from = testing::records(*world, TraceKind::protocol, "mail.example.com", "MAIL FROM:<alice@");
  REQUIRE(mail_from.size() == 2);
  CHECK(mail_from[0]->summary == mail_from[1]->summary);
  const auto relayed = testing::records(*world, TraceKind::mail, "mail.example.com", "relayed to mx.example.org");
  REQUIRE(relayed.size() == 2);
  CHECK(relayed[0]->time > seconds(10));

  const auto& store = testing::service<engine::MailboxService>(*world, "mx.example.org").store();
  const auto& bob = store.folder("bob", "INBOX")->messages;
  const auto& dave = store.folder("dave", "INBOX")->messages;
  REQUIRE(bob.size() == 1);
  REQUIRE(dave.size() == 1);
  CHECK(bob[0].bytes.view().data() == dave[0].bytes.view().data());
  const std::string text = bob[0].bytes.text();
  CHECK(text.starts_with("Return-Path: <alice@example.com>\r\nReceived: "));
  std::size_t signatures = 0;
  for (std::size_t at = text.find("DKIM-Signature:"); at != std::string::npos; at = text.find("DKIM-Signature:", at + 1))
    ++signatures;
  CHECK(signatures == 1);
  CHECK(text.find("Subject: Hi\r\n") != std::string::npos);
  CHECK(world->ledger.counts().delivered == 2);
}

TEST_CASE("policies plug in at MAIL FROM, end of DATA and on the way out", "[hosts_mail][policy]") {
  auto world = testing::load_text(two_servers(
      send_to_bob +
      "  - {at: 3s, send: {from: x@attacker.test, to: bob@example.org, subject: Spam, via: mail.example.com, "
      "from_host: alice-laptop, port: 25}}\n"));
  auto policy = std::make_shared<StampPolicy>();
  testing::service<engine::MtaService>(*world, "mail.example.com").add_policy(policy);
  testing::run(*world);
  CHECK(policy->mail_from_checks == 2);
  CHECK(policy->saw_mail_from_verdicts == 1);  // DMARC can see what SPF said
  CHECK(policy->signed_count == 1);
  auto refused = testing::records(*world, TraceKind::protocol, "mail.example.com", "550 5.7.23 SPF says no");
  REQUIRE(refused.size() == 1);
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  // Top down: mx's Received, then what mail.example.com added (signature on top of its headers).
  auto parsed = mail::parse_message(inbox[0]);
  REQUIRE(parsed.ok());
  const auto& fields = parsed.value().headers.fields();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < 6 && i < fields.size(); ++i) names.push_back(fields[i].name);
  CHECK(names == std::vector<std::string>{"Return-Path", "Received", "DKIM-Signature", "Authentication-Results",
                                          "Received-SPF", "Received"});
  CHECK(world->ledger.counts().rejected == 1);
}

TEST_CASE("only_local_senders refuses outside senders with 550 5.7.1", "[hosts_mail][policy]") {
  auto world = testing::load_text(testing::small_world(
      "{only_local_senders: true}",
      "  - {at: 1s, send: {from: x@outside.test, to: carol@example.com, via: mail.example.com, from_host: attacker, port: 25}}\n"
      "  - {at: 2s, send: {from: alice@example.com, to: carol@example.com, via: mail.example.com, from_host: alice-laptop}}\n",
      "  - {smtp_reply: {host: mail.example.com, code: 550, contains: \"does not accept mail from outside\"}}\n"
      "  - {delivered: {to: carol@example.com, count: 1}}\n"));
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
}

TEST_CASE("credentials let a non-mailbox user submit and relay", "[hosts_mail][policy]") {
  auto world = testing::load_text(testing::small_world(
      "{credentials: {robot: s3cret}}",
      "  - {at: 1s, send: {from: robot@example.com, to: carol@example.com, subject: Report, via: mail.example.com, from_host: alice-laptop}}\n",
      "  - {delivered: {to: carol@example.com, subject: Report}}\n"
      "  - {trace_contains: {kind: mail, summary: \"authenticated as robot\"}}\n"));
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
}

TEST_CASE("mail YAML errors are reported with their place", "[hosts_mail][yaml]") {
  const std::string text = testing::load_errors(
      testing::small_world("{queue: {minimal_backoff: 600s, maximal_backoff: 60s}, relay_domian: [x]}",
                            "  - {at: 1s, send: {from: alice@example.com, to: carol@example.com, via: alice-laptop}}\n"
                            "  - {at: 1s, send: {from: not an address, to: carol@example.com, via: mail.example.com}}\n",
                            "  - {queued: {host: alice-laptop, count: 0}}\n"),
      "bad.yaml");
  CHECK(text.find("relay_domian") != std::string::npos);
  CHECK(text.find("did you mean 'relay_domains'") != std::string::npos);
  CHECK(text.find("runs no MTA") != std::string::npos);
  CHECK(text.find("bad from address") != std::string::npos);
}

TEST_CASE("the ledger: a reserved id is used by the acceptance that carries it, once, others get new ids",
          "[hosts_mail][ledger]") {
  engine::MailLedger ledger;
  const std::string reserved = ledger.reserve();
  CHECK(reserved == "M1");
  CHECK(ledger.counts().accepted == 0);  // reserving counts nothing
  CHECK(ledger.accept("a@x", "one", {"b@y"}, seconds(1), reserved) == "M1");
  CHECK(ledger.accept("a@x", "again", {"b@y"}, seconds(2), reserved) == "M2");   // not twice
  CHECK(ledger.accept("a@x", "made up", {"b@y"}, seconds(3), "M77") == "M3");    // never reserved
  CHECK(ledger.accept("a@x", "none", {"b@y"}, seconds(4)) == "M4");
  CHECK(ledger.counts().accepted == 4);
}

TEST_CASE("a submitted message keeps the id its sender reserved, from 'submitting' to delivery, a refused one is "
          "not counted",
          "[hosts_mail][ledger]") {
  auto world = testing::load_text(testing::small_world(
      "{}",
      "  - {at: 1s, send: {from: x@outside.test, to: y@elsewhere.test, via: mail.example.com, from_host: attacker, "
      "port: 25, subject: Relay}}\n"
      "  - {at: 2s, send: {from: alice@example.com, to: carol@example.com, via: mail.example.com, from_host: "
      "alice-laptop, subject: Hi}}\n"));
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  // The refused relay attempt reserved M1; its records say so, and the ledger never counted it.
  auto refused = testing::records(*world, TraceKind::mail, "attacker", "not submitted");
  REQUIRE(refused.size() == 1);
  CHECK(refused[0]->message == "M1");
  CHECK(world->ledger.find("M1") == nullptr);
  CHECK(world->ledger.counts().accepted == 1);
  CHECK(world->ledger.counts().rejected == 1);
  // alice's message is M2 everywhere: her program's records, the MTA's, the mailbox copy.
  auto submitting = testing::records(*world, TraceKind::mail, "alice-laptop", "submitting \"Hi\"");
  REQUIRE(submitting.size() == 1);
  CHECK(submitting[0]->message == "M2");
  auto delivered = testing::records(*world, TraceKind::mail, "mail.example.com", "delivered to mailbox carol");
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0]->message == "M2");
  auto inbox = testing::mailbox(*world, "mail.example.com", "carol");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].find("X-Maillab-Id: M2\r\n") != std::string::npos);
  CHECK(inbox[0].find("X-Maillab-Id", inbox[0].find("X-Maillab-Id") + 1) == std::string::npos);  // once
}

TEST_CASE("the ledger: every report about a message gets its own id", "[hosts_mail][ledger]") {
  engine::MailLedger ledger;
  CHECK(ledger.name_report("M1", "DELAY", "Q1") == "M1-DELAY");
  CHECK(ledger.name_report("M1", "DELAY", "Q2") == "M1-DELAY-Q2");  // the copy queued for another domain
  CHECK(ledger.name_report("M1", "DSN", "Q2") == "M1-DSN");
  CHECK(ledger.name_report("M2", "DSN", "Q1") == "M2-DSN");
  CHECK(ledger.name_report("M1", "DELAY", "Q2") != "M1-DELAY-Q2");  // never twice, even then
  CHECK(ledger.counts().accepted == 0);  // reports are not counted
}
