// The shipped mail scenarios, run through the loader: each holds its own expectations, the
// conservation audit passes, and the trace shows the RFC behaviour at the right simulated times.
#include <catch2/catch.hpp>

#include "engine/core/trace_writers.h"
#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"
#include "protocols/mail/delivery_status.h"
#include "protocols/mail/message.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

namespace {

std::string header(const std::string& bytes, const std::string& name) {
  auto headers = mail::parse_headers(mail::header_section(bytes));
  REQUIRE(headers.ok());
  return headers.value().get(name).value_or("");
}

}  // namespace

TEST_CASE("every shipped mail scenario passes, with conservation", "[hosts_mail][scenarios]") {
  const char* names[] = {"mail-intro",        "smtp-mx-fallback",    "smtp-implicit-mx", "smtp-nxdomain-bounce", "smtp-null-mx", "smtp-greylisting", "smtp-mail-loop",
                         "smtp-unknown-user", "smtp-retry",          "smtp-lifetime-expiry",
                         "smtp-relay-denied", "smtp-auth-required",  "smtp-quota"};
  for (const char* name : names) {
    INFO(name);
    auto world = testing::load_file(name);
    CHECK_FALSE(world->audits.empty());  // the conservation audit is registered
    auto outcome = testing::run(*world);
    INFO(scenarios::format_outcome(outcome));
    CHECK(outcome.passed());
    CHECK(outcome.audit_problems.empty());
    const auto counts = world->ledger.counts();
    CHECK(counts.accepted == counts.delivered + counts.bounced + counts.queued);
  }
}

TEST_CASE("mail-intro: submission on 587, MX lookup, relay on 25, Received at every hop", "[hosts_mail][scenarios]") {
  auto world = testing::load_file("mail-intro");
  REQUIRE(testing::run(*world).passed());
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  const std::string& message = inbox[0];
  auto parsed = mail::parse_message(message);
  REQUIRE(parsed.ok());
  auto received = parsed.value().headers.get_all("Received");
  REQUIRE(received.size() == 2);
  CHECK(received[0].find("by mx.example.org with ESMTPS") != std::string::npos);       // top: the last hop
  CHECK(received[1].find("by mail.example.com with ESMTPSA") != std::string::npos);    // submission: TLS + AUTH
  CHECK(received[1].find("from alice-laptop") != std::string::npos);
  // Both hops really did TLS: Postfix's "(using TLSv1.3 with cipher ... bits))" after TCP-info.
  for (const auto& line : received) CHECK(line.find("(using TLSv1.3 with cipher TLS_") != std::string::npos);
  // RFC 6409 §8: the submission server added what the client left out.
  CHECK_FALSE(header(message, "Message-ID").empty());
  CHECK_FALSE(header(message, "Date").empty());
  CHECK(header(message, "Return-Path") == "<alice@example.com>");
  CHECK(header(message, "X-Maillab-Id") == "M1");
  // Order: the MX lookup happens after acceptance and before the relay connection.
  auto accepted = testing::records(*world, TraceKind::mail, "mail.example.com", "accepted from alice-laptop");
  auto mx = testing::records(*world, TraceKind::mail, "mail.example.com", "MX for example.org");
  auto relayed = testing::records(*world, TraceKind::mail, "mail.example.com", "relayed to mx.example.org");
  auto delivered = testing::records(*world, TraceKind::mail, "mx.example.org", "delivered to mailbox");
  REQUIRE(accepted.size() == 1);
  REQUIRE(mx.size() == 1);
  REQUIRE(relayed.size() == 1);
  REQUIRE(delivered.size() == 1);
  CHECK(accepted[0]->sequence < mx[0]->sequence);
  CHECK(mx[0]->sequence < delivered[0]->sequence);
  CHECK(delivered[0]->message == "M1");
  // One protocol record per line, with the connection and both hosts named.
  auto auth = testing::records(*world, TraceKind::protocol, "alice-laptop", "AUTH PLAIN");
  REQUIRE(auth.size() == 1);
  CHECK(auth[0]->peer == "mail.example.com");
  CHECK(auth[0]->connection != 0);
  CHECK(testing::records(*world, TraceKind::protocol, "mail.example.com", "RCPT TO:<bob@example.org>").size() == 1);
}

