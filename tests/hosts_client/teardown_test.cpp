// Tearing a world down while sessions are open (issue 14: a POP3 session unlocked its maildrop in
// a mail store already destroyed). The order is designed in Host::shut_down and ~Host.
#include <catch2/catch.hpp>

#include "tests/support/mail_access_world.h"

using namespace maillab::testing;

namespace {

// Notes when it is stopped and destroyed, and whether the service added before it still lived.
struct ProbeService : Service {
  ProbeService(std::string name, std::vector<std::string>& log) : name(std::move(name)), log(log) {}
  ~ProbeService() override { log.push_back("destroyed " + name); }
  std::string_view kind() const override { return "probe"; }
  void start(Host&) override {}
  void stop() override { log.push_back("stopped " + name); }
  std::string name;
  std::vector<std::string>& log;
};

}  // namespace

TEST_CASE("Host teardown: every service stops, newest first, before any is destroyed, newest first",
          "[hosts_client][teardown]") {
  std::vector<std::string> log;
  {
    Simulator simulator;
    Network network{simulator};
    Host* host = network.add_host("h", *parse_address("10.0.0.1"), "client");
    host->add_service(std::make_unique<ProbeService>("first", log));
    host->add_service(std::make_unique<ProbeService>("second", log));
  }
  CHECK(log == std::vector<std::string>{"stopped second", "stopped first", "destroyed second", "destroyed first"});
}

TEST_CASE("POP3 service: shutting the host down with a client logged in releases the lock first",
          "[hosts_client][pop3][teardown]") {
  MailWorld world;
  auto client = pop3_client_logged_in(world);
  world.run_for(seconds(1));
  REQUIRE(world.mailboxes->store().maildrop_locked("bob"));
  world.server->shut_down();
  // The sessions ended while the store still existed (before: ~ServerSession unlocked the
  // maildrop in a store destroyed before it, a heap-use-after-free under AddressSanitizer).
  CHECK_FALSE(world.mailboxes->store().maildrop_locked("bob"));
  CHECK(world.pop3->open_sessions() == 0);
  CHECK(world.inbox().messages.size() == 1);
}
