#include <catch2/catch.hpp>

#include "protocols/smtp/received.h"
#include "tests/support/smtp_server_driver.h"

using namespace maillab::smtp;
using maillab::smtp::testing::relay_options;
using maillab::smtp::testing::ServerDriver;

TEST_CASE("server: a full happy-path dialogue with exact replies", "[smtp][server]") {
  ServerDriver harness(relay_options());
  CHECK(harness.greeting == "220 mx.example.net ESMTP maillab\r\n");
  CHECK(harness.server.state() == ServerState::waiting_for_hello);
  CHECK(harness.send("EHLO client.example.org\r\n") ==
        "250-mx.example.net greets client.example.org\r\n"
        "250-PIPELINING\r\n"
        "250-SIZE 10485760\r\n"
        "250-STARTTLS\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-8BITMIME\r\n"
        "250 DSN\r\n");
  CHECK(harness.server.state() == ServerState::ready);
  CHECK(harness.send("MAIL FROM:<alice@example.org> SIZE=40\r\n") == "250 2.1.0 Ok\r\n");
  CHECK(harness.server.state() == ServerState::sender_accepted);
  CHECK(harness.send("RCPT TO:<bob@example.net>\r\n") == "250 2.1.5 Ok\r\n");
  CHECK(harness.send("RCPT TO:<carol@example.net>\r\n") == "250 2.1.5 Ok\r\n");
  CHECK(harness.server.state() == ServerState::recipients_accepted);
  CHECK(harness.send("DATA\r\n") == "354 End data with <CR><LF>.<CR><LF>\r\n");
  CHECK(harness.server.state() == ServerState::receiving_data);
  CHECK(harness.send("Subject: hi\r\n\r\nHello Bob\r\n.\r\n") == "250 2.0.0 Ok: queued\r\n");
  CHECK(harness.server.state() == ServerState::ready);
  CHECK(harness.send("NOOP\r\n") == "250 2.0.0 Ok\r\n");
  CHECK(harness.send("QUIT\r\n") == "221 2.0.0 mx.example.net Service closing transmission channel\r\n");
  CHECK(harness.server.closed());

  auto accepted = harness.events_of<MessageAccepted>();
  REQUIRE(accepted.size() == 1);
  CHECK(accepted[0].envelope.reverse_path == "alice@example.org");
  CHECK(accepted[0].envelope.recipients == std::vector<std::string>{"bob@example.net", "carol@example.net"});
  CHECK(*accepted[0].message == "Subject: hi\r\n\r\nHello Bob\r\n");
  CHECK(accepted[0].session->helo == "client.example.org");
  CHECK(accepted[0].session->client_address == "192.0.2.10");
  CHECK(accepted[0].session->esmtp);
  auto senders = harness.events_of<SenderVerdictNeeded>();
  REQUIRE(senders.size() == 1);
  CHECK(senders[0].parameters.size == 40u);
  CHECK(harness.events_of<RecipientVerdictNeeded>().size() == 2);
  auto closed = harness.events_of<SessionClosed>();
  REQUIRE(closed.size() == 1);
  CHECK_FALSE(closed[0].transaction_aborted);
  // Every command and reply line is an event, in order, for the trace.
  auto commands = harness.events_of<CommandReceived>();
  REQUIRE(commands.size() == 7);  // EHLO MAIL RCPT RCPT DATA NOOP QUIT
  CHECK(commands[0].line == "EHLO client.example.org");
  CHECK(harness.events_of<ReplySent>().front().line == "220 mx.example.net ESMTP maillab");
}