TEST_CASE("smtp-retry: retries at minimal_backoff, then doubling (Postfix)", "[hosts_mail][scenarios][retry]") {
  auto world = testing::load_file("smtp-retry");
  REQUIRE(testing::run(*world).passed());
  auto deferred = testing::records(*world, TraceKind::mail, "mail.example.com", "deferred:");
  auto lookups = testing::records(*world, TraceKind::mail, "mail.example.com", "looking up the MX records");
  REQUIRE(deferred.size() == 3);
  REQUIRE(lookups.size() == 4);  // each attempt starts with a route lookup
  // Attempt n+1 starts exactly the back-off after attempt n failed: 300 s, 600 s, 1200 s.
  CHECK(lookups[1]->time - deferred[0]->time == seconds(300));
  CHECK(lookups[2]->time - deferred[1]->time == seconds(600));
  CHECK(lookups[3]->time - deferred[2]->time == seconds(1200));
  // Each failed attempt was a 15 s connect timeout (3 SYN retries: 1 + 2 + 4 + 8 s).
  auto failures = testing::records(*world, TraceKind::mail, "mail.example.com", "connection failed");
  REQUIRE(failures.size() == 3);
  CHECK(failures[0]->summary.find("timeout") != std::string::npos);
  auto delivered = testing::records(*world, TraceKind::mail, "mx.example.org", "delivered to mailbox");
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0]->time > lookups[3]->time);
  CHECK(delivered[0]->time < lookups[3]->time + seconds(1));
}

TEST_CASE("smtp-lifetime-expiry: 4.4.7 DSN with the original headers reaches the sender", "[hosts_mail][scenarios][bounce]") {
  auto world = testing::load_file("smtp-lifetime-expiry");
  REQUIRE(testing::run(*world).passed());
  auto deferred = testing::records(*world, TraceKind::mail, "mail.example.com", "deferred:");
  REQUIRE(deferred.size() == 4);
  CHECK(deferred[0]->summary.find("(in 60 s)") != std::string::npos);
  CHECK(deferred[1]->summary.find("(in 120 s)") != std::string::npos);
  CHECK(deferred[2]->summary.find("(in 240 s)") != std::string::npos);
  CHECK(deferred[3]->summary.find("(in 240 s)") != std::string::npos);  // capped at maximal_backoff
  auto expired = testing::records(*world, TraceKind::mail, "mail.example.com", "expired:");
  REQUIRE(expired.size() == 1);
  CHECK(expired[0]->time >= seconds(601));  // the first failure after the 600 s lifetime
  // The trace says what the report says: given up (a delay warning says "Action: delayed").
  auto bounce = testing::records(*world, TraceKind::mail, "mail.example.com", "DSN: bounce report (4.4.7)");
  REQUIRE(bounce.size() == 1);
  CHECK(bounce[0]->summary.find("DSN Action: failed") != std::string::npos);
  auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  auto report = mail::parse_delivery_status_notification(inbox[0]);
  REQUIRE(report.ok());
  REQUIRE(report.value().recipients.size() == 1);
  const auto& recipient = report.value().recipients[0];
  CHECK(recipient.status == "4.4.7");
  CHECK(recipient.action == mail::DeliveryAction::failed);
  CHECK(recipient.final_recipient == "bob@example.org");
  CHECK(recipient.diagnostic_code.find("timeout") != std::string::npos);
  CHECK(report.value().original_headers.find("Subject: Are you there?") != std::string::npos);
  CHECK(report.value().original_headers.find("Received: from alice-laptop") != std::string::npos);
  // The DSN went through the normal delivery path with the null sender.
  CHECK(header(inbox[0], "Return-Path") == "<>");
  const auto* entry = world->ledger.find("M1");
  REQUIRE(entry);
  CHECK(entry->copies[0].fate == engine::CopyFate::bounced);
  CHECK(entry->copies[0].where == "4.4.7");
}

