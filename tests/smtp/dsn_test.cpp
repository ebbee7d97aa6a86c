// RFC 3461 DSN parameters: NOTIFY lists, xtext, ORCPT; the server taking them (and refusing bad
// ones with 501), the client sending them only to a server that advertised DSN.
#include <catch2/catch.hpp>

#include "protocols/smtp/client_session.h"
#include "protocols/smtp/dsn_parameters.h"
#include "tests/support/smtp_server_driver.h"

using namespace maillab::smtp;
using maillab::smtp::testing::relay_options;
using maillab::smtp::testing::ServerDriver;

TEST_CASE("dsn: NOTIFY lists (RFC 3461 §4.1)", "[smtp][dsn]") {
  auto both = parse_notify("success,Failure");
  REQUIRE(both);
  CHECK(both->success);
  CHECK(both->failure);
  CHECK_FALSE(both->delay);
  CHECK(both->to_parameter() == "SUCCESS,FAILURE");
  CHECK(parse_notify("NEVER")->to_parameter() == "NEVER");
  CHECK_FALSE(parse_notify("NEVER,FAILURE"));  // NEVER MUST NOT be combined
  CHECK_FALSE(parse_notify("SUCCESS,SUCCESS"));
  CHECK_FALSE(parse_notify("SOMETIMES"));
  CHECK_FALSE(parse_notify(""));
  CHECK_FALSE(parse_notify("SUCCESS,"));
  Notify none;
  CHECK(none.wants_failure());  // absent: FAILURE (and DELAY) as if asked
  CHECK(none.wants_delay());
  CHECK_FALSE(none.wants_success());
  CHECK_FALSE(parse_notify("NEVER")->wants_failure());
  CHECK_FALSE(parse_notify("SUCCESS")->wants_failure());
}

TEST_CASE("dsn: xtext and ORCPT (RFC 3461 §4, §4.2)", "[smtp][dsn]") {
  CHECK(xtext_encode("a+b=c d") == "a+2Bb+3Dc+20d");
  CHECK(xtext_decode("a+2Bb+3Dc+20d") == "a+b=c d");
  CHECK_FALSE(xtext_decode("a+2b"));  // hex is upper case
  CHECK_FALSE(xtext_decode("a+2"));
  CHECK_FALSE(xtext_decode("a=b"));
  CHECK(parse_orcpt("rfc822;bob+2Bx@example.org") == "rfc822;bob+x@example.org");
  CHECK_FALSE(parse_orcpt("bob@example.org"));
  CHECK_FALSE(parse_orcpt("rfc822;"));
  CHECK(orcpt_parameter("rfc822;bob+x@example.org") == "rfc822;bob+2Bx@example.org");
}

TEST_CASE("dsn: the server advertises DSN and keeps RET, ENVID, NOTIFY and ORCPT in the envelope",
          "[smtp][dsn][server]") {
  ServerDriver harness(relay_options());
  CHECK(harness.send("EHLO client.example.org\r\n").find("250 DSN\r\n") != std::string::npos);
  CHECK(harness.send("MAIL FROM:<alice@example.org> RET=HDRS ENVID=order+2B1\r\n") == "250 2.1.0 Ok\r\n");
  CHECK(harness.send("RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.net\r\n") ==
        "250 2.1.5 Ok\r\n");
  CHECK(harness.send("RCPT TO:<carol@example.net>\r\n") == "250 2.1.5 Ok\r\n");
  harness.send("DATA\r\n");
  harness.send("Subject: hi\r\n\r\nhi\r\n.\r\n");
  auto accepted = harness.events_of<MessageAccepted>();
  REQUIRE(accepted.size() == 1);
  const Envelope& envelope = accepted[0].envelope;
  CHECK(envelope.ret == "HDRS");
  CHECK(envelope.envid == "order+1");
  REQUIRE(envelope.recipient_dsn.size() == 2);
  CHECK(envelope.recipient_dsn[0].notify.to_parameter() == "SUCCESS,FAILURE");
  CHECK(envelope.recipient_dsn[0].orcpt == "rfc822;bob@example.net");
  CHECK_FALSE(envelope.recipient_dsn[1].notify.given());
}

