#include <catch2/catch.hpp>

#include "protocols/common/base64.h"
#include "tests/support/smtp_server_driver.h"

using namespace maillab::smtp;
using maillab::common::base64_encode;
using maillab::smtp::testing::relay_options;
using maillab::smtp::testing::ServerDriver;
using maillab::smtp::testing::submission_options;

namespace {
std::string plain(std::string_view user, std::string_view password) {
  return maillab::common::base64_encode(std::string(1, '\0') + std::string(user) + '\0' + std::string(password));
}
}  // namespace

TEST_CASE("server: AUTH is offered on submission, not on relay", "[smtp][server_auth]") {
  ServerDriver submission(submission_options());
  CHECK(submission.send("EHLO laptop\r\n").find("250-AUTH PLAIN LOGIN\r\n") != std::string::npos);
  ServerDriver relay(relay_options());
  CHECK(relay.send("EHLO laptop\r\n").find("AUTH") == std::string::npos);
  CHECK(relay.send("AUTH PLAIN " + plain("alice", "wonderland") + "\r\n") == "503 5.5.1 Authentication not enabled\r\n");
}

TEST_CASE("server: AUTH PLAIN with an initial response, then MAIL on submission", "[smtp][server_auth]") {
  ServerDriver harness(submission_options());
  harness.hello();
  CHECK(harness.send("AUTH PLAIN " + plain("alice", "wonderland") + "\r\n") == "235 2.7.0 Authentication successful\r\n");
  CHECK(harness.server.session().authenticated_user == "alice");
  CHECK(harness.send("MAIL FROM:<alice@example.org>\r\n") == "250 2.1.0 Ok\r\n");
  auto succeeded = harness.events_of<AuthenticationSucceeded>();
  REQUIRE(succeeded.size() == 1);
  CHECK(succeeded[0].mechanism == "PLAIN");
  auto commands = harness.events_of<CommandReceived>();
  CHECK(commands[1].sensitive);  // the AUTH line carries the password
  CHECK(harness.events_of<SenderVerdictNeeded>()[0].session->authenticated_user == "alice");
  CHECK(harness.send("RSET\r\nAUTH PLAIN " + plain("alice", "wonderland") + "\r\n") ==
        "250 2.0.0 Ok\r\n503 5.5.1 Already authenticated\r\n");
}

TEST_CASE("server: AUTH PLAIN with a 334 challenge", "[smtp][server_auth]") {
  ServerDriver harness(submission_options());
  harness.hello();
  CHECK(harness.send("AUTH PLAIN\r\n") == "334 \r\n");
  CHECK(harness.server.state() == ServerState::auth_plain_response);
  CHECK(harness.send(plain("alice", "wonderland") + "\r\n") == "235 2.7.0 Authentication successful\r\n");
}

TEST_CASE("server: AUTH LOGIN prompts for user name and password", "[smtp][server_auth]") {
  ServerDriver harness(submission_options());
  harness.hello();
  CHECK(harness.send("AUTH LOGIN\r\n") == "334 VXNlcm5hbWU6\r\n");
  CHECK(harness.server.state() == ServerState::auth_login_username);
  CHECK(harness.send(maillab::common::base64_encode("alice") + "\r\n") == "334 UGFzc3dvcmQ6\r\n");
  CHECK(harness.server.state() == ServerState::auth_login_password);
  CHECK(harness.send(maillab::common::base64_encode("wonderland") + "\r\n") == "235 2.7.0 Authentication successful\r\n");
  CHECK(harness.events_of<AuthenticationSucceeded>()[0].mechanism == "LOGIN");
  // With the user name as initial response.
  ServerDriver initial(submission_options());
  initial.hello();
  CHECK(initial.send("AUTH LOGIN " + maillab::common::base64_encode("alice") + "\r\n") == "334 UGFzc3dvcmQ6\r\n");
  CHECK(initial.send(maillab::common::base64_encode("wrong") + "\r\n") == "535 5.7.8 Authentication credentials invalid\r\n");
}

TEST_CASE("server: 535 on bad credentials, cancel, bad base64, unknown mechanism", "[smtp][server_auth]") {
  ServerDriver harness(submission_options());
  harness.hello();
  CHECK(harness.send("AUTH PLAIN " + plain("alice", "wrong") + "\r\n") == "535 5.7.8 Authentication credentials invalid\r\n");
  CHECK(harness.events_of<AuthenticationFailed>().size() == 1);
  CHECK(harness.server.session().authenticated_user.empty());
  CHECK(harness.send("AUTH PLAIN\r\n*\r\n") == "334 \r\n501 5.0.0 Authentication aborted\r\n");
  CHECK(harness.send("AUTH PLAIN !!!\r\n") == "501 5.5.2 Cannot decode response\r\n");
  CHECK(harness.send("AUTH PLAIN " + maillab::common::base64_encode("no nul bytes") + "\r\n") == "501 5.5.2 Invalid PLAIN response\r\n");
  CHECK(harness.send("AUTH CRAM-MD5\r\n") == "504 5.5.4 Unrecognized authentication type\r\n");
  CHECK(harness.server.state() == ServerState::ready);
}