TEST_CASE("server: pipelined MAIL/RCPT/RCPT/DATA in one handle_bytes, verdicts answered later", "[smtp][server]") {
  ServerDriver harness(relay_options(), false);
  harness.hello();
  std::string output = harness.send(
      "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<nobody@example.net>\r\nDATA\r\n");
  CHECK(output.empty());  // waiting for the MAIL verdict; the rest stays buffered
  CHECK(harness.server.state() == ServerState::waiting_sender_verdict);
  REQUIRE(harness.events_of<SenderVerdictNeeded>().size() == 1);
  CHECK(harness.events_of<RecipientVerdictNeeded>().empty());

  harness.server.decide(make_reply(250, "2.1.0", "Sender ok"));
  harness.drain();
  CHECK(harness.server.state() == ServerState::waiting_recipient_verdict);
  harness.server.decide(make_reply(250, "2.1.5", "Recipient ok"));
  harness.drain();
  auto recipients = harness.events_of<RecipientVerdictNeeded>();
  REQUIRE(recipients.size() == 2);
  CHECK(recipients[1].recipient == "nobody@example.net");
  CHECK(recipients[1].recipients_accepted == 1);
  harness.server.decide(make_reply(550, "5.1.1", "<nobody@example.net>: Recipient address rejected: User unknown"));
  CHECK(harness.output() ==
        "250 2.1.0 Sender ok\r\n"
        "250 2.1.5 Recipient ok\r\n"
        "550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown\r\n"
        "354 End data with <CR><LF>.<CR><LF>\r\n");
  CHECK(harness.server.envelope().recipients == std::vector<std::string>{"bob@example.net"});

  // The message and QUIT pipelined together: QUIT waits behind the message verdict.
  CHECK(harness.send("Subject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n").empty());
  auto pending = harness.events_of<MessageVerdictNeeded>();
  REQUIRE(pending.size() == 1);
  CHECK(*pending[0].message == "Subject: x\r\n\r\nbody\r\n");
  harness.server.decide(make_reply(250, "2.0.0", "Ok: queued as 4F2A"));
  CHECK(harness.output() == "250 2.0.0 Ok: queued as 4F2A\r\n221 2.0.0 mx.example.net Service closing transmission channel\r\n");
  REQUIRE(harness.events_of<MessageAccepted>().size() == 1);
  // One text for the verdict and the acceptance: the same shared copy, not a copy of it.
  CHECK(harness.events_of<MessageAccepted>()[0].message == pending[0].message);
}

TEST_CASE("server: a message waiting for its verdict outlives the session that received it", "[smtp][server]") {
  // The engine may hear the verdict after the connection (and its session) went away: the event
  // owns the text, so a policy still reads it then.
  MessageVerdictNeeded pending;
  {
    ServerDriver harness(relay_options(), false);
    harness.hello();
    harness.send("MAIL FROM:<a@example.org>\r\n");
    harness.server.accept();
    harness.send("RCPT TO:<b@example.net>\r\n");
    harness.server.accept();
    harness.send("DATA\r\nSubject: kept\r\n\r\nbody\r\n.\r\n");
    REQUIRE(harness.server.state() == ServerState::waiting_message_verdict);
    auto waiting = harness.events_of<MessageVerdictNeeded>();
    REQUIRE(waiting.size() == 1);
    pending = std::move(waiting[0]);
    harness.server.handle_close();
    harness.events.clear();
  }
  REQUIRE(pending.message);
  CHECK(*pending.message == "Subject: kept\r\n\r\nbody\r\n");
  CHECK(pending.message.use_count() == 1);  // neither the session nor its events hold it now
}

TEST_CASE("server: a synchronous policy decides without waiting", "[smtp][server]") {
  struct Policy : ServerPolicy {
    Reply check_recipient(const RecipientVerdictNeeded& request) override {
      if (request.recipient == "bob@example.net") return make_reply(250, "2.1.5", "Ok");
      return make_reply(550, "5.1.1", "User unknown");
    }
    Reply check_message(const MessageVerdictNeeded&) override { return make_reply(552, "5.2.2", "Mailbox full"); }
  } policy;
  ServerOptions config = relay_options();
  config.policy = &policy;
  ServerDriver harness(config, false);
  harness.hello();
  CHECK(harness.send("MAIL FROM:<>\r\nRCPT TO:<eve@example.net>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n") ==
        "250 2.1.0 Ok\r\n550 5.1.1 User unknown\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n");
  CHECK(harness.send("x\r\n.\r\n") == "552 5.2.2 Mailbox full\r\n");
  auto refused = harness.events_of<MessageRefused>();
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].envelope.reverse_path.empty());  // the null sender <>
  CHECK(refused[0].reply.code == 552);
  CHECK(harness.events_of<MessageAccepted>().empty());
}

