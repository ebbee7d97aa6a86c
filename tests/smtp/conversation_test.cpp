// The client and the server talking to each other in memory, the way the engine will connect them.
#include <catch2/catch.hpp>

#include "protocols/smtp/client_session.h"
#include "protocols/smtp/server_session.h"
#include "tests/support/smtp_server_driver.h"

using namespace maillab::smtp;

namespace {

struct Conversation {
  Conversation(ClientSession& client_session, ServerSession& server_session)
      : client(client_session), server(server_session) {}
  ClientSession& client;
  ServerSession& server;
  std::vector<ServerEvent> server_events;
  std::vector<ClientEvent> client_events;
  std::vector<std::string> transcript;  // "C: ..." and "S: ..." lines, like a trace
  // Asynchronous verdicts: called for each verdict event; returns the reply to decide with.
  std::function<Reply(const ServerEvent&)> verdict;

  void run() {
    for (int round = 0; round < 1000 && !client.finished(); ++round) {
      bool progress = false;
      std::string to_server = client.poll_output();
      if (!to_server.empty()) {
        server.handle_bytes(to_server);
        progress = true;
      }
      while (auto event = client.poll_event()) {
        if (auto* sent = std::get_if<CommandSent>(&*event)) transcript.push_back("C: " + sent->line);
        if (std::holds_alternative<StartTlsRequested>(*event)) {
          client.handle_tls_established();  // the engine marks the connection TLS on both ends
          progress = true;
        }
        client_events.push_back(std::move(*event));
      }
      while (auto event = server.poll_event()) {
        if (auto* sent = std::get_if<ReplySent>(&*event)) transcript.push_back("S: " + sent->line);
        bool needs_verdict = std::holds_alternative<SenderVerdictNeeded>(*event) ||
                             std::holds_alternative<RecipientVerdictNeeded>(*event) ||
                             std::holds_alternative<MessageVerdictNeeded>(*event);
        server_events.push_back(*event);
        if (needs_verdict) {
          server.decide(verdict ? verdict(*event) : Reply{});
          progress = true;
        }
      }
      std::string to_client = server.poll_output();
      if (!to_client.empty()) {
        client.handle_bytes(to_client);
        progress = true;
      }
      if (server.closed() && client.poll_output().empty() && !client.finished()) {
        client.handle_close();
      }
      if (!progress && client.poll_output().empty()) break;
    }
  }
};

Reply default_verdict(const ServerEvent& event) {
  if (std::holds_alternative<SenderVerdictNeeded>(event)) return make_reply(250, "2.1.0", "Ok");
  if (auto* recipient = std::get_if<RecipientVerdictNeeded>(&event)) {
    if (recipient->recipient.starts_with("nobody@")) {
      return make_reply(550, "5.1.1", "<" + recipient->recipient + ">: Recipient address rejected: User unknown");
    }
    return make_reply(250, "2.1.5", "Ok");
  }
  return make_reply(250, "2.0.0", "Ok: queued as 1A2B");
}

}  // namespace

