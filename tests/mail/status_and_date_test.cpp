#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>

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

// format_date writes its fields by hand; snprintf with the RFC 5322 pattern is the reference.
TEST_CASE("dates formatted by hand match the printf pattern over many times and zones", "[mail][status_and_date]") {
  static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::uint64_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto epoch = static_cast<std::int64_t>((state >> 20) % 253402300799ULL);  // up to 9999-12-31
    const int offset = static_cast<int>((state >> 8) % 1681) - 840;                 // -14:00 .. +14:00
    const CivilTime time = to_civil_time(epoch + offset * 60);
    if (time.year > 9999) continue;
    const int zone = offset < 0 ? -offset : offset;
    char expected[64];
    std::snprintf(expected, sizeof expected, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d", days[time.weekday], time.day,
                  months[time.month - 1], time.year, time.hour, time.minute, time.second, offset < 0 ? '-' : '+',
                  zone / 60, zone % 60);
    INFO(epoch << " " << offset);
    REQUIRE(format_date(epoch, offset) == expected);
    char id[64];
    std::snprintf(id, sizeof id, "<%04d%02d%02d%02d%02d%02d.7@h>", to_civil_time(epoch).year, to_civil_time(epoch).month,
                  to_civil_time(epoch).day, to_civil_time(epoch).hour, to_civil_time(epoch).minute,
                  to_civil_time(epoch).second);
    REQUIRE(make_message_id("h", 7, epoch) == id);
  }
  CHECK(format_date(-62167219200) == "Sat, 1 Jan 0000 00:00:00 +0000");  // year 0, the lowest hand-written
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