TEST_CASE("smtp-mx-fallback: preference order, next MX on failure, backup MX forwards later", "[hosts_mail][scenarios][mx]") {
  auto world = testing::load_file("smtp-mx-fallback");
  REQUIRE(testing::run(*world).passed());
  auto connecting = testing::records(*world, TraceKind::mail, "mail.example.com", "connecting to");
  REQUIRE(connecting.size() == 2);
  CHECK(connecting[0]->summary.find("mx1.example.org") != std::string::npos);
  CHECK(connecting[1]->summary.find("mx2.example.org") != std::string::npos);
  // mx2 never tries itself or worse exchangers (RFC 5321 §5.1), only mx1.
  CHECK(testing::records(*world, TraceKind::mail, "mx2.example.org", "connecting to mx2").empty());
  auto forwarded = testing::records(*world, TraceKind::mail, "mx2.example.org", "relayed to mx1.example.org");
  REQUIRE(forwarded.size() == 1);
  CHECK(forwarded[0]->time > seconds(40));
  CHECK(forwarded[0]->message == "M1");  // the same ledger id across three MTAs
}

TEST_CASE("smtp-implicit-mx: no MX records, the A record is used", "[hosts_mail][scenarios][mx]") {
  auto world = testing::load_file("smtp-implicit-mx");
  REQUIRE(testing::run(*world).passed());
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "implicit MX").size() == 1);
  CHECK(testing::mailbox(*world, "example.org", "bob").size() == 1);
}

TEST_CASE("smtp-null-mx: RFC 7505 null MX bounces 5.1.10 at once, no implicit MX", "[hosts_mail][scenarios][bounce]") {
  auto world = testing::load_file("smtp-null-mx");
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  auto report = mail::parse_delivery_status_notification(inbox[0]);
  REQUIRE(report.ok());
  REQUIRE(report.value().recipients.size() == 1);
  CHECK(report.value().recipients[0].status == "5.1.10");
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "connecting to").empty());
}

TEST_CASE("smtp-nxdomain-bounce: NXDOMAIN bounces 5.1.2, no address 5.4.4, never deferred", "[hosts_mail][scenarios][bounce]") {
  auto world = testing::load_file("smtp-nxdomain-bounce");
  REQUIRE(testing::run(*world).passed());
  auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 2);
  std::vector<std::string> statuses;
  for (const auto& bytes : inbox) {
    auto report = mail::parse_delivery_status_notification(bytes);
    REQUIRE(report.ok());
    statuses.push_back(report.value().recipients.at(0).status);
  }
  CHECK(statuses == std::vector<std::string>{"5.1.2", "5.4.4"});
  CHECK(testing::records(*world, TraceKind::mail, "", "deferred").empty());
}

TEST_CASE("smtp-unknown-user: 550 5.1.1 at RCPT, a DSN, and a bounce that is never bounced", "[hosts_mail][scenarios][bounce]") {
  auto world = testing::load_file("smtp-unknown-user");
  REQUIRE(testing::run(*world).passed());
  auto refusals = testing::records(*world, TraceKind::protocol, "mx.example.org", "550 5.1.1");
  REQUIRE(refusals.size() == 2);
  auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  auto report = mail::parse_delivery_status_notification(inbox[0]);
  REQUIRE(report.ok());
  CHECK(report.value().recipients.at(0).status == "5.1.1");
  CHECK(report.value().recipients.at(0).remote_mta == "mx.example.org");
  CHECK(report.value().recipients.at(0).diagnostic_code.find("550 5.1.1") != std::string::npos);
  // The DSN to ghost@example.com failed locally (unknown user) and was dropped, not bounced.
  auto dropped = testing::records(*world, TraceKind::mail, "mail.example.com", "dropped:");
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0]->message == "M2-DSN");
  CHECK(testing::records(*world, TraceKind::mail, "", "DSN:").size() == 2);  // no third report
  CHECK(testing::service<engine::MtaService>(*world, "mail.example.com").queue().size() == 0);
}