TEST_CASE("server: dot-unstuffing and the lone-dot line", "[smtp][server]") {
  ServerDriver harness(relay_options());
  harness.hello();
  harness.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
  CHECK(harness.send("Subject: dots\r\n\r\n..leading dot\r\n..\r\n...\r\nlast\r\n.\r\n") == "250 2.0.0 Ok: queued\r\n");
  auto accepted = harness.events_of<MessageAccepted>();
  REQUIRE(accepted.size() == 1);
  CHECK(*accepted[0].message == "Subject: dots\r\n\r\n.leading dot\r\n.\r\n..\r\nlast\r\n");
}

TEST_CASE("server: bare LF does not end DATA (no SMTP smuggling)", "[smtp][server]") {
  ServerDriver harness(relay_options());
  harness.hello();
  harness.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
  CHECK(harness.send("x\n.\nMAIL FROM:<evil@example.org>\r\n").empty());
  CHECK(harness.server.state() == ServerState::receiving_data);
  CHECK(harness.send(".\r\n") == "250 2.0.0 Ok: queued\r\n");
}

TEST_CASE("server: partial lines split across handle_bytes calls, byte by byte", "[smtp][server]") {
  std::string dialogue =
      "EHLO client.example.org\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n"
      "Subject: split\r\n\r\nbody line\r\n.\r\nQUIT\r\n";
  ServerDriver whole(relay_options());
  std::string expected = whole.send(dialogue);
  ServerDriver split(relay_options());
  std::string output;
  for (char c : dialogue) output += split.send(std::string(1, c));
  CHECK(output == expected);
  CHECK(split.events_of<MessageAccepted>().size() == 1);
  CHECK(*split.events_of<MessageAccepted>()[0].message == "Subject: split\r\n\r\nbody line\r\n");
  // A CRLF split between two calls.
  ServerDriver crlf(relay_options());
  CHECK(crlf.send("NOOP\r").empty());
  CHECK(crlf.send("\n") == "250 2.0.0 Ok\r\n");
}

TEST_CASE("server: RSET, HELO without enhanced codes, VRFY and HELP", "[smtp][server]") {
  ServerDriver harness(relay_options());
  CHECK(harness.send("HELO old.example.org\r\n") == "250 mx.example.net\r\n");
  CHECK_FALSE(harness.server.session().esmtp);
  // RFC 2034: no enhanced codes for a client that did not say EHLO.
  CHECK(harness.send("MAIL FROM:<a@example.org>\r\n") == "250 Ok\r\n");
  CHECK(harness.send("RSET\r\n") == "250 Ok\r\n");
  CHECK(harness.server.state() == ServerState::ready);
  CHECK(harness.server.envelope().reverse_path.empty());
  CHECK(harness.send("MAIL FROM:<a@example.org> SIZE=10\r\n") == "555 MAIL parameters are only allowed after EHLO\r\n");
  harness.hello();
  CHECK(harness.send("VRFY bob\r\n") == "252 2.1.5 Cannot VRFY user, but will accept message and attempt delivery\r\n");
  std::string help = harness.send("HELP\r\n");
  CHECK(help.starts_with("214-2.0.0 "));
  CHECK(help.find("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET") != std::string::npos);
}

