// Delay warnings (QueuePolicy::delay_warning_time, scenario key `delay_warning`): one RFC 3464
// "delayed" DSN per queue entry to the sender while the queue keeps trying.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

#include "engine/hosts/mail/mta_policy.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"
#include "protocols/mail/date.h"
#include "protocols/mail/delivery_status.h"
#include "protocols/mail/message.h"

using namespace maillab;
using engine::seconds;
using engine::TraceKind;

namespace {

// mail.example.com sends everything for example.org to mx.example.org (a smarthost: no DNS).
// A connect to a crashed host gives up after 15 s, so with these rules the attempts fail at
// about 16 s, 41 s and 76 s (next waits 10 s, 20 s, 40 s): the third is the first past 60 s.
std::string two_servers(const std::string& queue, const std::string& events, const std::string& mx_mta = "{}") {
  return testing::smarthost_world("{smarthost: mx.example.org, queue: " + queue + "}", mx_mta, events, "300s");
}

const std::string warn_after_60s =
    "{minimal_backoff: 10s, maximal_backoff: 40s, maximal_queue_lifetime: 600s, delay_warning: 60s}";

const std::string mx_down_until_200s =
    "  - {at: 0s, crash: mx.example.org}\n"
    "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, subject: Hi, via: mail.example.com, "
    "from_host: alice-laptop}}\n"
    "  - {at: 200s, restart: mx.example.org}\n";

// The DSNs (of any action) in a mailbox, parsed.
std::vector<mail::DeliveryReport> reports_in(scenarios::World& world, const std::string& host, const std::string& user) {
  std::vector<mail::DeliveryReport> reports;
  for (const auto& bytes : testing::mailbox(world, host, user))
    if (auto report = mail::parse_delivery_status_notification(bytes); report.ok()) reports.push_back(report.value());
  return reports;
}

// The text part with its line wrapping undone, to look for phrases.
std::string unwrapped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n' || c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string subject_of(const std::string& bytes) {
  auto message = mail::parse_message(bytes);
  return message.ok() ? message.value().headers.get("Subject").value_or("") : "";
}

}  // namespace

TEST_CASE("one delay warning, at the first deferral past delay_warning_time, then delivery", "[hosts_mail][delay]") {
  auto world = testing::load_text(two_servers(warn_after_60s, mx_down_until_200s));
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  CHECK(outcome.audit_problems.empty());

  auto warnings = testing::records(*world, TraceKind::mail, "mail.example.com", "delay warning for Q1");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]->message == "M1");  // on the original's journey
  CHECK(warnings[0]->summary.find("sent to <alice@example.com> as M1-DELAY") != std::string::npos);
  // Not before 60 s of queueing; at the deferral that crossed it (the third failure, ~76 s).
  auto queued = testing::records(*world, TraceKind::mail, "mail.example.com", "queued Q1");
  REQUIRE(queued.size() == 1);
  const engine::Time arrived = queued[0]->time;
  CHECK(warnings[0]->time - arrived >= seconds(60));
  auto deferrals = testing::records(*world, TraceKind::mail, "mail.example.com", "deferred: queue entry Q1");
  REQUIRE(deferrals.size() >= 4);
  CHECK(deferrals[1]->time - arrived < seconds(60));
  CHECK(warnings[0]->time == deferrals[2]->time);
  CHECK(testing::service<engine::MtaService>(*world, "mail.example.com").delay_warning_count() == 1);

  // In alice's INBOX: one "delayed" report, no bounce.
  auto reports = reports_in(*world, "mail.example.com", "alice");
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].recipients.size() == 1);
  const auto& bob = reports[0].recipients[0];
  CHECK(bob.final_recipient == "bob@example.org");
  CHECK(bob.action == mail::DeliveryAction::delayed);
  CHECK(bob.status == "4.4.1");  // connect failed: no answer from host
  CHECK(bob.diagnostic_code.empty());  // no server replied
  CHECK(bob.remote_mta.empty());
  REQUIRE(bob.will_retry_until);
  CHECK(*bob.will_retry_until == world->simulator.wall_clock_seconds(arrived + seconds(600)));
  REQUIRE(bob.last_attempt_date);
  CHECK(*bob.last_attempt_date == world->simulator.wall_clock_seconds(warnings[0]->time));
  const std::string text = unwrapped(reports[0].human_readable);
  INFO(text);
  CHECK(text.find("This is only a warning") != std::string::npos);
  CHECK(text.find("it is still in the queue") != std::string::npos);
  CHECK(text.find("Do not send it again") != std::string::npos);
  CHECK(text.find("will keep trying until " + mail::format_date(*bob.will_retry_until)) != std::string::npos);
  CHECK(reports[0].original_headers.find("Subject: Hi") != std::string::npos);
  auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  CHECK(subject_of(inbox[0]) == "Delayed Mail (still being retried)");
  CHECK(inbox[0].find("X-Maillab-Id: M1-DELAY") != std::string::npos);
  CHECK(inbox[0].find("Return-Path: <>") != std::string::npos);

  // ... and the message itself arrives later; the warning is not counted anywhere in the ledger.
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);
  CHECK(world->ledger.counts().delivered == 1);
  CHECK(world->ledger.counts().bounced == 0);
  CHECK(world->ledger.counts().accepted == 1);
}

