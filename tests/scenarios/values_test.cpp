#include <catch2/catch.hpp>

#include "scenarios/diagnostics.h"
#include "scenarios/values.h"

using namespace maillab::scenarios;

TEST_CASE("durations accept every documented form exactly", "[scenarios][values]") {
  CHECK(parse_duration("250ms").value() == 250'000);
  CHECK(parse_duration("1.5s").value() == 1'500'000);
  CHECK(parse_duration("2m").value() == 120'000'000);
  CHECK(parse_duration("1h").value() == 3'600'000'000LL);
  CHECK(parse_duration("5d").value() == 5LL * 86'400'000'000LL);
  CHECK(parse_duration("30us").value() == 30);
  CHECK(parse_duration("90").value() == 90'000'000);
  CHECK(parse_duration("0.000001").value() == 1);
  CHECK(parse_duration("0").value() == 0);
}

TEST_CASE("bad durations say why", "[scenarios][values]") {
  CHECK_FALSE(parse_duration("5sec").ok());
  CHECK(parse_duration("5sec").error() == "unknown unit 'sec' in '5sec'");
  CHECK(parse_duration("-5s").error().find("negative") != std::string::npos);
  CHECK_FALSE(parse_duration("").ok());
  CHECK_FALSE(parse_duration("s").ok());
  CHECK_FALSE(parse_duration("1.2.3s").ok());
  CHECK_FALSE(parse_duration("1.5us").ok());  // finer than a microsecond
  CHECK_FALSE(parse_duration("99999999999999999999d").ok());
}

TEST_CASE("bandwidths", "[scenarios][values]") {
  CHECK(parse_bandwidth("10Mbps").value() == 10'000'000);
  CHECK(parse_bandwidth("1.5Gbps").value() == 1'500'000'000);
  CHECK(parse_bandwidth("56kbps").value() == 56'000);
  CHECK(parse_bandwidth("unlimited").value() == 0);
  CHECK_FALSE(parse_bandwidth("10MB").ok());
}

TEST_CASE("durations format back in their shortest exact form", "[scenarios][values]") {
  CHECK(format_duration(1'500'000) == "1.5s");
  CHECK(format_duration(250'000) == "250ms");
  CHECK(format_duration(120'000'000) == "2m");
  CHECK(format_duration(30) == "30us");
  CHECK(format_duration(0) == "0s");
}

TEST_CASE("did you mean picks a close candidate and nothing far", "[scenarios][values]") {
  CHECK(edit_distance("adress", "address") == 1);
  CHECK(closest_match("adress", {"name", "address", "role"}) == "address");
  CHECK(closest_match("latncy", {"latency", "loss"}) == "latency");
  CHECK(closest_match("zzz", {"name", "address"}).empty());
}
