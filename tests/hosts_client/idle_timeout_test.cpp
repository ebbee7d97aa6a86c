// Idle connections to the POP3 and IMAP services end after the protocols' autologout times, each
// with its protocol's own goodbye (issue 14). All in simulated time.
#include <catch2/catch.hpp>

#include "tests/support/mail_access_world.h"

using namespace maillab::testing;

namespace {

bool traced(const Trace& trace, const std::string& protocol, const std::string& needle) {
  for (const auto& r : trace.records())
    if (r.protocol == protocol && r.summary.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("POP3 service: 10 minutes without a command close the session silently, nothing deleted",
          "[hosts_client][pop3][idle]") {
  MailWorld world;
  auto logged_in = pop3_client_logged_in(world);
  LineClient& client = *logged_in;
  client.send("DELE 1");
  world.run_for(seconds(9 * 60));
  client.send("NOOP");  // any command restarts the timer (RFC 1939 §3)
  world.run_for(seconds(9 * 60));
  CHECK_FALSE(client.closed);
  CHECK(world.mailboxes->store().maildrop_locked("bob"));
  const std::size_t heard_before = client.received.size();

  world.run_for(seconds(61));
  CHECK(client.closed);
  CHECK(client.received.size() == heard_before);  // no response at all (§3)
  CHECK(world.pop3->open_sessions() == 0);
  CHECK_FALSE(world.mailboxes->store().maildrop_locked("bob"));
  CHECK(world.inbox().messages.size() == 1);  // no UPDATE state: the DELE mark is dropped
  CHECK(traced(world.simulator.trace(), "POP3", "autologout: no command for 10 minutes"));
}

TEST_CASE("IMAP service: 30 minutes without a command end with * BYE, also in IDLE",
          "[hosts_client][imap][idle]") {
  MailWorld world;
  LineClient client(*world.laptop, Endpoint{server_address, 143});
  world.run_for(seconds(1));
  client.send("a1 LOGIN bob secret");
  client.send("a2 SELECT INBOX");
  world.run_for(seconds(20 * 60));
  client.send("a3 NOOP");
  world.run_for(seconds(20 * 60));  // 40 minutes connected, never 30 without a command
  CHECK(client.heard("a3 OK NOOP completed"));
  client.send("a4 IDLE");
  world.run_for(seconds(29 * 60));
  CHECK(client.heard("+ idling"));
  CHECK_FALSE(client.closed);

  world.run_for(seconds(61));
  CHECK(client.heard("* BYE autologout: no command for 30 minutes\r\n"));
  CHECK(client.closed);
  CHECK(world.imap->open_sessions() == 0);
  CHECK(traced(world.simulator.trace(), "IMAP", "* BYE autologout"));
}

TEST_CASE("IMAP and POP3 services: an idle timeout of 0 never logs out", "[hosts_client][imap][idle]") {
  MailWorld world;
  // The default services already run; a second IMAP service on port 1143 with no timeout.
  ImapServiceOptions options;
  options.plain_ports = {1143};
  options.tls_ports = {};
  options.idle_timeout = 0;
  world.server->add_service(std::make_unique<ImapService>(options));
  LineClient client(*world.laptop, Endpoint{server_address, 1143});
  world.run_for(seconds(1));
  client.send("a1 LOGIN bob secret");
  world.run_for(seconds(3 * 3600));
  CHECK_FALSE(client.closed);
  client.send("a2 NOOP");
  world.run_for(seconds(1));
  CHECK(client.heard("a2 OK NOOP completed"));
}
