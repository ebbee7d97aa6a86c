// The `header:` expectation: counts, unfolded values and the order of header fields.
#include <catch2/catch.hpp>

#include "tests/support/worlds.h"

using namespace maillab;

TEST_CASE("header: expectations read unfolded fields, count them and check their order", "[hosts_mail][header]") {
  const std::string send =
      "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, subject: Hi, via: mail.example.com, "
      "from_host: alice-laptop}}\n";
  auto run_with = [&](const std::string& expect) {
    auto world = testing::load_text(testing::smarthost_world("{smarthost: mx.example.org}", "{}",
                                                               send + "expect:\n" + expect));
    auto outcome = testing::run(*world);
    UNSCOPED_INFO(scenarios::format_outcome(outcome));
    return outcome;
  };
  // Two Received lines; the top one is mx.example.org's, folded (RFC 5322 §2.2.3). A phrase
  // across its first fold is not in the raw bytes, and matches the unfolded value.
  CHECK(run_with("  - {header: {to: bob@example.org, name: Received, count: 2}}\n").passed());
  auto world = testing::load_text(testing::smarthost_world("{smarthost: mx.example.org}", "{}", send));
  testing::run(*world);
  const auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  const std::string& raw = inbox[0];
  const auto top = raw.find("Received: ");
  const auto fold = raw.find("\r\n ", top);
  REQUIRE(top != std::string::npos);
  REQUIRE(fold != std::string::npos);
  REQUIRE(fold < raw.find("\r\nReceived: ", top));  // the fold is inside the top Received
  const std::string across = raw.substr(fold - 12, 12) + raw.substr(fold + 2, 12);
  INFO(across);
  CHECK(raw.find(across) == std::string::npos);
  CHECK(run_with("  - {header: {to: bob@example.org, name: Received, index: 1, contains: \"" + across + "\"}}\n")
            .passed());
  // index counts from the top: the second Received is mail.example.com's, not mx.example.org's.
  CHECK(run_with("  - {header: {to: bob@example.org, name: Received, index: 1, contains: \"by mx.example.org\"}}\n")
            .passed());
  CHECK_FALSE(
      run_with("  - {header: {to: bob@example.org, name: Received, index: 2, contains: \"by mx.example.org\"}}\n")
          .passed());
  CHECK_FALSE(run_with("  - {header: {to: bob@example.org, name: Received, count: 3}}\n").passed());
  CHECK(run_with("  - {header: {to: bob@example.org, name: Subject, value: Hi}}\n").passed());
  CHECK_FALSE(run_with("  - {header: {to: bob@example.org, name: Subject, value: Hi there}}\n").passed());
  // Order: Return-Path (final delivery) above the Received lines, not the other way round.
  CHECK(run_with("  - {header: {to: bob@example.org, name: Return-Path, above: Received}}\n").passed());
  CHECK_FALSE(run_with("  - {header: {to: bob@example.org, name: Received, above: Return-Path}}\n").passed());
}