TEST_CASE("conversation: relay delivery with PIPELINING, STARTTLS, an unknown user and dot-stuffing", "[smtp][conversation]") {
  ServerSession server(testing::relay_options(), "192.0.2.10", "relay.example.org");
  server.start();
  std::string message = "From: alice@example.org\r\nSubject: dots\r\n\r\n.starts with a dot\r\n.\r\nend\r\n";
  ClientOptions options;
  options.hostname = "relay.example.org";
  ClientSession client(options, Envelope{"alice@example.org", {"bob@example.net", "nobody@example.net"}}, message);
  Conversation conversation(client, server);
  conversation.verdict = default_verdict;
  conversation.run();

  REQUIRE(client.finished());
  CHECK(client.tls_active());
  CHECK(server.session().tls);
  CHECK(client.result().outcome == DeliveryOutcome::delivered);
  CHECK(client.recipients()[0].status == RecipientStatus::delivered);
  CHECK(client.recipients()[1].status == RecipientStatus::permanent_failure);
  CHECK(client.recipients()[1].enhanced_status == "5.1.1");

  std::vector<MessageAccepted> accepted;
  for (const auto& event : conversation.server_events) {
    if (auto* typed = std::get_if<MessageAccepted>(&event)) accepted.push_back(*typed);
  }
  REQUIRE(accepted.size() == 1);
  CHECK(*accepted[0].message == message);  // stuffed by the client, unstuffed by the server
  CHECK(accepted[0].envelope.recipients == std::vector<std::string>{"bob@example.net"});
  CHECK(accepted[0].session->tls);
  CHECK(accepted[0].session->helo == "relay.example.org");

  std::vector<std::string> expected_start = {
      "S: 220 mx.example.net ESMTP maillab", "C: EHLO relay.example.org",
      "S: 250-mx.example.net greets relay.example.org", "S: 250-PIPELINING", "S: 250-SIZE 10485760",
      "S: 250-STARTTLS", "S: 250-ENHANCEDSTATUSCODES", "S: 250-8BITMIME", "S: 250 DSN", "C: STARTTLS",
      "S: 220 2.0.0 Ready to start TLS", "C: EHLO relay.example.org"};
  REQUIRE(conversation.transcript.size() > expected_start.size());
  CHECK(std::vector<std::string>(conversation.transcript.begin(),
                                 conversation.transcript.begin() + static_cast<long>(expected_start.size())) ==
        expected_start);
  CHECK(conversation.transcript.back() == "S: 221 2.0.0 mx.example.net Service closing transmission channel");
}

TEST_CASE("conversation: submission with AUTH PLAIN after STARTTLS", "[smtp][conversation]") {
  ServerOptions config = testing::submission_options();
  config.advertise_auth_without_tls = false;
  ServerSession server(config, "192.0.2.20", "");
  server.start();
  ClientOptions options;
  options.hostname = "laptop";
  options.auth_user = "alice";
  options.auth_password = "wonderland";
  ClientSession client(options, Envelope{"alice@example.org", {"bob@example.net"}}, "Subject: hi\r\n\r\nhi\r\n");
  Conversation conversation(client, server);
  conversation.verdict = default_verdict;
  conversation.run();
  REQUIRE(client.finished());
  CHECK(client.result().outcome == DeliveryOutcome::delivered);
  bool authenticated = false;
  for (const auto& event : conversation.server_events) {
    if (auto* accepted = std::get_if<MessageAccepted>(&event)) {
      authenticated = accepted->session->authenticated_user == "alice" && accepted->session->tls;
    }
  }
  CHECK(authenticated);
}

TEST_CASE("conversation: wrong password on submission bounces every recipient", "[smtp][conversation]") {
  ServerSession server(testing::submission_options(), "192.0.2.20", "");
  server.start();
  ClientOptions options;
  options.auth_user = "alice";
  options.auth_password = "guess";
  ClientSession client(options, Envelope{"alice@example.org", {"bob@example.net"}}, "x\r\n");
  Conversation conversation(client, server);
  conversation.verdict = default_verdict;
  conversation.run();
  REQUIRE(client.finished());
  CHECK(client.result().outcome == DeliveryOutcome::permanent_failure);
  CHECK(client.recipients()[0].reply.summary() == "535 5.7.8 Authentication credentials invalid");
}

TEST_CASE("conversation: the server refuses the message at end of DATA (DMARC)", "[smtp][conversation]") {
  ServerSession server(testing::relay_options(), "192.0.2.10", "");
  server.start();
  ClientSession client(ClientOptions{}, Envelope{"ceo@bank.example", {"bob@example.net"}}, "Subject: pay\r\n\r\nnow\r\n");
  Conversation conversation(client, server);
  conversation.verdict = [](const ServerEvent& event) {
    if (std::holds_alternative<MessageVerdictNeeded>(event)) {
      return make_reply(550, "5.7.1", "Email rejected per DMARC policy for bank.example");
    }
    return default_verdict(event);
  };
  conversation.run();
  REQUIRE(client.finished());
  CHECK(client.result().outcome == DeliveryOutcome::permanent_failure);
  CHECK(client.recipients()[0].stage == "end of data");
  CHECK(client.recipients()[0].enhanced_status == "5.7.1");
}
