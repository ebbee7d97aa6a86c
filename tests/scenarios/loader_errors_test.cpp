// Every kind of mistake is reported at its exact file:line:column, and all of them at once.
#include <catch2/catch.hpp>

#include "scenarios/loader.h"

using namespace maillab::scenarios;

namespace {

std::vector<std::string> errors_of(const std::string& yaml) {
  Diagnostics diagnostics;
  auto world = load_world_from_string(yaml, "t.yaml", std::nullopt, diagnostics);
  CHECK(world == nullptr);  // nothing half-runs: errors mean no World
  std::vector<std::string> lines;
  for (const auto& e : diagnostics.errors()) lines.push_back(e.to_string());
  return lines;
}

// The one error (of possibly several) that starts with `prefix`.
std::string find_error(const std::vector<std::string>& errors, const std::string& prefix) {
  for (const auto& e : errors)
    if (e.rfind(prefix, 0) == 0) return e;
  std::string all;
  for (const auto& e : errors) all += "\n  " + e;
  FAIL("no error starting with '" << prefix << "'; got:" << all);
  return {};
}

const std::string hosts_ab =
    "hosts:\n"
    "  - {name: a, address: 10.0.0.1}\n"
    "  - {name: b, address: 10.0.0.2}\n";

}  // namespace

TEST_CASE("unknown key: located at the key, with a suggestion", "[scenarios][errors]") {
  auto errors = errors_of(
      "hosts:\n"
      "  - name: a\n"
      "    adress: 10.0.0.1\n");
  std::string e = find_error(errors, "t.yaml:3:5: error: unknown key 'adress' in host (did you mean 'address'?)");
  CHECK(e.find("; expected one of: name, address") != std::string::npos);
  // ...and the host without an address is reported too, at the host's map.
  find_error(errors, "t.yaml:2:5: error: host has no 'address'; expected an 'address:' entry");
}

// One mistake a row: the scenario text and the error it must give, first to last column.
struct Mistake {
  const char* what;
  std::string yaml;
  const char* error;
};

TEST_CASE("each single mistake is located at its key, value or map", "[scenarios][errors]") {
  const Mistake mistake = GENERATE(values<Mistake>({
      {"unknown top-level key suggests the right one",
       "titel: x\n" + hosts_ab,
       "t.yaml:1:1: error: unknown key 'titel' in the scenario (did you mean 'title'?)"},
      {"wrong type: a map where a list belongs",
       "hosts: {name: a, address: 10.0.0.1}\n",
       "t.yaml:1:8: error: hosts is a map; expected a list"},
      {"wrong type: text where a number belongs",
       hosts_ab + "tcp: {syn_retries: many}\n",
       "t.yaml:4:20: error: tcp syn_retries is 'many', not a whole number; expected a whole number from 0 to 20"},
      {"bad duration",
       hosts_ab + "links:\n  - {between: [a, b], latency: 5sec}\n",
       "t.yaml:5:32: error: bad link latency: unknown unit 'sec' in '5sec'; expected a duration like 250ms"},
      {"bad address",
       "hosts:\n  - {name: a, address: 10.0.0.300}\n",
       "t.yaml:2:24: error: bad address '10.0.0.300'; expected an IPv4 address like 10.0.0.1"},
      {"duplicate host name points at the second and names the first",
       hosts_ab + "  - {name: a, address: 10.0.0.3}\n",
       "t.yaml:4:12: error: duplicate name 'a' (first declared at t.yaml:2:12)"},
      {"duplicate address",
       hosts_ab + "  - {name: c, address: 10.0.0.2}\n",
       "t.yaml:4:24: error: duplicate address 10.0.0.2 (first declared at t.yaml:3:24)"},
      {"duplicate name between a host and a router",
       hosts_ab + "routers:\n  - {name: b}\n",
       "t.yaml:5:12: error: duplicate name 'b' (first declared at t.yaml:3:12)"},
      {"link to an unknown node suggests a close name",
       "hosts:\n  - {name: laptop, address: 10.0.0.1}\nrouters:\n  - {name: core}\nlinks:\n  - {between: [laptop, cor]}\n",
       "t.yaml:6:24: error: unknown node 'cor' (link end) (did you mean 'core'?)"},
      {"unknown event action suggests the right one",
       hosts_ab + "links:\n  - {between: [a, b]}\nevents:\n  - {at: 1s, link_dwn: [a, b]}\n",
       "t.yaml:7:14: error: unknown event action 'link_dwn' (did you mean 'link_down'?)"},
      {"unknown expectation kind",
       hosts_ab + "expect:\n  - {packets_droped: {at_least: 1}}\n",
       "t.yaml:5:6: error: unknown expectation 'packets_droped' (did you mean 'packets_dropped'?)"},
      {"missing required key is reported at the map",
       hosts_ab + "links:\n  - {latency: 5ms}\n",
       "t.yaml:5:5: error: link has no 'between'; expected a 'between:' entry"},
      {"loss outside [0, 1]",
       hosts_ab + "links:\n  - {between: [a, b], loss: 1.5}\n",
       "t.yaml:5:29: error: link loss is 1.5, out of range; expected a number from 0 to 1"},
  }));
  INFO(mistake.what);
  CHECK_FALSE(find_error(errors_of(mistake.yaml), mistake.error).empty());
}