namespace {

// Greylisting at the end of DATA (a real source of 4xx): dave's mail is refused with 451 4.7.1
// until `until`; everything else passes.
class GreylistDave : public engine::MtaPolicy {
 public:
  explicit GreylistDave(engine::Time until) : until_(until) {}
  std::string_view name() const override { return "greylist"; }
  void check_message(engine::Host& host, const engine::MessageCheck& check,
                     std::function<void(engine::PolicyVerdict)> done) override {
    engine::PolicyVerdict verdict;
    for (const auto& recipient : check.envelope.recipients)
      if (recipient == "dave@example.org" && host.simulator().now() < until_)
        verdict.reply = smtp::make_reply(451, "4.7.1", "Greylisted, please try again later");
    done(verdict);
  }

 private:
  engine::Time until_;
};

}  // namespace

TEST_CASE("the warning lists only the still pending recipients, with the server's 4xx reply", "[hosts_mail][delay]") {
  // mx takes one recipient per transaction (452 4.5.3 for the next): bob is delivered at the
  // first attempt, dave is greylisted until 200 s.
  auto world = testing::load_text(two_servers(
      warn_after_60s,
      "  - {at: 1s, send: {from: alice@example.com, to: [bob@example.org, dave@example.org], subject: Hi, "
      "via: mail.example.com, from_host: alice-laptop}}\n",
      "{max_recipients: 1}"));
  testing::service<engine::MtaService>(*world, "mx.example.org").add_policy(std::make_shared<GreylistDave>(seconds(200)));
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "delay warning").size() == 1);
  auto reports = reports_in(*world, "mail.example.com", "alice");
  REQUIRE(reports.size() == 1);
  REQUIRE(reports[0].recipients.size() == 1);  // not bob: he has it already
  const auto& dave = reports[0].recipients[0];
  CHECK(dave.final_recipient == "dave@example.org");
  CHECK(dave.action == mail::DeliveryAction::delayed);
  CHECK(dave.status == "4.7.1");
  CHECK(dave.diagnostic_code == "451 4.7.1 Greylisted, please try again later");
  CHECK(dave.remote_mta == "mx.example.org");
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);
  CHECK(testing::mailbox(*world, "mx.example.org", "dave").size() == 1);  // after the greylisting
  CHECK(world->ledger.counts().delivered == 2);
}

TEST_CASE("no delay warning when delay_warning_time is 0 (the default)", "[hosts_mail][delay]") {
  for (const std::string queue : {"{minimal_backoff: 10s, maximal_backoff: 40s, maximal_queue_lifetime: 600s}",
                                  "{minimal_backoff: 10s, maximal_backoff: 40s, delay_warning: 0s}"}) {
    auto world = testing::load_text(two_servers(queue, mx_down_until_200s));
    auto outcome = testing::run(*world);
    CHECK(outcome.passed());
    CHECK(testing::records(*world, TraceKind::mail, "mail.example.com", "deferred: queue entry Q1").size() >= 4);
    CHECK(testing::records(*world, TraceKind::mail, "", "delay warning").empty());
    CHECK(testing::mailbox(*world, "mail.example.com", "alice").empty());
    CHECK(testing::service<engine::MtaService>(*world, "mail.example.com").delay_warning_count() == 0);
    CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);
  }
}

