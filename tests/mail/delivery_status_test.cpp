#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <unistd.h>

#include "protocols/mail/date.h"
#include "protocols/mail/delivery_status.h"
#include "protocols/mail/mime.h"

using namespace maillab::mail;

namespace {

const char* original_message =
    "Received: from client.example.org by mx.example.org; Tue, 24 Nov 2026 19:00:00 +0000\r\n"
    "From: Alice <alice@example.org>\r\n"
    "To: bob@example.net, carol@example.net\r\n"
    "Subject: Lunch on Friday?\r\n"
    "Message-ID: <1@example.org>\r\n"
    "\r\n"
    "Secret body text that must not be in the bounce.\r\n";

DeliveryStatusRequest make_request() {
  DeliveryStatusRequest request;
  request.reporting_mta = "mx.example.org";
  request.original_sender = "alice@example.org";
  request.arrival_date = 1795546800;
  request.date = 1795547169;
  request.message_id = make_message_id("mx.example.org", 7, request.date);
  request.original_message = original_message;
  RecipientReport bob;
  bob.final_recipient = "bob@example.net";
  bob.action = DeliveryAction::failed;
  bob.status = "5.1.1";
  bob.remote_mta = "mx.example.net";
  bob.diagnostic_code = "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown";
  RecipientReport carol;
  carol.final_recipient = "carol@example.net";
  carol.action = DeliveryAction::delayed;
  carol.status = "4.4.1";
  carol.will_retry_until = request.date + 5 * 86400;
  request.recipients = {bob, carol};
  return request;
}

}  // namespace

TEST_CASE("a bounce is a multipart/report from MAILER-DAEMON to the envelope sender with a null sender", "[mail][delivery_status]") {
  Bounce bounce = build_delivery_status_notification(make_request());
  CHECK(bounce.envelope_sender.empty());
  CHECK(bounce.envelope_recipient == "alice@example.org");
  const Message& message = bounce.message;
  CHECK(message.headers.get("From")->starts_with("MAILER-DAEMON@mx.example.org"));
  CHECK(message.headers.get("To") == "alice@example.org");
  CHECK(message.subject() == "Undelivered Mail Returned to Sender");
  CHECK(message.headers.get("Auto-Submitted") == "auto-replied");
  ContentType type = parse_content_type(*message.headers.get("Content-Type"));
  CHECK(type.media_type() == "multipart/report");
  CHECK(type.parameter("report-type") == "delivery-status");
  std::string bytes = bounce.bytes();
  CHECK(bytes.find("Reporting-MTA: dns; mx.example.org\r\n") != std::string::npos);
  CHECK(bytes.find("Arrival-Date: Tue, 24 Nov 2026 19:00:00 +0000\r\n") != std::string::npos);
  CHECK(bytes.find("Final-Recipient: rfc822; bob@example.net\r\n") != std::string::npos);
  CHECK(bytes.find("Action: failed\r\n") != std::string::npos);
  CHECK(bytes.find("Status: 5.1.1\r\n") != std::string::npos);
  CHECK(bytes.find("Remote-MTA: dns; mx.example.net\r\n") != std::string::npos);
  CHECK(bytes.find("Diagnostic-Code: smtp; 550 5.1.1 <bob@example.net>:") != std::string::npos);
  CHECK(bytes.find("Action: delayed\r\n") != std::string::npos);
  CHECK(bytes.find("Subject: Lunch on Friday?\r\n") != std::string::npos);  // original headers
  CHECK(bytes.find("Secret body text") == std::string::npos);               // but not the body
  CHECK(bytes.find("In plain words") != std::string::npos);                  // the teaching part
  CHECK(bytes.find("does not exist") != std::string::npos);
}

TEST_CASE("a bounce parses back: status and action per recipient", "[mail][delivery_status]") {
  Bounce bounce = build_delivery_status_notification(make_request());
  auto report = parse_delivery_status_notification(bounce.bytes());
  REQUIRE(report.ok());
  CHECK(report->reporting_mta == "mx.example.org");
  CHECK(report->arrival_date == "Tue, 24 Nov 2026 19:00:00 +0000");
  REQUIRE(report->recipients.size() == 2);
  CHECK(report->recipients[0].final_recipient == "bob@example.net");
  CHECK(report->recipients[0].action == DeliveryAction::failed);
  CHECK(report->recipients[0].status == "5.1.1");
  CHECK(report->recipients[0].remote_mta == "mx.example.net");
  CHECK(report->recipients[0].diagnostic_code ==
        "550 5.1.1 <bob@example.net>: Recipient address rejected: User unknown");
  CHECK(report->recipients[1].action == DeliveryAction::delayed);
  CHECK(report->recipients[1].status == "4.4.1");
  CHECK(report->original_headers.find("Message-ID: <1@example.org>") != std::string::npos);
  CHECK(report->human_readable.find("mx.example.org") != std::string::npos);
}

