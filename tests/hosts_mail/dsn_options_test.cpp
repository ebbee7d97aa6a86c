// RFC 3461 DSN options end to end: NOTIFY=SUCCESS gives "delivered" (here) and "relayed" (to a
// server without DSN) reports, NOTIFY=NEVER no bounce, RET=FULL/HDRS how much comes back, and
// ENVID/ORCPT in the report's fields.
#include <catch2/catch.hpp>


#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"
#include "protocols/mail/delivery_status.h"

using namespace maillab;
using engine::TraceKind;

namespace {

const std::string* find_with(const std::vector<std::string>& messages, const std::string& text) {
  for (const auto& message : messages)
    if (message.find(text) != std::string::npos) return &message;
  return nullptr;
}

}  // namespace

TEST_CASE("smtp-dsn: success reports, NOTIFY=NEVER, RET=FULL and RET=HDRS, ENVID and ORCPT", "[hosts_mail][dsn][scenarios]") {
  auto world = testing::load_file("smtp-dsn");
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  const auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 4);

  const std::string* delivered = find_with(inbox, "Original-Envelope-Id: lunch-1");
  REQUIRE(delivered);
  auto report = mail::parse_delivery_status_notification(*delivered);
  REQUIRE(report.ok());
  REQUIRE(report.value().recipients.size() == 1);
  CHECK(report.value().recipients[0].action == mail::DeliveryAction::delivered);
  CHECK(report.value().recipients[0].status == "2.0.0");
  CHECK(delivered->find("Original-Recipient: rfc822; carol@example.com\r\n") != std::string::npos);
  CHECK(delivered->find("12:30?") == std::string::npos);  // a success report returns headers only (§4.3)

  const std::string* relayed = find_with(inbox, "Original-Envelope-Id: order-1234");
  REQUIRE(relayed);
  auto relayed_report = mail::parse_delivery_status_notification(*relayed);
  REQUIRE(relayed_report.ok());
  CHECK(relayed_report.value().recipients[0].action == mail::DeliveryAction::relayed);
  CHECK(relayed->find("Remote-MTA: dns; mx.example.org") != std::string::npos);

  const std::string* full = find_with(inbox, "Content-Type: message/rfc822");
  REQUIRE(full);
  CHECK(full->find("The whole text comes back.") != std::string::npos);
  CHECK(full->find("Subject: Return it all") != std::string::npos);

  const std::string* headers = find_with(inbox, "Original-Envelope-Id: x-5");
  REQUIRE(headers);
  CHECK(headers->find("Content-Type: text/rfc822-headers") != std::string::npos);
  CHECK(headers->find("Subject: Headers only") != std::string::npos);
  CHECK(headers->find("Only the headers come back.") == std::string::npos);

  CHECK(find_with(inbox, "Subject: Never mind") == nullptr);  // NOTIFY=NEVER: no bounce at all
  // mail.example.com relayed without the parameters: mx.example.org does not offer DSN.
  CHECK(testing::records(*world, TraceKind::protocol, "mail.example.com", "NOTIFY=").empty());
}

TEST_CASE("dsn: parameters are relayed to a DSN server, which then reports the delivery itself",
          "[hosts_mail][dsn]") {
  auto world = testing::load_text(testing::smarthost_world(
      "{smarthost: mx.example.org}", "{smarthost: mail.example.com}",  // the report goes back the same way
      "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, via: mail.example.com, "
      "from_host: alice-laptop, notify: [success], ret: hdrs, envid: \"a b\", orcpt: true}}\n"));
  testing::run(*world);
  // RFC 3461 §5.2.1: the next hop gets them as they came (ENVID as xtext).
  CHECK(testing::records(*world, TraceKind::protocol, "mail.example.com",
                          "MAIL FROM:<alice@example.com> SIZE=").size() == 1);
  CHECK(testing::records(*world, TraceKind::protocol, "mail.example.com", "RET=HDRS ENVID=a+20b").size() == 1);
  CHECK(testing::records(*world, TraceKind::protocol, "mail.example.com",
                          "RCPT TO:<bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;bob@example.org").size() == 1);
  // No "relayed" notice from mail.example.com; mx.example.org says "delivered".
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "DSN Action: relayed").empty());
  CHECK(testing::records(*world, TraceKind::mail, "mx.example.org", "DSN Action: delivered").size() == 1);
  const auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].find("Original-Envelope-Id: a b\r\n") != std::string::npos);
  CHECK(inbox[0].find("Reporting-MTA: dns; mx.example.org") != std::string::npos);
}

TEST_CASE("dsn: NOTIFY without DELAY suppresses the delay warning", "[hosts_mail][dsn]") {
  auto events = [](const std::string& notify) {
    return "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, via: mail.example.com, "
           "from_host: alice-laptop" + notify + "}}\n  - {at: 0s, crash: mx.example.org}\n";
  };
  const std::string mail_mta = "{smarthost: mx.example.org, queue: {minimal_backoff: 10s, delay_warning: 20s}}";
  auto warned = testing::load_text(testing::smarthost_world(mail_mta, "{}", events("")));
  testing::run(*warned);
  CHECK(testing::service<engine::MtaService>(*warned, "mail.example.com").delay_warning_count() == 1);
  auto quiet = testing::load_text(testing::smarthost_world(mail_mta, "{}", events(", notify: [failure]")));
  testing::run(*quiet);
  CHECK(testing::service<engine::MtaService>(*quiet, "mail.example.com").delay_warning_count() == 0);
}