TEST_CASE("no delay warning for a message with the null sender (a bounce)", "[hosts_mail][delay]") {
  auto world = testing::load_text(two_servers(warn_after_60s, "  - {at: 0s, crash: mx.example.org}\n"
                                                         "  - {at: 200s, restart: mx.example.org}\n"));
  auto& mta = testing::service<engine::MtaService>(*world, "mail.example.com");
  world->simulator.schedule_at(seconds(1), [&mta] {
    mta.inject("", {"bob@example.org"}, "From: MAILER-DAEMON@mail.example.com\r\nSubject: a bounce\r\n\r\nreport\r\n");
  });
  auto outcome = testing::run(*world);
  CHECK(outcome.audit_problems.empty());
  auto deferrals = testing::records(*world, TraceKind::mail, "mail.example.com", "deferred: queue entry Q1");
  REQUIRE(deferrals.size() >= 4);
  CHECK(deferrals.back()->time > seconds(61));  // it was deferred past the warning time ...
  CHECK(testing::records(*world, TraceKind::mail, "", "delay warning").empty());  // ... without a warning
  CHECK(mta.delay_warning_count() == 0);
  CHECK(testing::mailbox(*world, "mx.example.org", "bob").size() == 1);
}

TEST_CASE("no delay warning when the message is delivered before the threshold", "[hosts_mail][delay]") {
  auto world = testing::load_text(two_servers(warn_after_60s, "  - {at: 0s, crash: mx.example.org}\n"
                                                         "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, "
                                                         "subject: Hi, via: mail.example.com, from_host: alice-laptop}}\n"
                                                         "  - {at: 30s, restart: mx.example.org}\n"));
  auto outcome = testing::run(*world);
  CHECK(outcome.passed());
  CHECK_FALSE(testing::records(*world, TraceKind::mail, "mail.example.com", "deferred: queue entry Q1").empty());
  auto delivered = testing::records(*world, TraceKind::mail, "mx.example.org", "delivered to mailbox bob@example.org");
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0]->time < seconds(60));
  CHECK(testing::records(*world, TraceKind::mail, "", "delay warning").empty());
  CHECK(testing::mailbox(*world, "mail.example.com", "alice").empty());
}

TEST_CASE("the shipped scenario: a warning while queued, then delivery", "[hosts_mail][delay][scenario]") {
  auto world = testing::load_file("smtp-delay-warning");
  auto outcome = testing::run(*world);
  INFO(scenarios::format_outcome(outcome));
  CHECK(outcome.passed());
  auto warning = testing::records(*world, TraceKind::mail, "mail.example.com", "delay warning for Q1");
  auto delivered = testing::records(*world, TraceKind::mail, "mx.example.org", "delivered to mailbox bob@example.org");
  REQUIRE(warning.size() == 1);
  REQUIRE(delivered.size() == 1);
  CHECK(warning[0]->time < delivered[0]->time);
  auto reports = reports_in(*world, "mail.example.com", "alice");
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].recipients.at(0).action == mail::DeliveryAction::delayed);
}

TEST_CASE("Python's email package reads the MTA's delay warning as a delivery status report (interop)",
          "[hosts_mail][delay][interop]") {
  if (std::system("python3 -c 'import email' >/dev/null 2>&1") != 0) {
    WARN("python3 not available: interop check skipped");
    return;
  }
  auto world = testing::load_text(two_servers(warn_after_60s, mx_down_until_200s));
  testing::run(*world);
  auto inbox = testing::mailbox(*world, "mail.example.com", "alice");
  REQUIRE(inbox.size() == 1);
  const std::string path = "/tmp/maillab_delay_warning_" + std::to_string(::getpid()) + ".eml";
  {
    std::ofstream file(path, std::ios::binary);
    file << inbox[0];
  }
  const std::string script =
      "import email,sys\n"
      "m=email.message_from_binary_file(open(sys.argv[1],'rb'))\n"
      "assert m.get_content_type()=='multipart/report', m.get_content_type()\n"
      "assert m.get_param('report-type')=='delivery-status'\n"
      "parts=m.get_payload()\n"
      "assert [p.get_content_type() for p in parts]==['text/plain','message/delivery-status','text/rfc822-headers']\n"
      "blocks=parts[1].get_payload()\n"
      "r=blocks[1]\n"
      "assert r['Final-Recipient']=='rfc822; bob@example.org', r['Final-Recipient']\n"
      "assert r['Action']=='delayed' and r['Status'].startswith('4.'), (r['Action'], r['Status'])\n"
      "assert r['Will-Retry-Until'] and r['Last-Attempt-Date']\n"
      "assert 'only a warning' in parts[0].get_payload()\n"
      "assert not m.defects, m.defects\n";
  const std::string script_path = path + ".py";
  {
    std::ofstream file(script_path);
    file << script;
  }
  const int status = std::system(("python3 " + script_path + " " + path).c_str());
  std::remove(path.c_str());
  std::remove(script_path.c_str());
  CHECK(status == 0);
}
