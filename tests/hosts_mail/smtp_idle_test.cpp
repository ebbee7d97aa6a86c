// The SMTP server gives up on a silent client after the command timeout, counted from the client's
// last bytes (RFC 5321 §4.5.3.2): every line restarts the wait, as it did when each line made a
// timer of its own; now one timer per connection waits out the rest (smtp_server_adapter.cpp).
#include <catch2/catch.hpp>

#include "tests/support/mail_access_world.h"
#include "tests/support/scenario.h"

using namespace maillab;
using engine::seconds;

TEST_CASE("SMTP server: 300 s without a line from the client end the session with 421, each line restarts the wait",
          "[hosts_mail][smtp][idle]") {
  auto world = testing::load_file("smtp-quota-freed");
  engine::Host& laptop = testing::host(*world, "alice-laptop");
  testing::LineClient client(laptop, engine::Endpoint{*engine::parse_address("10.0.3.25"), 25});
  world->simulator.run_until(seconds(1));
  REQUIRE(client.heard("220 "));
  client.send("EHLO laptop.example.com");
  world->simulator.run_until(seconds(200));
  client.send("NOOP");  // at 200 s: the wait now ends at 500 s, not 301 s
  world->simulator.run_until(seconds(499));
  CHECK(client.heard("250 2.0.0 Ok\r\n"));
  CHECK_FALSE(client.heard("421 "));
  CHECK_FALSE(client.closed);
  world->simulator.run_until(seconds(501));
  CHECK(client.heard("421 4.3.2 mail.example.com idle timeout\r\n"));
  CHECK(client.closed);
}