TEST_CASE("dsn: bad DSN parameters get 501 5.5.4, unknown ones 555", "[smtp][dsn][server]") {
  ServerDriver harness(relay_options());
  harness.hello();
  CHECK(harness.send("MAIL FROM:<a@example.org> RET=BODY\r\n").rfind("501 5.5.4 Bad RET", 0) == 0);
  CHECK(harness.send("MAIL FROM:<a@example.org> RET=FULL RET=HDRS\r\n").rfind("501 5.5.4", 0) == 0);
  CHECK(harness.send("MAIL FROM:<a@example.org> ENVID=" + std::string(101, 'x') + "\r\n").rfind("501 5.5.4", 0) == 0);
  CHECK(harness.send("MAIL FROM:<a@example.org> ENVID=a+zz\r\n").rfind("501 5.5.4", 0) == 0);
  CHECK(harness.send("MAIL FROM:<a@example.org>\r\n") == "250 2.1.0 Ok\r\n");
  CHECK(harness.send("RCPT TO:<b@example.net> NOTIFY=NEVER,SUCCESS\r\n").rfind("501 5.5.4 Bad NOTIFY", 0) == 0);
  CHECK(harness.send("RCPT TO:<b@example.net> ORCPT=b@example.net\r\n").rfind("501 5.5.4 Bad ORCPT", 0) == 0);
  CHECK(harness.send("RCPT TO:<b@example.net> XYZZY=1\r\n") == "555 5.5.4 Unsupported RCPT parameter XYZZY\r\n");

  ServerOptions no_dsn = relay_options();
  no_dsn.offer_dsn = false;
  ServerDriver plain(no_dsn);
  CHECK(plain.send("EHLO client.example.org\r\n").find("DSN") == std::string::npos);
  CHECK(plain.send("MAIL FROM:<a@example.org> RET=FULL\r\n") == "555 5.5.4 Unsupported MAIL parameter RET\r\n");
}

namespace {

// The client's command lines against a server, until it is done.
std::vector<std::string> client_commands(ServerOptions config, Envelope envelope) {
  ServerSession server(std::move(config), "192.0.2.10", "");
  server.start();
  ClientOptions options;
  options.use_starttls = false;
  ClientSession client(options, std::move(envelope), "Subject: x\r\n\r\nx\r\n");
  std::vector<std::string> commands;
  for (int round = 0; round < 100 && !client.finished(); ++round) {
    client.handle_bytes(server.poll_output());
    server.handle_bytes(client.poll_output());
    while (server.waiting_for_verdict()) server.accept();
    while (auto event = client.poll_event())
      if (auto* sent = std::get_if<CommandSent>(&*event)) commands.push_back(sent->line);
    while (server.poll_event()) {
    }
  }
  return commands;
}

}  // namespace

TEST_CASE("dsn: the client sends the parameters only to a server that advertised DSN (RFC 3461 §5.2.2)",
          "[smtp][dsn][client]") {
  Envelope envelope{"alice@example.org", {"bob@example.net"}};
  envelope.ret = "FULL";
  envelope.envid = "id 1";
  envelope.recipient_dsn.push_back({*parse_notify("SUCCESS,DELAY"), "rfc822;bob@example.net"});
  auto with_dsn = client_commands(relay_options(), envelope);
  CHECK(std::find(with_dsn.begin(), with_dsn.end(), "MAIL FROM:<alice@example.org> SIZE=17 RET=FULL ENVID=id+201") !=
        with_dsn.end());
  CHECK(std::find(with_dsn.begin(), with_dsn.end(),
                  "RCPT TO:<bob@example.net> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;bob@example.net") != with_dsn.end());
  ServerOptions no_dsn = relay_options();
  no_dsn.offer_dsn = false;
  auto without = client_commands(no_dsn, envelope);
  CHECK(std::find(without.begin(), without.end(), "MAIL FROM:<alice@example.org> SIZE=17") != without.end());
  CHECK(std::find(without.begin(), without.end(), "RCPT TO:<bob@example.net>") != without.end());
}
