// Mistakes in DNS scenario blocks give located errors, and nothing runs.
#include <catch2/catch.hpp>

#include "tests/support/worlds.h"

namespace testing = maillab::testing;

namespace {

bool has(const std::string& errors, const std::string& text) { return errors.find(text) != std::string::npos; }

}  // namespace

TEST_CASE("hosts_dns: a bad record is reported at its own YAML line", "[hosts_dns]") {
  std::string yaml = testing::dns_world({"@ 300 IN MX 10 mail", "mail 300 IN A 10.0.2.300"}, "");
  std::string errors = testing::load_errors(yaml);
  INFO(errors);
  // The second record is on line 14 of the generated file, column 15 (inside the list item).
  CHECK(has(errors, "test.yaml:14:15:"));
  CHECK(has(errors, "bad record"));
}

TEST_CASE("hosts_dns: a bad line in a master-file text block is located inside the block", "[hosts_dns]") {
  std::string yaml =
      "hosts:\n"
      "  - name: ns1.example.org\n"
      "    address: 10.0.2.53\n"
      "    dns_server:\n"
      "      zones:\n"
      "        - origin: example.org\n"
      "          text: |\n"
      "            @ 300 IN MX 10 mail\n"
      "            mail 300 IN BOGUS 1\n";
  std::string errors = testing::load_errors(yaml);
  INFO(errors);
  CHECK(has(errors, "test.yaml:9:"));
}

TEST_CASE("hosts_dns: unknown keys, generate kinds and missing roots are errors", "[hosts_dns]") {
  std::string errors = testing::load_errors(
      "hosts:\n"
      "  - {name: r, address: 10.0.0.1, resolver: {root_hint: [x]}}\n"
      "  - {name: s, address: 10.0.0.2, dns_server: {generate: rot}}\n"
      "  - {name: t, address: 10.0.0.3, dns_server: {generate: tld}}\n");
  INFO(errors);
  CHECK(has(errors, "test.yaml:2:"));
  CHECK(has(errors, "root_hints"));  // did you mean
  CHECK(has(errors, "test.yaml:3:"));
  CHECK(has(errors, "did you mean 'root'"));
  CHECK(has(errors, "test.yaml:4:"));
  CHECK(has(errors, "tld: org"));
  std::string no_root = testing::load_errors("hosts:\n  - {name: r, address: 10.0.0.1, resolver: {}}\n");
  INFO(no_root);
  CHECK(has(no_root, "no root servers"));
}

TEST_CASE("hosts_dns: bad lookups, record faults and expectations are located", "[hosts_dns]") {
  std::string yaml = testing::dns_world({"@ 300 IN MX 10 mail"},
                                        "  - {at: 1s, lookup: {from: laptop, name: example.org, type: MXX}}\n"
                                        "  - {at: 1s, lookup: {from: a0.org-servers.net, name: example.org}}\n"
                                        "  - {at: 2s, dns_record: {server: laptop, add: \"x 1 IN A 1.2.3.4\"}}\n"
                                        "  - {at: 2s, dns_record: {server: ns1.example.org, add: \"x 1 IN A 1.2.3\"}}\n"
                                        "  - {at: 2s, dns_record: {server: ns1.example.org}}\n",
                                        "",
                                        "  - {dns_queries: {server: laptop, count: 1}}\n"
                                        "  - {dns_answer: {from: laptop, name: example.org, rcode: NXDOMIAN}}\n"
                                        "  - {cache_hits: {resolver: resolver1}}\n");
  std::string errors = testing::load_errors(yaml);
  INFO(errors);
  CHECK(has(errors, "unknown record type 'MXX'"));
  CHECK(has(errors, "'a0.org-servers.net' has no resolver to ask"));
  CHECK(has(errors, "'laptop' runs no authoritative DNS server"));
  CHECK(has(errors, "bad record"));
  CHECK(has(errors, "exactly one of add: and remove:"));
  CHECK(has(errors, "unknown rcode 'NXDOMIAN'"));
  CHECK(has(errors, "cache_hits has no count"));
  CHECK(has(errors, "test.yaml:23:62:"));  // the type of the first event
}

TEST_CASE("hosts_dns: a resolver and a server cannot share a host", "[hosts_dns]") {
  std::string errors = testing::load_errors(
      "hosts:\n"
      "  - {name: s, address: 10.0.0.2, role: dns-root, dns_server: {generate: root}, resolver: {}}\n");
  INFO(errors);
  CHECK(has(errors, "already runs an authoritative server"));
}
