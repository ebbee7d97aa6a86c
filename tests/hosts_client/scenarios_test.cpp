// The shipped POP3/IMAP/client scenarios load, run and pass; module errors point at their place.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "tests/support/scenario.h"

using namespace maillab::scenarios;
namespace testing = maillab::testing;

namespace {

struct Ran {
  bool passed = false;
  std::string report;
};

Ran run_file(const std::string& name, std::string* trace_text = nullptr) {
  auto world = testing::load_file(name);
  run_world(*world);
  if (trace_text)
    for (const auto& r : world->simulator.trace().records())
      if (r.kind != maillab::engine::TraceKind::hop) *trace_text += r.node + " > " + r.peer + " [" + r.protocol + "] " + r.summary + "\n";
  auto outcome = evaluate(*world);  // points into the World: format it while it lives
  return Ran{outcome.passed(), format_outcome(outcome)};
}

const std::string base = R"(hosts:
  - name: laptop
    address: 10.0.1.10
    mail_client:
      accounts:
        - address: bob@example.org
          password: x
          smtp: {server: mail}
          incoming: {protocol: imap, server: mail}
  - name: mail
    address: 10.0.2.25
    mailboxes: {domains: [example.org], users: [{name: bob, password: x}]}
    imap: {}
links:
  - {between: [laptop, mail]}
)";

}  // namespace

TEST_CASE("shipped mail client scenarios pass", "[hosts_client][scenarios]") {
  for (const char* file : {"pop3-two-devices", "imap-two-devices", "clients-reply-forward", "imap-idle-push"}) {
    SECTION(file) {
      std::string trace;
      auto outcome = run_file(file, &trace);
      INFO(outcome.report);
      INFO(trace);
      if (getenv("SHOW_TRACE")) WARN(trace);
      CHECK(outcome.passed);
    }
  }
}

TEST_CASE("a valid client scenario loads, mistakes are reported at their place", "[hosts_client][scenarios]") {
  CHECK(testing::load_text(base + "events:\n  - {at: 1s, check_mail: laptop}\n"));

  const std::string no_client = testing::load_errors(base + "events:\n  - {at: 1s, check_mail: {device: mail}}\n");
  INFO(no_client);
  CHECK(no_client.find("test.yaml:17:35: error: host mail has no mail_client") != std::string::npos);
  CHECK(testing::load_errors(base + "events:\n  - {at: 1s, read: {device: laptop}}\n").find("test.yaml:17:") != std::string::npos);
  std::string bad_protocol = base;
  bad_protocol.replace(bad_protocol.find("protocol: imap"), 14, "protocol: smtp");
  INFO(testing::load_errors(bad_protocol));
  CHECK(testing::load_errors(bad_protocol).find("test.yaml:9:32: error: unknown incoming protocol 'smtp'; expected pop3 or imap") !=
        std::string::npos);
  std::string unknown_server = base;
  unknown_server.replace(unknown_server.find("server: mail}\n          incoming"), 12, "server: mial");
  CHECK(testing::load_errors(unknown_server).find("test.yaml:8:26:") != std::string::npos);
  std::string no_mailboxes = base;
  no_mailboxes.replace(no_mailboxes.find("    mailboxes:"), no_mailboxes.find("    imap:") - no_mailboxes.find("    mailboxes:"), "");
  CHECK(testing::load_errors(no_mailboxes).find("has a imap: block but no mailboxes") != std::string::npos);
  CHECK(testing::load_errors(base + "expect:\n  - {device_shows: {device: laptop, seen: true, not_seen: true}}\n")
            .find("both seen and not_seen") != std::string::npos);
  std::string pop3_mode = base;
  pop3_mode.replace(pop3_mode.find("          password: x\n"), 22, "          password: x\n          pop3_mode: sometimes\n");
  CHECK(testing::load_errors(pop3_mode).find("unknown pop3_mode 'sometimes'") != std::string::npos);
}

TEST_CASE("idle: a yes/no on IMAP accounts only, with the place of a mistake", "[hosts_client][scenarios][idle]") {
  std::string idle = base;
  idle.replace(idle.find("          password: x\n"), 22, "          password: x\n          idle: true\n");
  CHECK(testing::load_text(idle));

  std::string maybe = base;
  maybe.replace(maybe.find("          password: x\n"), 22, "          password: x\n          idle: maybe\n");
  const std::string errors = testing::load_errors(maybe);
  INFO(errors);
  CHECK(errors.find("test.yaml:8:17: error:") != std::string::npos);
  CHECK(errors.find("idle") != std::string::npos);

  std::string pop3 = base;
  pop3.replace(pop3.find("          password: x\n"), 22, "          password: x\n          idle: true\n");
  pop3.replace(pop3.find("protocol: imap"), 14, "protocol: pop3");
  const std::string pop3_errors = testing::load_errors(pop3);
  INFO(pop3_errors);
  CHECK(pop3_errors.find("test.yaml:8:17: error: idle on a POP3 account (POP3 has no push)") != std::string::npos);
}

TEST_CASE("imap: {login_requires_tls: true}: a client in the clear is refused, one using STARTTLS logs in",
          "[hosts_client][scenarios][tls]") {
  auto run = [](const std::string& security) {
    std::string yaml = base;
    yaml.replace(yaml.find("    imap: {}"), 12, "    imap: {login_requires_tls: true}");
    yaml.replace(yaml.find("server: mail}\n  - name: mail"), 13, "server: mail, security: " + security + "}");
    auto world = testing::load_text(yaml + "events:\n  - {at: 1s, check_mail: laptop}\n");
    run_world(*world);
    std::string trace;
    for (const auto& r : world->simulator.trace().records())
      if (r.protocol == "IMAP") trace += r.summary + "\n";
    return trace;
  };
  const std::string clear = run("none");
  INFO(clear);
  CHECK(clear.find("LOGINDISABLED") != std::string::npos);
  CHECK(clear.find("NO [PRIVACYREQUIRED] LOGIN is disabled until TLS") != std::string::npos);
  const std::string tls = run("starttls");
  INFO(tls);
  CHECK(tls.find("OK Begin TLS negotiation now") != std::string::npos);
  CHECK(tls.find("PRIVACYREQUIRED") == std::string::npos);
  CHECK(tls.find("LOGIN completed") != std::string::npos);
}
