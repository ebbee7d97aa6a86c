// app/arguments.h: the option parser and the flag readers every command shares (--seed, whole
// numbers, durations, decimal numbers), so a flag reads and is refused the same way everywhere.
#include <catch2/catch.hpp>

#include "app/arguments.h"

using namespace maillab::app;

namespace {

ParsedArguments parse(const std::vector<std::string>& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {{"seed"}, {"frames"}, {"until"}, {"speed"}, {"edit"}, {"play", false}}, error);
  REQUIRE(parsed);
  return *parsed;
}

}  // namespace

TEST_CASE("parse_whole_number takes digits only, within 64 bits and the maximum", "[app][arguments]") {
  CHECK(parse_whole_number("0") == 0u);
  CHECK(parse_whole_number("9999999999999999999") == 9999999999999999999u);
  CHECK_FALSE(parse_whole_number("10000000000000000000"));  // 20 digits
  CHECK_FALSE(parse_whole_number(""));
  CHECK_FALSE(parse_whole_number("-1"));
  CHECK_FALSE(parse_whole_number("+1"));
  CHECK_FALSE(parse_whole_number("1.5"));
  CHECK_FALSE(parse_whole_number(" 1"));
  CHECK(parse_whole_number("65535", 65535) == 65535u);
  CHECK_FALSE(parse_whole_number("65536", 65535));
}

TEST_CASE("read_seed: absent keeps the scenario's, a whole number sets it, anything else is refused",
          "[app][arguments]") {
  std::string error;
  std::optional<std::uint64_t> seed;
  CHECK(read_seed(parse({"x.yaml"}), seed, error));
  CHECK_FALSE(seed);
  CHECK(read_seed(parse({"--seed", "42"}), seed, error));
  CHECK(seed == 42u);
  CHECK(read_seed(parse({"--seed=0"}), seed, error));
  CHECK(seed == 0u);
  for (const char* bad : {"x", "-1", "", "1e3", "99999999999999999999"}) {
    CHECK_FALSE(read_seed(parse({"--seed", bad}), seed, error));
    CHECK(error == "bad --seed '" + std::string(bad) + "'; expected a whole number >= 0");
  }
}

TEST_CASE("read_whole_number checks the range and names it", "[app][arguments]") {
  std::string error;
  std::uint64_t frames = 7;
  CHECK(read_whole_number(parse({}), "frames", 1, 100, frames, error));
  CHECK(frames == 7);  // absent: the default stays
  CHECK(read_whole_number(parse({"--frames", "100"}), "frames", 1, 100, frames, error));
  CHECK(frames == 100);
  CHECK_FALSE(read_whole_number(parse({"--frames", "0"}), "frames", 1, 100, frames, error));
  CHECK(error == "bad --frames '0'; expected a whole number from 1 to 100");
  CHECK_FALSE(read_whole_number(parse({"--frames", "101"}), "frames", 1, 100, frames, error));
  CHECK_FALSE(read_whole_number(parse({"--frames", "ten"}), "frames", 1, 100, frames, error));
  CHECK(frames == 100);
}

TEST_CASE("read_duration takes the scenario's forms, above 0", "[app][arguments]") {
  std::string error;
  std::optional<maillab::engine::Time> until;
  CHECK(read_duration(parse({"--until", "2m"}), "until", until, error));
  CHECK(until == 120'000'000);
  CHECK(read_duration(parse({"--until", "500ms"}), "until", until, error));
  CHECK(until == 500'000);
  CHECK_FALSE(read_duration(parse({"--until", "0"}), "until", until, error));
  CHECK(error.rfind("bad --until '0': must be above 0; expected a duration like", 0) == 0);
  CHECK_FALSE(read_duration(parse({"--until", "soon"}), "until", until, error));
  CHECK(error.rfind("bad --until 'soon': ", 0) == 0);
}

TEST_CASE("read_number takes a finite decimal in range", "[app][arguments]") {
  std::string error;
  double speed = 1;
  CHECK(read_number(parse({"--speed", "2.5"}), "speed", 0.01, 1000, "a number from 0.01 to 1000", speed, error));
  CHECK(speed == 2.5);
  for (const char* bad : {"0", "1001", "fast", "2x", "nan", "inf", ""}) {
    CHECK_FALSE(read_number(parse({"--speed", bad}), "speed", 0.01, 1000, "a number from 0.01 to 1000", speed, error));
    CHECK(error == "bad --speed '" + std::string(bad) + "'; expected a number from 0.01 to 1000");
  }
  CHECK(speed == 2.5);
}

TEST_CASE("parse_arguments keeps every value of a repeated flag, the last in options", "[app][arguments]") {
  ParsedArguments parsed = parse({"--edit", "a=1", "w.yaml", "--edit=b+=2", "--play"});
  CHECK(parsed.every_value["edit"] == std::vector<std::string>{"a=1", "b+=2"});
  CHECK(parsed.options["edit"] == "b+=2");
  CHECK(parsed.times_given("edit") == 2);
  CHECK(parsed.times_given("play") == 1);
  CHECK(parsed.times_given("seed") == 0);
  CHECK(parsed.positional == std::vector<std::string>{"w.yaml"});
}
