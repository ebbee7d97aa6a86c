// The shipped auth-*.yaml scenarios: each passes its own expectations, and what a student is
// told in them (trace lines, headers, reply codes) is what happened.
#include <algorithm>
#include <filesystem>

#include <catch2/catch.hpp>

#include "tests/support/scenario.h"
#include "maillab/source_dir.h"

using namespace maillab;

TEST_CASE("hosts_auth: auth-spf-pass passes, SPF is checked at MAIL FROM and reported in headers", "[hosts_auth]") {
  auto world = testing::load_file("auth-spf-pass.yaml");
  testing::run_and_pass(*world);
  const auto* pass = testing::find_record(*world, {.protocol = "SPF", .text = "SPF pass: 10.0.1.25 is permitted by example.com (ip4:10.0.1.25)"});
  REQUIRE(pass);
  CHECK(pass->node == "mx.example.org");
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].find("Received-SPF: pass") != std::string::npos);
  CHECK(inbox[0].find("Authentication-Results: mx.example.org") != std::string::npos);
  // Trace fields in the order they were made, newest on top (RFC 5321 §4.4, RFC 7208 §9.1,
  // RFC 8601 §5): Authentication-Results (end of DATA) above Received-SPF (MAIL FROM) above
  // mx.example.org's own Received.
  const auto results = inbox[0].find("Authentication-Results: mx.example.org");
  const auto spf = inbox[0].find("Received-SPF: pass");
  const auto received = inbox[0].find("Received: from mail.example.com");
  REQUIRE(received != std::string::npos);
  CHECK(results < spf);
  CHECK(spf < received);
}

TEST_CASE("hosts_auth: every shipped auth-*.yaml scenario passes its expectations", "[hosts_auth]") {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(MAILLAB_SOURCE_DIR) + "/scenarios")) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("auth-", 0) == 0 && entry.path().extension() == ".yaml") names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  CHECK(names.size() >= 7);
  for (const auto& name : names) {
    INFO(name);
    auto world = testing::load_file(name);
    testing::run_and_pass(*world);
  }
}
