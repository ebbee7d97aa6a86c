#include <catch2/catch.hpp>

#include "protocols/mail/date.h"
#include "protocols/mail/enhanced_status.h"

using namespace maillab::mail;

TEST_CASE("RFC 5322 dates from an injected time", "[mail][status_and_date]") {
  CHECK(format_date(0) == "Thu, 1 Jan 1970 00:00:00 +0000");
  CHECK(format_date(1795547169) == "Tue, 24 Nov 2026 19:06:09 +0000");
  CHECK(format_date(951782400) == "Tue, 29 Feb 2000 00:00:00 +0000");
  CHECK(format_date(1795547169, 120) == "Tue, 24 Nov 2026 21:06:09 +0200");
  CHECK(format_date(1795547169, -300) == "Tue, 24 Nov 2026 14:06:09 -0500");
}

TEST_CASE("Message-IDs are deterministic from host, counter and time", "[mail][status_and_date]") {
  CHECK(make_message_id("mx.example.org", 42) == "<42@mx.example.org>");
  CHECK(make_message_id("mx.example.org", 42, 1795547169) == "<20261124190609.42@mx.example.org>");
  CHECK(make_message_id("mx.example.org", 43, 1795547169) != make_message_id("mx.example.org", 42, 1795547169));
}

TEST_CASE("RFC 3463 enhanced status codes and their texts", "[mail][status_and_date]") {
  auto status = parse_enhanced_status("5.1.1");
  REQUIRE(status.has_value());
  CHECK(status->class_code == 5);
  CHECK(status->to_string() == "5.1.1");
  CHECK(describe_enhanced_status("5.1.1") == "Bad destination mailbox address");
  CHECK(describe_enhanced_status("5.1.2") == "Bad destination system address");
  CHECK(describe_enhanced_status("4.4.1") == "No answer from host");
  CHECK(describe_enhanced_status("5.4.4") == "Unable to route");
  CHECK(describe_enhanced_status("4.4.7") == "Delivery time expired");
  CHECK(describe_enhanced_status("5.4.7") == "Delivery time expired");
  CHECK(describe_enhanced_status("5.7.1") == "Delivery not authorized, message refused");
  CHECK(describe_enhanced_status("5.2.2") == "Mailbox full");
  CHECK(describe_enhanced_status("5.3.4") == "Message too big for system");
  CHECK(describe_enhanced_status("5.7.8") == "Authentication credentials invalid");
  CHECK(describe_enhanced_status("5.1.99") == "Other address status");  // unknown detail: the subject
  CHECK(describe_status_class(4) == "Persistent transient failure");
  CHECK(explain_enhanced_status(*status).find("does not exist") != std::string_view::npos);
  CHECK_FALSE(parse_enhanced_status("3.1.1").has_value());
  CHECK_FALSE(parse_enhanced_status("5.1").has_value());
  CHECK_FALSE(parse_enhanced_status("5.1.1000").has_value());
  CHECK_FALSE(parse_enhanced_status("x.y.z").has_value());
  CHECK(describe_enhanced_status("junk").empty());
}
