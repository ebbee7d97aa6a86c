// Reverse DNS of SMTP clients (engine/hosts/mail/reverse_dns.h): the Received from-clause with a
// forward-confirmed name or "unknown", a PTR that does not lead back, require_reverse_dns's
// 450 4.7.25 at RCPT TO, and a lookup that times out instead of hanging.
#include <catch2/catch.hpp>

#include "engine/hosts/mail/reverse_dns.h"
#include "engine/hosts/mail/mta_service.h"
#include "tests/support/worlds.h"

using namespace maillab;
using engine::TraceKind;

namespace {

// mail.example.com (10.0.3.25) relays to mx.example.org; attacker (10.0.9.66) talks to port 25
// of mx.example.org. `reverse_zones` is the YAML of the reverse server's dns_server: value.
std::string world(const std::string& mx_mta, const std::string& reverse_server, const std::string& events) {
  return "until: 60s\n"
         "hosts:\n"
         "  - {name: alice-laptop, address: 10.0.1.10}\n"
         "  - {name: attacker, address: 10.0.9.66}\n"
         "  - name: mail.example.com\n"
         "    address: 10.0.3.25\n"
         "    resolver: resolver.example.com\n"
         "    mailboxes: {domains: [example.com], users: [{name: alice, password: alice-secret}]}\n"
         "    mta: {}\n"
         "  - {name: resolver.example.com, address: 10.0.3.53, resolver: {}}\n"
         "  - {name: a.root-servers.net, address: 198.41.0.4, dns_server: {generate: root}}\n"
         "  - {name: a0.org-servers.net, address: 199.19.56.1, dns_server: {generate: tld, tld: org}}\n"
         "  - {name: a0.com-servers.net, address: 192.5.6.30, dns_server: {generate: tld, tld: com}}\n"
         "  - {name: ns-reverse.example.org, address: 10.0.2.54, dns_server: " + reverse_server + "}\n"
         "  - name: ns1.example.org\n"
         "    address: 10.0.2.53\n"
         "    dns_server:\n"
         "      zones:\n"
         "        - {origin: example.org, records: [\"@ IN MX 10 mx\", \"mx IN A 10.0.2.25\"]}\n"
         "        - {origin: example.com, records: [\"@ IN MX 10 mail\", \"mail IN A 10.0.3.25\"]}\n"
         "  - name: mx.example.org\n"
         "    address: 10.0.2.25\n"
         "    resolver: resolver.example.com\n"
         "    mailboxes: {domains: [example.org], users: [{name: bob, password: bob-secret}]}\n"
         "    mta: " + mx_mta + "\n"
         "routers:\n"
         "  - {name: core, address: 10.0.9.1}\n"
         "links:\n"
         "  - {between: [alice-laptop, core], latency: 5ms}\n"
         "  - {between: [attacker, core], latency: 5ms}\n"
         "  - {between: [mail.example.com, core], latency: 5ms}\n"
         "  - {between: [resolver.example.com, core], latency: 1ms}\n"
         "  - {between: [a.root-servers.net, core], latency: 10ms}\n"
         "  - {between: [a0.org-servers.net, core], latency: 10ms}\n"
         "  - {between: [a0.com-servers.net, core], latency: 10ms}\n"
         "  - {between: [ns-reverse.example.org, core], latency: 5ms}\n"
         "  - {between: [ns1.example.org, core], latency: 5ms}\n"
         "  - {between: [mx.example.org, core], latency: 5ms}\n"
         "events:\n" + events;
}

const std::string generated = "{generate: reverse, network: 10.0.0.0/8}";
const std::string alice_to_bob =
    "  - {at: 1s, send: {from: alice@example.com, to: bob@example.org, subject: Relayed, via: mail.example.com, "
    "from_host: alice-laptop}}\n";
const std::string attacker_to_bob =
    "  - {at: 10s, send: {from: boss@example.org, to: bob@example.org, subject: Direct, via: mx.example.org, "
    "from_host: attacker, port: 25}}\n";

std::string message_with_subject(scenarios::World& world, const std::string& subject) {
  for (const auto& message : testing::mailbox(world, "mx.example.org", "bob"))
    if (message.find("Subject: " + subject) != std::string::npos) return message;
  return {};
}

// SMTP lines mx.example.org sent to the attacker.
std::vector<std::string> replies_to_attacker(const scenarios::World& world) {
  std::vector<std::string> lines;
  for (const auto* record : testing::records(world, TraceKind::protocol, "mx.example.org", ""))
    if (record->protocol == "SMTP" && record->peer == "attacker") lines.push_back(record->summary);
  return lines;
}

}  // namespace

