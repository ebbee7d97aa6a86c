// A message our MTA signed, verified by dkimpy (python3-dkim) with the public key our scenario
// published; and the auth module's error messages for bad scenario files.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/support/scenario.h"
#include "engine/hosts/auth/tampering_relay.h"
#include "scenarios/modules/auth_module.h"

using namespace maillab;

namespace {

std::string run_command(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  pclose(pipe);
  return output;
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

}  // namespace

TEST_CASE("hosts_auth: dkimpy verifies a message our MTA signed, with the key our scenario published",
          "[hosts_auth][interop]") {
  // Debian's python3-dkim is importable only from /usr/bin/python3 (TOOLCHAIN.md).
  const std::string check = run_command("/usr/bin/python3 -c 'import dkim; print(\"dkim-ok\")' 2>&1");
  if (check.find("dkim-ok") == std::string::npos)
    FAIL("/usr/bin/python3 cannot import dkim (install the Debian package python3-dkim): " + check);

  auto world = testing::load_file("auth-dkim-pass.yaml");
  scenarios::run_world(*world);
  auto inbox = testing::mailbox(*world, "mx.example.org", "bob");
  REQUIRE(inbox.size() == 1);
  std::string key_record;
  for (const auto& record : world->module_state<scenarios::auth_module::State>().published)
    if (record.name == "mail._domainkey.example.com") key_record = record.text;
  REQUIRE(!key_record.empty());

  const auto directory = std::filesystem::temp_directory_path() / ("maillab-hosts-auth-" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  write_file(directory / "message.eml", inbox[0]);
  write_file(directory / "key.txt", key_record);
  // The untouched message verifies; one with a changed body does not (so the check can fail).
  std::string tampered = inbox[0];
  tampered.replace(tampered.find("lunch on Friday"), 15, "lunch on Sunday");
  write_file(directory / "tampered.eml", tampered);
  write_file(directory / "verify.py",
             "import sys, dkim\n"
             "key = open(sys.argv[2], 'rb').read()\n"
             "def dns(name, timeout=5):\n"
             "    return key if name in (b'mail._domainkey.example.com.', b'mail._domainkey.example.com') else None\n"
             "for path in sys.argv[3:]:\n"
             "    print(path.split('/')[-1], dkim.verify(open(path, 'rb').read(), dnsfunc=dns))\n");
  const std::string output =
      run_command("/usr/bin/python3 " + (directory / "verify.py").string() + " x " + (directory / "key.txt").string() +
                  " " + (directory / "message.eml").string() + " " + (directory / "tampered.eml").string() + " 2>&1");
  std::filesystem::remove_all(directory);
  INFO(output);
  CHECK(output.find("message.eml True") != std::string::npos);
  CHECK(output.find("tampered.eml False") != std::string::npos);
}

TEST_CASE("hosts_auth: the tampering rules change exactly what they say", "[hosts_auth]") {
  std::string message =
      "From: alice@example.com\r\nSubject: Invoice\r\n for May\r\nTo: bob@example.org\r\n\r\nPay to IBAN 1.\r\nThanks\r\n";
  std::vector<engine::TamperRule> rules = {
      {engine::TamperRule::Kind::replace_header, "subject", "", "New", 0},
      {engine::TamperRule::Kind::replace_body_text, "", "IBAN 1", "IBAN 666", 0},
      {engine::TamperRule::Kind::append_body, "", "", "-- footer", 0},
      {engine::TamperRule::Kind::add_header, "X-Note", "", "changed", 0},
      {engine::TamperRule::Kind::replace_header, "Cc", "", "nobody", 0},        // absent: no change
      {engine::TamperRule::Kind::append_body, "", "", "later", engine::seconds(5)},  // not yet active
  };
  auto changes = engine::apply_tamper_rules(message, rules, engine::seconds(1));
  CHECK(message ==
        "X-Note: changed\r\nFrom: alice@example.com\r\nsubject: New\r\nTo: bob@example.org\r\n\r\nPay to IBAN 666.\r\n"
        "Thanks\r\n-- footer\r\n");
  REQUIRE(changes.size() == 4);
  CHECK(changes[0] == "subject 'Invoice\r\n for May' -> 'New'");
  CHECK(changes[1] == "body text 'IBAN 1' -> 'IBAN 666'");
}

TEST_CASE("hosts_auth: bad authentication, publish and tamper blocks are reported at their place", "[hosts_auth]") {
  const std::string base = testing::shipped_text("auth-dkim-pass.yaml");
  auto variant = [&](const std::string& from, const std::string& to) {
    std::string text = base;
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), to);
    return testing::load_errors(text);
  };
  CHECK_THAT(variant("{spf: check, dkim_verify: true, dmarc: false}", "{spf: maybe}"),
             Catch::Contains("unknown spf mode 'maybe'; expected check, enforce or off"));
  CHECK_THAT(variant("{spf: check, dkim_verify: true, dmarc: false}", "{spf: check, dkim_sgn: {}}"),
             Catch::Contains("did you mean 'dkim_sign'"));
  CHECK_THAT(variant("{dkim_sign: {domain: example.com, selector: mail}}", "{dkim_sign: {domain: example.com}}"),
             Catch::Contains("selector"));
  CHECK_THAT(variant("      spf: \"v=spf1 ip4:10.0.1.25 -all\"", "      spf: \"ip4:10.0.1.25\""),
             Catch::Contains("an SPF record starts with v=spf1"));
  CHECK_THAT(variant("    publish:\n      domain: example.com", "    publish:\n      domain: example.net"),
             Catch::Contains("cannot publish TXT example.net on ns1.example.com: no zone served here contains"));
  CHECK_THAT(variant("      dkim: {selector: mail}", "      dmarc: \"v=DMARC1; p=maybe\""),
             Catch::Contains("bad DMARC record"));
  // authentication: on a host without an MTA.
  CHECK_THAT(variant("    publish:\n", "    authentication: {spf: check}\n    publish:\n"),
             Catch::Contains("'ns1.example.com' has authentication: but runs no MTA"));
  // publish: on a host without DNS zones.
  CHECK_THAT(variant("    authentication: {dkim_sign", "    publish: {domain: example.com, spf: \"v=spf1 -all\"}\n    authentication: {dkim_sign"),
             Catch::Contains("'mail.example.com' has publish: but serves no DNS zones"));
  CHECK_THAT(variant("events:\n", "events:\n  - {at: 0s, tamper: {host: ns1.example.com, body_append: x}}\n"),
             Catch::Contains("'ns1.example.com' runs no MTA"));
  CHECK_THAT(variant("    address: 10.0.2.25\n    role: mta\n    resolver: resolver1\n", "    address: 10.0.2.25\n    role: mta\n"),
             Catch::Contains("'mx.example.org' has authentication: but no DNS resolver to ask"));
  CHECK_THAT(variant("events:\n", "events:\n  - {at: 0s, tamper: {host: mail.example.com}}\n"),
             Catch::Contains("tamper says nothing to change"));
}
