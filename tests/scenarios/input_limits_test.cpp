// Files that are too big, too deep or too long, and loops a scenario declares without noticing:
// each refused at load with a located error (scenarios/input_limits.h, modules/loop_checks.h).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "scenarios/input_limits.h"
#include "scenarios/loader.h"
#include "maillab/source_dir.h"

using namespace maillab::scenarios;

namespace {

std::vector<std::string> errors_of(const std::string& yaml) {
  Diagnostics diagnostics;
  auto world = load_world_from_string(yaml, "t.yaml", std::nullopt, diagnostics);
  CHECK(world == nullptr);
  std::vector<std::string> lines;
  for (const auto& e : diagnostics.errors()) lines.push_back(e.to_string());
  return lines;
}

bool loads(const std::string& yaml) {
  Diagnostics diagnostics;
  auto world = load_world_from_string(yaml, "t.yaml", std::nullopt, diagnostics);
  INFO(diagnostics.to_string());
  return world != nullptr;
}

std::string only_error(const std::vector<std::string>& errors) {
  REQUIRE(errors.size() == 1);
  return errors.front();
}

const std::string two_hosts =
    "hosts:\n"
    "  - {name: a, address: 10.0.0.1}\n"
    "  - {name: b, address: 10.0.0.2}\n"
    "links:\n"
    "  - {between: [a, b], latency: 1ms}\n";

// Two domains' mail servers with their DNS, for alias and CNAME cases; `aliases` goes into
// example.org's mailboxes: block, `records` into its zone.
std::string mail_world(const std::string& aliases, const std::string& records) {
  return "hosts:\n"
         "  - name: ns\n"
         "    address: 10.0.0.53\n"
         "    dns_server:\n"
         "      zones:\n"
         "        - origin: example.org\n"
         "          records:\n"
         "            - \"mail 300 IN A 10.0.0.25\"\n" +
         records +
         "  - name: mail\n"
         "    address: 10.0.0.25\n"
         "    mta: {}\n"
         "    mailboxes:\n"
         "      domains: [example.org]\n"
         "      users: [{name: bob, password: b}]\n" +
         aliases +
         "links:\n"
         "  - {between: [ns, mail], latency: 1ms}\n";
}

}  // namespace

TEST_CASE("a scenario file over 4 MiB is refused before it is read, naming the limit", "[scenarios][limits]") {
  const auto path = (std::filesystem::temp_directory_path() / "maillab-limits-big.yaml").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << two_hosts << "events:\n";
    const std::string event = "  - {at: 1s, note: \"a line of padding to make a big file\"}\n";
    for (std::uint64_t written = 0; written <= max_file_bytes; written += event.size()) out << event;
  }
  Diagnostics diagnostics;
  CHECK(load_world(path, std::nullopt, diagnostics) == nullptr);
  REQUIRE(diagnostics.count() == 1);
  const std::string error = diagnostics.errors().front().to_string();
  CHECK(error.rfind(path + ":1:1: error: the file is ", 0) == 0);
  CHECK(error.find("over the limit of 4,194,304 bytes (4 MiB) for a scenario") != std::string::npos);
  // The same text handed over directly (a lesson's inline scenario) meets the same limit.
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(only_error(errors_of(text)).find("t.yaml:1:1: error: the file is ") == 0);
  std::filesystem::remove(path);
}

TEST_CASE("more events than the limit are refused at events:", "[scenarios][limits]") {
  std::string yaml = two_hosts + "events:\n";
  for (std::size_t i = 0; i <= max_events; ++i) yaml += "  - {at: 1s, note: n}\n";
  const std::string error = only_error(errors_of(yaml));
  CHECK(error.find("t.yaml:7:3: error: events: lists 50,001 events, over the limit of 50,000") == 0);
  // At the limit it loads.
  std::string at_limit = two_hosts + "events:\n";
  for (std::size_t i = 0; i < 100; ++i) at_limit += "  - {at: 1s, note: n}\n";
  CHECK(loads(at_limit));
}

TEST_CASE("nesting deeper than the limit is refused where it passes the limit, not by a crash", "[scenarios][limits]") {
  SECTION("flow brackets: 100,000 of them once overflowed the parser's stack") {
    const std::string yaml = "title: " + std::string(100'000, '[') + std::string(100'000, ']') + "\n";
    const std::string error = only_error(errors_of(yaml));
    CHECK(error.find("t.yaml:1:71: error: blocks and brackets nest more than 64 levels deep here") == 0);
  }
  SECTION("block sequences, dash after dash") {
    std::string line = "title:\n";
    for (int i = 0; i < 70; ++i) line += "- ";
    line += "x\n";
    CHECK(only_error(errors_of(line)).find("t.yaml:2:") == 0);
  }
  SECTION("indented blocks") {
    std::string yaml;
    for (int i = 0; i < 70; ++i) yaml += std::string(static_cast<std::size_t>(i), ' ') + "k" + std::to_string(i) + ":\n";
    CHECK(only_error(errors_of(yaml)).find("t.yaml:65:65: error: blocks and brackets nest") == 0);
  }
  SECTION("brackets and colons inside quotes, comments and block text do not count") {
    std::string yaml = two_hosts + "description: |\n";
    for (int i = 0; i < 100; ++i) yaml += "  [[[[[[[[[[ { text: [ ]\n";
    yaml += "title: \"" + std::string(100, '[') + "\"  # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n";
    CHECK(loads(yaml));
  }
}

TEST_CASE("every shipped scenario is well inside the limits", "[scenarios][limits]") {
  for (const auto& entry : std::filesystem::directory_iterator(MAILLAB_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    Diagnostics diagnostics;
    INFO(entry.path());
    CHECK(check_text_limits(text, entry.path().string(), "scenario", diagnostics));
  }
}

TEST_CASE("an alias loop is a located error naming the loop", "[scenarios][limits][loops]") {
  const std::string yaml = mail_world("      aliases: {sales: [info], info: [team, bob], team: [Sales@example.org]}\n", "");
  const std::string error = only_error(errors_of(yaml));
  CHECK(error ==
        "t.yaml:15:17: error: alias loop: sales -> info -> team -> sales; mail to any of them would expand to "
        "nobody; expected aliases that end at users or at outside addresses");
  // Aliases that end at users or leave the domain load.
  CHECK(loads(mail_world("      aliases: {sales: [info], info: [bob, sales@example.net]}\n", "")));
}

TEST_CASE("a CNAME loop is a located error at its first record", "[scenarios][limits][loops]") {
  const std::string records =
      "            - \"www 300 IN CNAME web\"\n"
      "            - \"web 300 IN CNAME www.example.org.\"\n";
  const std::string error = only_error(errors_of(mail_world("", records)));
  CHECK(error ==
        "t.yaml:9:15: error: CNAME loop: www.example.org. -> web.example.org. -> www.example.org.; a resolver "
        "following it answers SERVFAIL; expected a CNAME chain that ends at a name with records");
  // A name that is its own CNAME.
  CHECK(only_error(errors_of(mail_world("", "            - \"self 300 IN CNAME self\"\n")))
            .find("t.yaml:9:15: error: CNAME loop: self.example.org. -> self.example.org.") == 0);
  // A chain that ends at an address loads.
  CHECK(loads(mail_world("", "            - \"www 300 IN CNAME web\"\n            - \"web 300 IN CNAME mail\"\n")));
}