TEST_CASE("reading a DSN: errors for messages that are not one", "[mail][delivery_status]") {
  CHECK_FALSE(parse_delivery_status_notification("Subject: hi\r\n\r\nhello\r\n").ok());
  CHECK_FALSE(parse_delivery_status_notification(
                  "Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\n\r\ntext\r\n")
                  .ok());  // no closing boundary
  CHECK_FALSE(parse_delivery_status_notification(
                  "Content-Type: multipart/report; boundary=x\r\n\r\n--x\r\n\r\ntext\r\n--x--\r\n")
                  .ok());  // no delivery-status part
}

TEST_CASE("Python's email package reads our DSN (interop)", "[mail][delivery_status]") {
  if (std::system("python3 -c 'import email' >/dev/null 2>&1") != 0) {
    WARN("python3 not available: interop check skipped");
    return;
  }
  Bounce bounce = build_delivery_status_notification(make_request());
  std::string path = "/tmp/maillab_dsn_interop_" + std::to_string(::getpid()) + ".eml";
  {
    std::ofstream file(path, std::ios::binary);
    file << bounce.bytes();
  }
  std::string script =
      "import email,sys\n"
      "m=email.message_from_binary_file(open(sys.argv[1],'rb'))\n"
      "assert m.get_content_type()=='multipart/report', m.get_content_type()\n"
      "assert m.get_param('report-type')=='delivery-status'\n"
      "parts=m.get_payload()\n"
      "assert [p.get_content_type() for p in parts]==['text/plain','message/delivery-status','text/rfc822-headers'], "
      "[p.get_content_type() for p in parts]\n"
      "blocks=parts[1].get_payload()\n"
      "assert blocks[0]['Reporting-MTA']=='dns; mx.example.org', blocks[0]['Reporting-MTA']\n"
      "assert blocks[1]['Final-Recipient']=='rfc822; bob@example.net'\n"
      "assert blocks[1]['Action']=='failed' and blocks[1]['Status']=='5.1.1'\n"
      "assert blocks[1]['Diagnostic-Code'].startswith('smtp; 550 5.1.1')\n"
      "assert blocks[2]['Action']=='delayed' and blocks[2]['Status']=='4.4.1'\n"
      "assert 'Lunch on Friday?' in parts[2].get_payload()\n"
      "assert not m.defects, m.defects\n";
  std::string script_path = path + ".py";
  {
    std::ofstream file(script_path);
    file << script;
  }
  int status = std::system(("python3 " + script_path + " " + path).c_str());
  std::remove(path.c_str());
  std::remove(script_path.c_str());
  CHECK(status == 0);
}

TEST_CASE("reading a DSN back: Last-Attempt-Date and Will-Retry-Until as epoch seconds", "[mail][delivery_status]") {
  DeliveryStatusRequest request = make_request();
  request.recipients[0].last_attempt_date = request.date;
  // Across a leap day and a year end, to exercise the calendar arithmetic.
  request.recipients[1].will_retry_until = 1830297599;  // Fri, 31 Dec 2027 23:59:59 +0000
  auto report = parse_delivery_status_notification(build_delivery_status_notification(request).bytes());
  REQUIRE(report.ok());
  REQUIRE(report->recipients.size() == 2);
  CHECK(report->recipients[0].last_attempt_date == request.date);
  CHECK_FALSE(report->recipients[0].will_retry_until);
  CHECK(report->recipients[1].will_retry_until == 1830297599);
  for (std::int64_t when : {0LL, 951782400LL, 1709164800LL, 4107542399LL}) {  // 1970, 29 Feb 2000, 29 Feb 2024, 28 Feb 2100 (no leap day)
    request.recipients[1].will_retry_until = when;
    auto again = parse_delivery_status_notification(build_delivery_status_notification(request).bytes());
    REQUIRE(again.ok());
    CHECK(again->recipients[1].will_retry_until == when);
  }
  // Another writer's zone and a date we cannot read.
  const std::string foreign =
      "Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n"
      "Final-Recipient: rfc822; a@x\r\nAction: delayed\r\nStatus: 4.4.1\r\n"
      "Will-Retry-Until: 1 Jan 2026 01:30 +0130\r\nLast-Attempt-Date: yesterday\r\n--b--\r\n";
  auto parsed = parse_delivery_status_notification(foreign);
  REQUIRE(parsed.ok());
  CHECK(parsed->recipients[0].will_retry_until == 1767225600);  // 2026-01-01 00:00:00 UTC
  CHECK_FALSE(parsed->recipients[0].last_attempt_date);
}
