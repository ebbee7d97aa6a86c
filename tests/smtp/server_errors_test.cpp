#include <catch2/catch.hpp>

#include "tests/support/smtp_server_driver.h"

using namespace maillab::smtp;
using maillab::smtp::testing::relay_options;
using maillab::smtp::testing::ServerDriver;
using maillab::smtp::testing::submission_options;

TEST_CASE("server: 503 bad sequence of commands", "[smtp][server_errors]") {
  ServerDriver harness(relay_options());
  CHECK(harness.send("MAIL FROM:<a@example.org>\r\n") == "503 5.5.1 Bad sequence of commands: Send HELO/EHLO first\r\n");
  harness.hello();
  CHECK(harness.send("RCPT TO:<b@example.net>\r\n") == "503 5.5.1 Bad sequence of commands: Need MAIL before RCPT\r\n");
  CHECK(harness.send("DATA\r\n") == "503 5.5.1 Bad sequence of commands: Need MAIL command\r\n");
  CHECK(harness.send("MAIL FROM:<a@example.org>\r\n") == "250 2.1.0 Ok\r\n");
  CHECK(harness.send("DATA\r\n") == "503 5.5.1 Bad sequence of commands: Need RCPT command\r\n");
  CHECK(harness.send("MAIL FROM:<a@example.org>\r\n") == "503 5.5.1 Bad sequence of commands: Nested MAIL command\r\n");
  CHECK(harness.send("STARTTLS\r\n") ==
        "503 5.5.1 Bad sequence of commands: STARTTLS not allowed during a mail transaction\r\n");
  CHECK(harness.send("AUTH PLAIN\r\n") ==
        "503 5.5.1 Bad sequence of commands: AUTH not allowed during a mail transaction\r\n");
  CHECK(harness.server.state() == ServerState::sender_accepted);  // errors do not lose the transaction
}

TEST_CASE("server: 554 no valid recipients when every RCPT was refused", "[smtp][server_errors]") {
  struct RefuseAll : ServerPolicy {
    Reply check_recipient(const RecipientVerdictNeeded&) override { return make_reply(554, "5.7.1", "Relay access denied"); }
  } policy;
  ServerOptions config = relay_options();
  config.policy = &policy;
  ServerDriver harness(config);
  harness.hello();
  CHECK(harness.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@elsewhere.example>\r\nDATA\r\n") ==
        "250 2.1.0 Ok\r\n554 5.7.1 Relay access denied\r\n554 5.5.1 No valid recipients\r\n");
}

