// The per-connection command rate (engine/hosts/command_rate.h, issue 14): a client that sends
// commands faster than the rate is slowed down (its connection is not read for a while), never
// cut off, and a well-behaved one never notices. POP3 in the clear, IMAP under TLS on 993 (the TLS
// stream passes the pause through), SMTP on an MTA from a scenario world.
#include <catch2/catch.hpp>

#include "engine/hosts/command_rate.h"
#include "tests/support/mail_access_world.h"

using namespace maillab::testing;

namespace {

// Sends `command` again each time a reply line starting with `ok` arrives, `total` times.
struct ChattyClient {
  LineClient line;
  std::string command;
  std::string ok;
  int sent = 0, answered = 0, total = 0;

  ChattyClient(Host& from, Endpoint to, std::string tls_name = {}) : line(from, to, std::move(tls_name)) {}

  void start(std::string first_command, std::string reply_prefix, int count) {
    command = std::move(first_command);
    ok = std::move(reply_prefix);
    total = count;
    line.connection->on_data = [this](std::string_view bytes) {
      line.received.append(bytes);
      std::size_t at = 0;
      while ((at = line.received.find(ok, at)) != std::string::npos) {
        at += ok.size();
        ++answered;
        if (sent < total) send_one();
      }
      line.received.erase(0, line.received.rfind('\n') == std::string::npos ? 0 : line.received.rfind('\n') + 1);
    };
    send_one();
  }
  void send_one() {
    ++sent;
    line.send(command);
  }
};

std::size_t rate_notes(const Trace& trace, const std::string& protocol) {
  std::size_t count = 0;
  for (const auto& r : trace.records())
    if (r.protocol == protocol && r.summary.rfind("command rate: more than 10 commands/s (bursts of 20)", 0) == 0) ++count;
  return count;
}

constexpr CommandRate ten_a_second{10, 20};

}  // namespace

TEST_CASE("command rate: a POP3 client sending NOOP after NOOP is slowed to the rate, not cut off",
          "[hosts_client][pop3][limits]") {
  MailWorld world;
  auto log_in = [&world](ChattyClient& client) {
    world.run_for(seconds(1));
    client.line.send("USER bob");
    client.line.send("PASS secret");
    world.run_for(seconds(1));
    INFO(client.line.received);
    REQUIRE(client.line.heard("+OK bob's maildrop has"));
  };
  ChattyClient fast(*world.laptop, Endpoint{server_address, 110});
  log_in(fast);
  fast.start("NOOP", "+OK\r\n", 200);
  world.run_for(seconds(5));
  const int unthrottled = fast.answered;
  CHECK(unthrottled > 100);  // ~30 ms a round trip
  CHECK(rate_notes(world.simulator.trace(), "POP3") == 0);
  world.run_for(seconds(5));
  CHECK(fast.answered == 200);
  fast.line.send("QUIT");  // the maildrop lock goes with it (RFC 1939 §8)
  world.run_for(seconds(1));

  set_command_rate(world.network, ten_a_second);
  ChattyClient slowed(*world.laptop, Endpoint{server_address, 110});
  log_in(slowed);
  slowed.start("NOOP", "+OK\r\n", 200);
  world.run_for(seconds(5));
  CHECK(slowed.answered <= 20 + 10 * 5 + 2);  // the burst, then ten a second
  CHECK(slowed.answered >= 20 + 10 * 4);
  CHECK(rate_notes(world.simulator.trace(), "POP3") > 0);
  CHECK_FALSE(slowed.line.closed);
  world.run_for(seconds(30));
  CHECK(slowed.answered == 200);  // everything answered in the end
  CHECK_FALSE(slowed.line.closed);
}

TEST_CASE("command rate: IMAP over implicit TLS is slowed too (the TLS stream passes the pause on)",
          "[hosts_client][imap][tls][limits]") {
  MailWorld world;
  set_command_rate(world.network, ten_a_second);
  ChattyClient client(*world.laptop, Endpoint{server_address, 993}, "mail.example.org");
  world.run_for(seconds(2));
  REQUIRE(client.line.connection);
  client.start("a NOOP", "a OK NOOP completed\r\n", 150);
  world.run_for(seconds(5));
  CHECK(client.answered <= 20 + 10 * 5 + 2);
  CHECK(rate_notes(world.simulator.trace(), "IMAP") > 0);
  world.run_for(seconds(30));
  CHECK(client.answered == 150);
  CHECK_FALSE(client.line.closed);
}

TEST_CASE("command rate: an SMTP client is slowed by the MTA the same way", "[hosts_client][smtp][limits]") {
  auto world = load_file("mail-intro");
  Host* mta = world->network.host("mail.example.com");
  Host* laptop = world->network.host("alice-laptop");
  REQUIRE(mta);
  REQUIRE(laptop);
  set_command_rate(world->network, ten_a_second);
  ChattyClient client(*laptop, Endpoint{mta->address(), 25});
  world->simulator.run_until(world->simulator.now() + seconds(2));
  REQUIRE(client.line.connection);
  client.start("NOOP", "250 2.0.0 Ok\r\n", 150);
  world->simulator.run_until(world->simulator.now() + seconds(5));
  CHECK(client.answered <= 20 + 10 * 5 + 2);
  CHECK(rate_notes(world->simulator.trace(), "SMTP") > 0);
  world->simulator.run_until(world->simulator.now() + seconds(30));
  CHECK(client.answered == 150);
}