TEST_CASE("smtp-relay-denied: 554 5.7.1 for strangers, counted as rejected", "[hosts_mail][scenarios][policy]") {
  auto world = testing::load_file("smtp-relay-denied");
  REQUIRE(testing::run(*world).passed());
  auto& mta = testing::service<engine::MtaService>(*world, "mail.example.com");
  REQUIRE(mta.rejections().size() == 1);
  CHECK(mta.rejections()[0].reply.code == 554);
  CHECK(mta.rejections()[0].reply.enhanced_status == "5.7.1");
  CHECK(mta.rejections()[0].client == "attacker");
  CHECK(world->ledger.counts().rejected == 1);
  // The queue accessor shows the authenticated user's relayed message waiting for DNS.
  auto contents = mta.queue_contents();
  REQUIRE(contents.size() == 1);
  CHECK(contents[0].destination == "elsewhere.net");
  CHECK(contents[0].attempts == 1);
  CHECK(contents[0].next_attempt > seconds(300));
}

TEST_CASE("smtp-auth-required: 530 5.7.0 without AUTH on 587", "[hosts_mail][scenarios][policy]") {
  auto world = testing::load_file("smtp-auth-required");
  REQUIRE(testing::run(*world).passed());
  auto refusals = testing::records(*world, TraceKind::protocol, "mail.example.com", "530 5.7.0");
  REQUIRE(refusals.size() == 1);
  CHECK(refusals[0]->peer == "alice-laptop");
  CHECK(testing::mailbox(*world, "mail.example.com", "carol").size() == 2);
}

TEST_CASE("smtp-quota: 552 5.2.2 at RCPT from the SIZE parameter, then a DSN", "[hosts_mail][scenarios][bounce]") {
  auto world = testing::load_file("smtp-quota");
  REQUIRE(testing::run(*world).passed());
  auto refusals = testing::records(*world, TraceKind::protocol, "mx.example.org", "552 5.2.2");
  REQUIRE(refusals.size() == 1);
  auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  auto report = mail::parse_delivery_status_notification(inbox[0]);
  REQUIRE(report.ok());
  CHECK(report.value().recipients.at(0).status == "5.2.2");
}

TEST_CASE("the same seed gives the same mail trace", "[hosts_mail][scenarios][determinism]") {
  auto first = testing::load_file("smtp-mx-fallback", 11);
  auto second = testing::load_file("smtp-mx-fallback", 11);
  testing::run(*first);
  testing::run(*second);
  CHECK(first->simulator.trace().count() == second->simulator.trace().count());
  CHECK(first->simulator.trace().fingerprint() == second->simulator.trace().fingerprint());
}

TEST_CASE("tls-certificate-expired: opportunistic TLS delivers, verify defers with 4.7.5", "[hosts_mail][scenarios][tls]") {
  auto world = testing::load_file("tls-certificate-expired");
  REQUIRE(testing::run(*world).passed());
  bool deferred_for_tls = false;
  for (const auto& record : world->simulator.trace().records())
    deferred_for_tls |= record.node == "mail.example.net" && record.summary.rfind("deferred:", 0) == 0 &&
                        record.summary.find("TLS refused: certificate for mx.example.org expired 3 days ago") !=
                            std::string::npos;
  CHECK(deferred_for_tls);
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);  // only the opportunistic sender's message
  CHECK(inbox[0].find("Subject: Opportunistic") != std::string::npos);
}
