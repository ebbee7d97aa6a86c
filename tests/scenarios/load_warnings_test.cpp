// Mistakes a teacher makes that used to load silently or be reported in the wrong place
// (issue 13): an event after `until:` (a warning), a `resolver:` address that is no host (an
// error at load, not a timeout at run time), an unclosed `{` (said where it opened).
#include <catch2/catch.hpp>

#include "scenarios/loader.h"
#include "scenarios/yaml_brackets.h"

using namespace maillab::scenarios;

TEST_CASE("an event after until: loads, with a located warning", "[scenarios][warnings]") {
  Diagnostics diagnostics;
  auto world = load_world_from_string(
      "until: 60s\n"
      "hosts:\n"
      "  - {name: a, address: 10.0.0.1}\n"
      "events:\n"
      "  - {at: 10s, note: in time}\n"
      "  - {at: 2m, note: too late}\n",
      "t.yaml", std::nullopt, diagnostics);
  REQUIRE(world);
  CHECK_FALSE(diagnostics.has_errors());
  REQUIRE(diagnostics.warnings().size() == 1);
  const std::string warning = diagnostics.warnings_to_string();
  CHECK(warning.rfind("t.yaml:6:14: warning: note at ", 0) == 0);
  CHECK(warning.find(" is after the end of the run (until: ") != std::string::npos);
}

TEST_CASE("resolver: naming an address that is no host is a located error", "[scenarios][errors]") {
  Diagnostics diagnostics;
  auto world = load_world_from_string(
      "hosts:\n"
      "  - {name: a, address: 10.0.0.1, resolver: 10.0.0.99}\n"
      "  - {name: b, address: 10.0.0.2, resolver: 10.0.0.1}\n",
      "t.yaml", std::nullopt, diagnostics);
  CHECK_FALSE(world);
  REQUIRE(diagnostics.count() == 1);
  CHECK(diagnostics.to_string().rfind("t.yaml:2:44: error: resolver 10.0.0.99 is no host's address", 0) == 0);
}

TEST_CASE("an unclosed { is reported where the parser gave up and where it opened", "[scenarios][errors]") {
  Diagnostics diagnostics;
  auto world = load_world_from_string(
      "hosts:\n"
      "  - {name: a, address: 10.0.0.1}\n"
      "events:\n"
      "  - {at: 1s, note: \"a {brace} in a string\"\n"
      "  - {at: 2s, note: fine}\n"
      "expect: []\n",
      "t.yaml", std::nullopt, diagnostics);
  CHECK_FALSE(world);
  const std::string text = diagnostics.to_string();
  INFO(text);
  CHECK(text.find("YAML syntax error") != std::string::npos);
  CHECK(text.find("the '{' opened at t.yaml:4:5 is never closed") != std::string::npos);
}

TEST_CASE("the bracket scan skips quoted strings, comments and braces inside plain text", "[scenarios][errors]") {
  CHECK_FALSE(unclosed_flow_bracket("a: {b: \"}{\", c: 'it''s {'}  # comment {\nd: text with { inside\n"));
  auto open = unclosed_flow_bracket("x:\n  - [1, 2\n  - {a: b}\n");
  REQUIRE(open);
  CHECK(open->line == 2);
  CHECK(open->column == 5);
  CHECK(open->bracket == '[');
}