TEST_CASE("server: 500 unknown command, 501 syntax errors", "[smtp][server_errors]") {
  ServerDriver harness(relay_options());
  CHECK(harness.send("FOO bar\r\n") == "500 5.5.2 Command unrecognized\r\n");
  CHECK(harness.send("\r\n") == "500 5.5.2 Command unrecognized\r\n");
  CHECK(harness.send("EHLO\r\n") == "501 5.5.4 Syntax: EHLO hostname\r\n");
  harness.hello();
  CHECK(harness.send("MAIL TO:<a@example.org>\r\n") == "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  CHECK(harness.send("MAIL FROM:alice@example.org\r\n").starts_with("501 5.1.7 Bad sender address syntax: "));
  CHECK(harness.send("MAIL FROM:<alice@@example.org>\r\n").starts_with("501 5.1.7 "));
  CHECK(harness.send("MAIL FROM:<a@example.org> FOO=1\r\n") == "555 5.5.4 Unsupported MAIL parameter FOO\r\n");
  CHECK(harness.send("MAIL FROM:<a@example.org> SIZE=abc\r\n") == "501 5.5.4 Bad SIZE parameter\r\n");
  CHECK(harness.send("MAIL FROM: <a@example.org> BODY=8BITMIME\r\n") == "250 2.1.0 Ok\r\n");  // lenient space
  CHECK(harness.send("RCPT TO:<>\r\n").starts_with("501 5.1.3 Bad recipient address syntax: "));
  CHECK(harness.send("RCPT TO:<bob@exa mple.org>\r\n").starts_with("501 5.1.3 "));
  CHECK(harness.send("RCPT bob@example.org\r\n") == "501 5.5.4 Syntax: RCPT TO:<address>\r\n");
  CHECK(harness.send("VRFY\r\n") == "501 5.5.4 Syntax: VRFY address\r\n");
  CHECK(harness.send("EXPN list\r\n") == "502 5.5.1 EXPN not available\r\n");
}

TEST_CASE("server: 530 on submission before AUTH", "[smtp][server_errors]") {
  ServerDriver harness(submission_options());
  harness.hello();
  CHECK(harness.send("MAIL FROM:<alice@example.org>\r\n") == "530 5.7.0 Authentication required\r\n");
}

TEST_CASE("server: 552 when SIZE is too big, and when the data is too big", "[smtp][server_errors]") {
  ServerOptions config = relay_options();
  config.max_message_size = 100;
  ServerDriver harness(config);
  std::string ehlo = harness.send("EHLO client.example.org\r\n");
  CHECK(ehlo.find("250-SIZE 100\r\n") != std::string::npos);
  CHECK(harness.send("MAIL FROM:<a@example.org> SIZE=101\r\n") ==
        "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  CHECK(harness.send("MAIL FROM:<a@example.org> SIZE=100\r\nRCPT TO:<b@example.net>\r\nDATA\r\n") ==
        "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
  std::string big;
  for (int line = 0; line < 20; ++line) big += "0123456789\r\n";
  CHECK(harness.send(big).empty());
  CHECK(harness.send(".\r\n") == "552 5.3.4 Message too big for system\r\n");
  CHECK(harness.events_of<MessageRefused>().size() == 1);
  CHECK(harness.server.state() == ServerState::ready);
}

TEST_CASE("server: 452 beyond the recipient limit", "[smtp][server_errors]") {
  ServerDriver defaults(relay_options());
  defaults.hello();
  defaults.send("MAIL FROM:<a@example.org>\r\n");
  std::string replies;
  for (int index = 0; index < 101; ++index) replies = defaults.send("RCPT TO:<user" + std::to_string(index) + "@example.net>\r\n");
  CHECK(replies == "452 4.5.3 Too many recipients\r\n");
  CHECK(defaults.server.envelope().recipients.size() == 100);
}

TEST_CASE("server: line too long, for commands and for message text", "[smtp][server_errors]") {
  ServerDriver harness(relay_options());
  harness.hello();
  std::string long_command = "NOOP " + std::string(600, 'x') + "\r\n";
  CHECK(harness.send(long_command) == "500 5.5.2 Line too long (RFC 5321 4.5.3.1.4: at most 512 octets)\r\n");
  // Sent in pieces without a line end: memory stays bounded, the answer comes at the line end.
  CHECK(harness.send("NOOP " + std::string(4000, 'y')).empty());
  CHECK(harness.server.buffered_bytes() <= 512);
  CHECK(harness.send(std::string(4000, 'y')).empty());
  CHECK(harness.server.buffered_bytes() <= 512);
  CHECK(harness.send("\r\nNOOP\r\n") ==
        "500 5.5.2 Line too long (RFC 5321 4.5.3.1.4: at most 512 octets)\r\n250 2.0.0 Ok\r\n");
  harness.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
  CHECK(harness.send("short\r\n" + std::string(1200, 'z') + "\r\n").empty());  // no reply inside DATA
  CHECK(harness.send(".\r\n") == "500 5.5.6 Line too long (RFC 5321 4.5.3.1.6: at most 1000 octets)\r\n");
  CHECK(harness.events_of<MessageAccepted>().empty());
  // 512 octets with the CRLF is a command line's limit (RFC 5321 §4.5.3.1.4): 510 + CRLF is fine,
  // 511 + CRLF is not; a bare LF counts as the line end it stands for.
  CHECK(harness.send("NOOP " + std::string(505, 'n') + "\r\n") == "250 2.0.0 Ok\r\n");
  CHECK(harness.send("NOOP " + std::string(506, 'n') + "\r\n") ==
        "500 5.5.2 Line too long (RFC 5321 4.5.3.1.4: at most 512 octets)\r\n");
  CHECK(harness.send("NOOP " + std::string(506, 'n') + "\n") == "250 2.0.0 Ok\r\n");
  // A 998-character line plus CRLF is exactly the limit and is fine.
  harness.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
  CHECK(harness.send(std::string(998, 'k') + "\r\n.\r\n") == "250 2.0.0 Ok: queued\r\n");
}

TEST_CASE("server: too many errors end the session with 421", "[smtp][server_errors]") {
  ServerOptions config = relay_options();
  config.max_errors = 3;
  ServerDriver harness(config);
  std::string output = harness.send("A\r\nB\r\nC\r\nD\r\n");
  CHECK(output ==
        "500 5.5.2 Command unrecognized\r\n500 5.5.2 Command unrecognized\r\n500 5.5.2 Command unrecognized\r\n"
        "421 4.7.0 mx.example.net Error: too many errors\r\n");
  CHECK(harness.server.closed());
  CHECK(harness.send("NOOP\r\n").empty());
}

TEST_CASE("server: shutdown sends 421, a dropped connection aborts the transaction", "[smtp][server_errors]") {
  ServerDriver harness(relay_options());
  harness.hello();
  harness.server.shutdown();
  CHECK(harness.output() == "421 4.3.2 mx.example.net Service not available, closing transmission channel\r\n");
  CHECK(harness.server.closed());

  ServerDriver dropped(relay_options());
  dropped.hello();
  dropped.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nhalf a message\r\n");
  dropped.server.handle_close();
  dropped.drain();
  auto closed = dropped.events_of<SessionClosed>();
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].transaction_aborted);
  CHECK(dropped.events_of<MessageAccepted>().empty());
}

TEST_CASE("server: a junk byte stream never crashes or hangs", "[smtp][server_errors]") {
  ServerDriver harness(relay_options());
  std::string junk;
  unsigned seed = 12345;
  for (int index = 0; index < 20000; ++index) {
    seed = seed * 1103515245 + 12345;
    junk += static_cast<char>((seed >> 16) & 0xFF);
  }
  harness.send(junk);
  harness.send("\r\n");
  CHECK(harness.server.closed());  // too many errors
}