TEST_CASE("YAML syntax error carries the parser's place", "[scenarios][errors]") {
  auto errors = errors_of("hosts:\n  - {name: a, address: 10.0.0.1\nlinks: []\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("t.yaml:", 0) == 0);
  CHECK(errors[0].find(": error: YAML syntax error: ") != std::string::npos);
  CHECK(errors[0].rfind("t.yaml:0", 0) != 0);  // a real line, 1-based
}

TEST_CASE("negative and malformed event times", "[scenarios][errors]") {
  auto errors = errors_of(hosts_ab +
                          "events:\n"
                          "  - {at: -5s, note: early}\n"
                          "  - {at: soon, note: later}\n"
                          "  - {note: never}\n");
  find_error(errors, "t.yaml:5:10: error: event time -5s is negative; expected a time at or after 0s");
  find_error(errors, "t.yaml:6:10: error: bad event time: unknown unit 'soon' in 'soon'");
  find_error(errors, "t.yaml:7:5: error: event has no 'at'");
}

TEST_CASE("link between a node and itself, and a second link between one pair", "[scenarios][errors]") {
  auto errors = errors_of(hosts_ab + "links:\n  - {between: [a, a]}\n  - {between: [a, b]}\n  - {between: [b, a]}\n");
  find_error(errors, "t.yaml:5:15: error: link joins 'a' to itself");
  find_error(errors, "t.yaml:7:15: error: a second link between 'b' and 'a'");
}

TEST_CASE("an event action's own mistakes are located inside it", "[scenarios][errors]") {
  auto errors = errors_of(hosts_ab + "links:\n  - {between: [a, b]}\nevents:\n"
                          "  - {at: 1s, transfer: {from: a, to: c, byts: 10}}\n");
  find_error(errors, "t.yaml:7:41: error: unknown key 'byts' in transfer (did you mean 'bytes'?)");
  find_error(errors, "t.yaml:7:24: error: transfer has no 'bytes'");
  find_error(errors, "t.yaml:7:38: error: unknown host 'c' (transfer to)");
}

TEST_CASE("every error in a file is reported in one load, in file order", "[scenarios][errors]") {
  auto errors = errors_of(
      "seed: minus\n"
      "hosts:\n"
      "  - {name: a, address: 10.0.0.1, rol: client}\n"
      "  - {name: b, address: 10.0.0.1}\n"
      "links:\n"
      "  - {between: [a, x], latency: fast}\n"
      "expect:\n"
      "  - {nothing: 1}\n");
  REQUIRE(errors.size() == 6);
  CHECK(errors[0].rfind("t.yaml:1:7: error: seed is 'minus', not a whole number", 0) == 0);
  CHECK(errors[1].rfind("t.yaml:3:34: error: unknown key 'rol' in host (did you mean 'role'?)", 0) == 0);
  CHECK(errors[2].rfind("t.yaml:4:24: error: duplicate address 10.0.0.1", 0) == 0);
  CHECK(errors[3].rfind("t.yaml:6:19: error: unknown node 'x'", 0) == 0);
  CHECK(errors[4].rfind("t.yaml:6:32: error: bad link latency", 0) == 0);
  CHECK(errors[5].rfind("t.yaml:8:6: error: unknown expectation 'nothing'", 0) == 0);
}

TEST_CASE("references to a host whose declaration failed do not pile up more errors", "[scenarios][errors]") {
  auto errors = errors_of(
      "hosts:\n  - {name: a, address: 10.0.0.1}\n  - {name: b, address: 10.0.0.999}\n"
      "links:\n  - {between: [a, b]}\n");
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].rfind("t.yaml:3:24: error: bad address", 0) == 0);
}

TEST_CASE("a scenario that is not a map, an empty file, a missing file", "[scenarios][errors]") {
  CHECK(errors_of("- a\n- b\n").at(0).rfind("t.yaml:1:1: error: the scenario is a list", 0) == 0);
  CHECK(errors_of("").at(0).rfind("t.yaml:1:1: error: the scenario is nothing", 0) == 0);
  Diagnostics diagnostics;
  CHECK(load_world("/nonexistent/x.yaml", std::nullopt, diagnostics) == nullptr);
  CHECK(diagnostics.errors().at(0).to_string() == "/nonexistent/x.yaml: error: cannot open the file; expected a readable scenario file");
}

TEST_CASE("a bad mta queue delay_warning is located at its value", "[scenarios][errors]") {
  auto errors = errors_of(
      "hosts:\n"
      "  - name: mail.example.com\n"
      "    address: 10.0.3.25\n"
      "    mta:\n"
      "      queue: {maximal_queue_lifetime: 2h, delay_warning: soon}\n");
  find_error(errors, "t.yaml:5:58: error: bad delay_warning: unknown unit 'soon' in 'soon'; expected a duration");
  auto negative = errors_of(
      "hosts:\n"
      "  - name: mail.example.com\n"
      "    address: 10.0.3.25\n"
      "    mta: {queue: {delay_warning: -5m}}\n");
  find_error(negative, "t.yaml:4:34: error: bad delay_warning: negative duration in '-5m'");
}
