#include "mail_test_support.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "maillab/source_dir.h"

using namespace maillab;

namespace mailtest {

std::string scenario_path(const std::string& name) {
  return std::string(MAILLAB_SOURCE_DIR) + "/scenarios/" + name + ".yaml";
}

std::string load_errors(const std::string& yaml) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world_from_string(yaml, "set.yaml", std::nullopt, diagnostics);
  CHECK(world == nullptr);
  return diagnostics.to_string();
}

std::string shipped_text(const std::string& name) {
  std::ifstream in(scenario_path(name));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string with_events(const std::string& name, const std::string& events) {
  std::string text = shipped_text(name);
  return text.substr(0, text.find("\nevents:")) + "\nevents:\n" + events;
}

std::unique_ptr<scenarios::World> load_file(const std::string& name, std::optional<std::uint64_t> seed) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world(scenario_path(name), seed, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

std::unique_ptr<scenarios::World> load_text(const std::string& yaml) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world_from_string(yaml, "test.yaml", std::nullopt, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(world);
  return world;
}

scenarios::RunOutcome run(scenarios::World& world) {
  scenarios::run_world(world);
  return scenarios::evaluate(world);
}

std::vector<const engine::TraceRecord*> records(const scenarios::World& world, engine::TraceKind kind,
                                                const std::string& node, const std::string& text) {
  std::vector<const engine::TraceRecord*> found;
  for (const auto& record : world.simulator.trace().records())
    if (record.kind == kind && (node.empty() || record.node == node) &&
        record.summary.find(text) != std::string::npos)
      found.push_back(&record);
  return found;
}

engine::MtaService& mta_on(scenarios::World& world, const std::string& host) {
  auto* found = world.network.host(host);
  REQUIRE(found);
  auto* mta = found->find_service<engine::MtaService>();
  REQUIRE(mta);
  return *mta;
}

std::vector<std::string> mailbox(scenarios::World& world, const std::string& host, const std::string& user,
                                 const std::string& folder) {
  std::vector<std::string> messages;
  auto* found = world.network.host(host);
  REQUIRE(found);
  auto* mailboxes = found->find_service<engine::MailboxService>();
  REQUIRE(mailboxes);
  if (const auto* box = mailboxes->store().folder(user, folder))
    for (const auto& message : box->messages) messages.push_back(message.bytes);
  return messages;
}

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

}  // namespace mailtest
