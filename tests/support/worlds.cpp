#include "tests/support/worlds.h"

namespace maillab::testing {

std::string small_world(const std::string& mta_block, const std::string& events, const std::string& expect) {
  return "until: 60s\n"
         "hosts:\n"
         "  - {name: alice-laptop, address: 10.0.1.10}\n"
         "  - {name: attacker, address: 203.0.113.66}\n"
         "  - name: mail.example.com\n"
         "    address: 10.0.3.25\n"
         "    mailboxes:\n"
         "      domains: [example.com]\n"
         "      users: [{name: alice, password: alice-secret}, {name: carol, password: carol-secret}]\n"
         "    mta: " + mta_block + "\n"
         "routers:\n"
         "  - {name: internet}\n"
         "links:\n"
         "  - {between: [alice-laptop, internet], latency: 5ms}\n"
         "  - {between: [attacker, internet], latency: 20ms}\n"
         "  - {between: [internet, mail.example.com], latency: 5ms}\n"
         "events:\n" + events + (expect.empty() ? "" : "expect:\n" + expect);
}

std::string smarthost_world(const std::string& mail_mta, const std::string& mx_mta, const std::string& events,
                            const std::string& until) {
  return "until: " + until + "\n"
         "hosts:\n"
         "  - {name: alice-laptop, address: 10.0.1.10}\n"
         "  - name: mail.example.com\n"
         "    address: 10.0.3.25\n"
         "    mailboxes: {domains: [example.com], users: [{name: alice, password: pw}, {name: carol, password: pw}]}\n"
         "    mta: " + mail_mta + "\n"
         "  - name: mx.example.org\n"
         "    address: 10.0.2.25\n"
         "    mailboxes: {domains: [example.org], users: [{name: bob, password: pw}, {name: dave, password: pw}]}\n"
         "    mta: " + mx_mta + "\n"
         "routers: [{name: internet}]\n"
         "links:\n"
         "  - {between: [alice-laptop, internet], latency: 5ms}\n"
         "  - {between: [mail.example.com, internet], latency: 5ms}\n"
         "  - {between: [mx.example.org, internet], latency: 5ms}\n"
         "events:\n" + events;
}

std::string dns_world(const std::vector<std::string>& zone_records, const std::string& events,
                      const std::string& extra_hosts, const std::string& expect) {
  std::string text =
      "until: 60s\n"
      "hosts:\n"
      "  - {name: laptop, address: 10.0.1.10, resolver: resolver1}\n"
      "  - {name: resolver1, address: 10.0.1.53, resolver: {}}\n"
      "  - {name: a.root-servers.net, address: 198.41.0.4, role: dns-root, dns_server: {generate: root}}\n"
      "  - {name: a0.org-servers.net, address: 199.19.56.1, dns_server: {generate: tld, tld: org}}\n"
      "  - name: ns1.example.org\n"
      "    address: 10.0.2.53\n"
      "    dns_server:\n"
      "      zones:\n"
      "        - origin: example.org\n"
      "          records:\n";
  for (const auto& record : zone_records) text += "            - \"" + record + "\"\n";
  text += extra_hosts;
  text +=
      "routers:\n"
      "  - {name: core, address: 10.0.9.1}\n"
      "links:\n"
      "  - {between: [laptop, core], latency: 5ms}\n"
      "  - {between: [resolver1, core], latency: 1ms}\n"
      "  - {between: [a.root-servers.net, core], latency: 20ms}\n"
      "  - {between: [a0.org-servers.net, core], latency: 15ms}\n"
      "  - {between: [ns1.example.org, core], latency: 10ms}\n";
  if (!events.empty()) text += "events:\n" + events;
  if (!expect.empty()) text += "expect:\n" + expect;
  return text;
}

std::vector<const engine::TraceRecord*> resolver_queries(const World& world) {
  std::vector<const engine::TraceRecord*> found;
  for (const auto* record : records(world, engine::TraceKind::protocol, "resolver1"))
    if (record->summary.rfind("Q ", 0) == 0 && !record->peer.empty()) found.push_back(record);
  return found;
}

}  // namespace maillab::testing