TEST_CASE("dsn: NOTIFY=SUCCESS to an alias of several mailboxes reports Action: expanded (RFC 3461 §5.2.7.3)",
          "[hosts_mail][dsn]") {
  std::string text = testing::shipped_text("smtp-aliases");
  text = text.substr(0, text.find("\nevents:")) +
         "\nevents:\n"
         "  - {at: 1s, send: {from: alice@example.com, to: [sales@example.org, bob@example.org], subject: Two, "
         "via: mail.example.com, from_host: alice-laptop, notify: [success]}}\n";
  auto world = testing::load_text(text);
  testing::run(*world);
  CHECK(testing::records(*world, TraceKind::mail, "mx.example.org", "sales@example.org delivered to several").size() == 1);
  CHECK(testing::records(*world, TraceKind::mail, "mx.example.org", "bob@example.org delivered (DSN Action: delivered").size() == 1);
  // The reports wait in mx.example.org's queue (this world has no DNS for example.com).
  std::vector<std::string> reports;
  for (const auto& [sequence, entry] : testing::service<engine::MtaService>(*world, "mx.example.org").queue().entries())
    if (entry.is_bounce()) reports.push_back(entry.message);
  REQUIRE(reports.size() == 2);
  std::string actions;
  for (const auto& message : reports) {
    auto report = mail::parse_delivery_status_notification(message);
    REQUIRE(report.ok());
    for (const auto& recipient : report.value().recipients)
      actions += recipient.final_recipient + "=" + std::string(mail::to_string(recipient.action)) + " ";
  }
  CHECK(actions.find("sales@example.org=expanded") != std::string::npos);
  CHECK(actions.find("bob@example.org=delivered") != std::string::npos);
}

namespace {

// mail.example.com and mx.example.org, each the other's smarthost; at mx.example.org dave's mail
// is forwarded to carol@example.com and the alias team reaches bob and carol@example.com.
std::string forwarding_world(const std::string& send) {
  std::string text = testing::smarthost_world("{smarthost: mx.example.org}", "{smarthost: mail.example.com}",
                                               "  - {at: 1s, send: {from: alice@example.com, via: mail.example.com, "
                                               "from_host: alice-laptop, " + send + "}}\n");
  const std::string users = "{name: dave, password: pw}]}";
  text.replace(text.find(users), users.size(),
               "{name: dave, password: pw}], forwards: {dave: {to: [carol@example.com]}}, "
               "aliases: {team: [bob, carol@example.com]}}");
  return text;
}

std::vector<mail::RecipientReport> reports_in(const std::vector<std::string>& inbox) {
  std::vector<mail::RecipientReport> out;
  for (const auto& message : inbox) {
    auto report = mail::parse_delivery_status_notification(message);
    REQUIRE(report.ok());
    for (const auto& recipient : report.value().recipients) out.push_back(recipient);
  }
  return out;
}

}  // namespace

TEST_CASE("dsn: a forward passes NOTIFY, ORCPT, RET and ENVID on, the final hop reports to the sender (RFC 3461 §5.2.7.2)",
          "[hosts_mail][dsn]") {
  auto world = testing::load_text(
      forwarding_world("to: dave@example.org, notify: [success], ret: hdrs, envid: e-1"));
  testing::run(*world);
  CHECK(testing::records(*world, TraceKind::mail, "mx.example.org", "dave@example.org is forwarded to carol@example.com")
            .size() == 1);
  // The copy leaves with the parameters the message came with, and the address it came for.
  CHECK(testing::records(*world, TraceKind::protocol, "mx.example.org", "RET=HDRS ENVID=e-1").size() == 1);
  CHECK(testing::records(*world, TraceKind::protocol, "mx.example.org",
                          "RCPT TO:<carol@example.com> NOTIFY=SUCCESS ORCPT=rfc822;dave@example.org")
            .size() == 1);
  // A one-to-one forward reports nothing itself; mail.example.com, which delivers, does.
  CHECK(testing::records(*world, TraceKind::mail, "mx.example.org", "DSN: success report").empty());
  const auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  const auto reports = reports_in(inbox);
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].action == mail::DeliveryAction::delivered);
  CHECK(inbox[0].find("Original-Recipient: rfc822; dave@example.org\r\n") != std::string::npos);
  CHECK(inbox[0].find("Original-Envelope-Id: e-1\r\n") != std::string::npos);
  CHECK(inbox[0].find("Reporting-MTA: dns; mail.example.com") != std::string::npos);
  CHECK(testing::mailbox(*world, "mail.example.com", "carol").size() == 1);
}

TEST_CASE("dsn: an alias to a mailbox and an address reports expanded, its forwarded copy keeps ORCPT, NOTIFY without SUCCESS",
          "[hosts_mail][dsn]") {
  auto world = testing::load_text(forwarding_world("to: team@example.org, notify: [success, failure], orcpt: true"));
  testing::run(*world);
  CHECK(testing::records(*world, TraceKind::mail, "mx.example.org", "team@example.org delivered to several").size() == 1);
  // RFC 3461 §5.2.7.3: SUCCESS was answered with "expanded"; the copy asks only for failures.
  CHECK(testing::records(*world, TraceKind::protocol, "mx.example.org",
                          "RCPT TO:<carol@example.com> NOTIFY=FAILURE ORCPT=rfc822;team@example.org")
            .size() == 1);
  const auto reports = reports_in(testing::mailbox(*world, "mail.example.com", "alice"));
  REQUIRE(reports.size() == 1);  // mail.example.com does not report carol's delivery
  CHECK(reports[0].action == mail::DeliveryAction::expanded);
  CHECK(reports[0].final_recipient.find("team@example.org") != std::string::npos);
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);
  CHECK(testing::mailbox(*world, "mail.example.com", "carol").size() == 1);
}