TEST_CASE("server: AUTH can be hidden until TLS (RFC 4954 §4)", "[smtp][server_auth]") {
  ServerOptions config = submission_options();
  config.advertise_auth_without_tls = false;
  ServerDriver harness(config);
  std::string ehlo = harness.send("EHLO laptop\r\n");
  CHECK(ehlo.find("AUTH") == std::string::npos);
  CHECK(ehlo.find("STARTTLS") != std::string::npos);
  CHECK(harness.send("AUTH PLAIN " + plain("alice", "wonderland") + "\r\n") ==
        "538 5.7.11 Encryption required for requested authentication mechanism\r\n");
  CHECK(harness.send("STARTTLS\r\n") == "220 2.0.0 Ready to start TLS\r\n");
  CHECK(harness.send("EHLO laptop\r\n").find("250-AUTH PLAIN LOGIN\r\n") != std::string::npos);
  CHECK(harness.send("AUTH PLAIN " + plain("alice", "wonderland") + "\r\n") == "235 2.7.0 Authentication successful\r\n");
}

TEST_CASE("server: STARTTLS resets the session and drops pipelined plaintext", "[smtp][server_auth]") {
  ServerDriver harness(relay_options());
  harness.hello();
  CHECK(harness.send("STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n") == "220 2.0.0 Ready to start TLS\r\n");
  CHECK(harness.events_of<TlsStarted>().size() == 1);
  CHECK(harness.server.session().tls);
  CHECK(harness.server.session().helo.empty());
  CHECK(harness.server.state() == ServerState::waiting_for_hello);
  CHECK(harness.events_of<SenderVerdictNeeded>().empty());  // the injected MAIL was thrown away
  CHECK(harness.send("MAIL FROM:<a@example.org>\r\n") == "503 5.5.1 Bad sequence of commands: Send HELO/EHLO first\r\n");
  std::string ehlo = harness.send("EHLO client.example.org\r\n");
  CHECK(ehlo.find("STARTTLS") == std::string::npos);  // not offered again
  CHECK(harness.send("STARTTLS\r\n") == "503 5.5.1 TLS already active\r\n");
}

TEST_CASE("server: implicit TLS (465) starts with TLS and offers no STARTTLS", "[smtp][server_auth]") {
  ServerOptions config = submission_options();
  config.mode = ServerMode::implicit_tls;
  ServerDriver harness(config);
  CHECK(harness.server.session().tls);
  std::string ehlo = harness.send("EHLO laptop\r\n");
  CHECK(ehlo.find("STARTTLS") == std::string::npos);
  CHECK(ehlo.find("AUTH PLAIN LOGIN") != std::string::npos);
}

TEST_CASE("server: events share the session's facts, and keep them as they were when made", "[smtp][server_auth]") {
  // The verdict events of a session point at one SessionInfo while nothing about the client
  // changes; logging in (or EHLO, STARTTLS) makes the session a new one, and an event the caller
  // still holds goes on saying what was true when it was made.
  ServerOptions config = relay_options();
  config.offer_auth_on_relay = true;
  ServerDriver harness(config);
  harness.hello();
  harness.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRSET\r\n");
  CHECK(harness.send("AUTH PLAIN " + plain("alice", "wonderland") + "\r\n") == "235 2.7.0 Authentication successful\r\n");
  harness.send("MAIL FROM:<a@example.org>\r\n");
  const auto senders = harness.events_of<SenderVerdictNeeded>();
  const auto recipients = harness.events_of<RecipientVerdictNeeded>();
  REQUIRE(senders.size() == 2);
  REQUIRE(recipients.size() == 1);
  CHECK(senders[0].session.get() == recipients[0].session.get());
  CHECK(senders[0].session->authenticated_user.empty());
  CHECK(senders[0].session->helo == "client.example.org");
  CHECK(senders[1].session != senders[0].session);
  CHECK(senders[1].session->authenticated_user == "alice");
  CHECK(senders[1].session->helo == "client.example.org");
  CHECK(harness.server.session().authenticated_user == "alice");
}