TEST_CASE("server: the command table and state names are available for lessons", "[smtp][server]") {
  auto table = ServerSession::command_table();
  REQUIRE(table.size() == 13);
  CHECK(table[2].verb == "MAIL");
  CHECK((table[2].allowed_states & state_bit(ServerState::ready)) != 0);
  CHECK((table[2].allowed_states & state_bit(ServerState::sender_accepted)) == 0);
  CHECK(to_string(ServerState::waiting_recipient_verdict) == "waiting_recipient_verdict");
}

TEST_CASE("server: Received header for an authenticated TLS submission", "[smtp][server]") {
  SessionInfo session;
  session.server_hostname = "smtp.example.org";
  session.client_address = "192.0.2.10";
  session.client_name = "laptop.example.org";
  session.helo = "laptop";
  session.esmtp = true;
  session.tls = true;
  session.authenticated_user = "alice";
  CHECK(protocol_keyword(session) == "ESMTPSA");
  CHECK(received_value(session, "4F2A", "bob@example.net", 1795547169) ==
        "from laptop (laptop.example.org [192.0.2.10]) by smtp.example.org with ESMTPSA id 4F2A "
        "for <bob@example.net>; Tue, 24 Nov 2026 19:06:09 +0000");
  std::string header = received_header(session, "4F2A", "bob@example.net", 1795547169);
  CHECK(header.starts_with("Received: from laptop"));
  CHECK(header.find("\r\n ") != std::string::npos);  // folded
  session.tls = false;
  session.authenticated_user.clear();
  session.client_name.clear();
  CHECK(protocol_keyword(session) == "ESMTP");
  CHECK(received_value(session, "", "", 0).starts_with("from laptop (unknown [192.0.2.10]) by smtp.example.org with ESMTP;"));
}

TEST_CASE("server: every state change is one StateChanged event, in order", "[smtp][server][state]") {
  ServerDriver harness(relay_options());
  harness.send("EHLO client.example.org\r\n");
  harness.send("RSET\r\n");  // ready stays ready: no event
  harness.send("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<carol@example.net>\r\n");
  harness.send("DATA\r\n");
  harness.send("Subject: hi\r\n\r\nHello\r\n.\r\n");
  harness.send("QUIT\r\n");
  std::vector<std::string> states;
  for (const auto& changed : harness.events_of<StateChanged>()) states.emplace_back(to_string(changed.state));
  std::vector<std::string> expected;
  for (ServerState state : {ServerState::waiting_for_hello, ServerState::ready, ServerState::waiting_sender_verdict,
                            ServerState::sender_accepted, ServerState::waiting_recipient_verdict,
                            ServerState::recipients_accepted, ServerState::waiting_recipient_verdict,
                            ServerState::recipients_accepted, ServerState::receiving_data,
                            ServerState::waiting_message_verdict, ServerState::ready, ServerState::closed})
    expected.emplace_back(to_string(state));
  CHECK(states == expected);
  CHECK(harness.server.state() == ServerState::closed);
}

TEST_CASE("server: the message text is what was sent, whatever SIZE declared", "[smtp][server]") {
  // RFC 1870 §6: SIZE is the client's estimate; the server takes the text it is sent, more or less.
  const std::string text = "Subject: sizes\r\n\r\n" + std::string(300, 'x') + "\r\n..leading dot\r\n";
  const std::string unstuffed = "Subject: sizes\r\n\r\n" + std::string(300, 'x') + "\r\n.leading dot\r\n";
  const std::vector<std::string> declared = {"", " SIZE=10", " SIZE=" + std::to_string(unstuffed.size()), " SIZE=5000000"};
  for (const std::string& size : declared) {
    INFO(size);
    ServerDriver harness(relay_options());
    harness.hello();
    CHECK(harness.send("MAIL FROM:<a@example.org>" + size + "\r\nRCPT TO:<b@example.net>\r\nDATA\r\n" + text +
                       ".\r\n")
              .ends_with("250 2.0.0 Ok: queued\r\n"));
    const auto accepted = harness.events_of<MessageAccepted>();
    REQUIRE(accepted.size() == 1);
    CHECK(*accepted[0].message == unstuffed);
  }
}