TEST_CASE("reverse DNS: a confirmed name goes into Received, an unknown client is written as unknown",
          "[hosts_mail][reverse_dns]") {
  auto loaded = testing::load_text(world("{reverse_dns: true}", generated, alice_to_bob + attacker_to_bob));
  testing::run(*loaded);
  const std::string relayed = message_with_subject(*loaded, "Relayed");
  INFO(relayed);
  CHECK(relayed.find("Received: from mail.example.com (mail.example.com [10.0.3.25])") != std::string::npos);
  // Without require_reverse_dns the attacker's message is taken, marked as from an unknown host.
  const std::string direct = message_with_subject(*loaded, "Direct");
  INFO(direct);
  CHECK(direct.find("(unknown [10.0.9.66])") != std::string::npos);
  CHECK(testing::records(*loaded, TraceKind::mail, "mx.example.org", "reverse DNS: 10.0.9.66 is unknown (no PTR)")
            .size() == 1);
  // Off (the default): no PTR query at all, the host name stands in.
  auto plain = testing::load_text(world("{}", generated, alice_to_bob));
  testing::run(*plain);
  CHECK(testing::records(*plain, TraceKind::protocol, "", "PTR").empty());
  CHECK(message_with_subject(*plain, "Relayed").find("from mail.example.com (mail.example.com [10.0.3.25])") !=
        std::string::npos);
}

TEST_CASE("reverse DNS: a PTR naming a host whose A record is another address is not trusted",
          "[hosts_mail][reverse_dns]") {
  // The attacker's network publishes "66 PTR mail.example.com." - but example.com's A record for
  // mail.example.com is 10.0.3.25, so the name is not forward-confirmed.
  const std::string lying =
      "{zones: [{origin: 9.0.10.in-addr.arpa, records: [\"66 IN PTR mail.example.com.\"]}]}";
  auto loaded = testing::load_text(world("{reverse_dns: true}", lying, attacker_to_bob));
  testing::run(*loaded);
  const std::string direct = message_with_subject(*loaded, "Direct");
  INFO(direct);
  CHECK(direct.find("(unknown [10.0.9.66])") != std::string::npos);
  CHECK(direct.find("(mail.example.com [10.0.9.66])") == std::string::npos);
  CHECK(testing::records(*loaded, TraceKind::mail, "mx.example.org",
                          "10.0.9.66 is unknown (not forward-confirmed): PTR mail.example.com, but A mail.example.com "
                          "is 10.0.3.25")
            .size() == 1);
}

TEST_CASE("reverse DNS: require_reverse_dns refuses an unknown client with 450 4.7.25 at RCPT TO",
          "[hosts_mail][reverse_dns]") {
  auto loaded = testing::load_text(world("{require_reverse_dns: true}", generated, alice_to_bob + attacker_to_bob));
  auto outcome = testing::run(*loaded);
  CHECK_FALSE(message_with_subject(*loaded, "Relayed").empty());  // the confirmed relay gets through
  CHECK(message_with_subject(*loaded, "Direct").empty());
  const auto lines = replies_to_attacker(*loaded);
  std::string dialogue;
  for (const auto& line : lines) dialogue += line + "\n";
  INFO(dialogue);
  // The greeting and MAIL FROM pass; the refusal comes at RCPT TO (smtpd_delay_reject=yes).
  CHECK(dialogue.find("250 2.1.0 Ok") != std::string::npos);
  CHECK(dialogue.find("450 4.7.25 Client host rejected: cannot find your hostname, [10.0.9.66]") != std::string::npos);
  const auto& rejections = testing::service<engine::MtaService>(*loaded, "mx.example.org").rejections();
  REQUIRE(rejections.size() == 1);
  CHECK(rejections.front().stage == "RCPT TO");
  CHECK(rejections.front().reply.code == 450);
}

TEST_CASE("reverse DNS: a lookup with no answer ends in unknown instead of a hung session",
          "[hosts_mail][reverse_dns]") {
  // The resolver is down: the stub's tries run out after a few seconds; the client then gets its
  // greeting and, at RCPT TO, the temporary refusal.
  auto loaded = testing::load_text(
      world("{require_reverse_dns: true}", generated, "  - {at: 0s, crash: resolver.example.com}\n" + attacker_to_bob));
  testing::run(*loaded);
  CHECK(testing::records(*loaded, TraceKind::mail, "mx.example.org",
                          "reverse DNS: 10.0.9.66 is unknown (temporary failure)")
            .size() == 1);
  std::string dialogue;
  for (const auto& line : replies_to_attacker(*loaded)) dialogue += line + "\n";
  INFO(dialogue);
  CHECK(dialogue.rfind("220 ", 0) == 0);
  CHECK(dialogue.find("450 4.7.25") != std::string::npos);
  CHECK(dialogue.find("221 ") != std::string::npos);  // the client said QUIT and was let go
}
