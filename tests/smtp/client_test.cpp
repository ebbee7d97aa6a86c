#include <catch2/catch.hpp>

#include "protocols/common/base64.h"
#include "protocols/smtp/client_session.h"

using namespace maillab::smtp;

namespace {

const char* ehlo_plain = "250-mx.example.net greets relay.example.org\r\n250-SIZE 1000000\r\n250 ENHANCEDSTATUSCODES\r\n";
const char* ehlo_pipelining = "250-mx.example.net\r\n250-PIPELINING\r\n250 SIZE 1000000\r\n";

ClientSession make_client(std::vector<std::string> recipients, ClientOptions options = {}) {
  if (options.hostname == "localhost") options.hostname = "relay.example.org";
  Envelope envelope{"alice@example.org", std::move(recipients)};
  return ClientSession(options, envelope, "Subject: test\r\n\r\nHello\r\n");
}

template <typename T>
std::vector<T> events_of(ClientSession& client, std::vector<ClientEvent>& seen) {
  while (auto event = client.poll_event()) seen.push_back(std::move(*event));
  std::vector<T> found;
  for (const auto& event : seen) {
    if (auto* typed = std::get_if<T>(&event)) found.push_back(*typed);
  }
  return found;
}

}  // namespace

TEST_CASE("client: one command at a time without PIPELINING, exact bytes", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net", "nobody@example.net"});
  CHECK(client.state() == ClientState::waiting_for_greeting);
  CHECK(client.poll_output().empty());
  client.handle_bytes("220 mx.example.net ESMTP\r\n");
  CHECK(client.poll_output() == "EHLO relay.example.org\r\n");
  client.handle_bytes(ehlo_plain);
  CHECK(client.capabilities().size);
  CHECK(client.poll_output() == "MAIL FROM:<alice@example.org> SIZE=24\r\n");
  client.handle_bytes("250 2.1.0 Ok\r\n");
  CHECK(client.poll_output() == "RCPT TO:<bob@example.net>\r\n");
  client.handle_bytes("250 2.1.5 Ok\r\n");
  CHECK(client.poll_output() == "RCPT TO:<nobody@example.net>\r\n");
  client.handle_bytes("550 5.1.1 <nobody@example.net>: User unknown\r\n");
  CHECK(client.poll_output() == "DATA\r\n");
  client.handle_bytes("354 go ahead\r\n");
  CHECK(client.poll_output() == "Subject: test\r\n\r\nHello\r\n.\r\n");
  CHECK(client.state() == ClientState::waiting_message_reply);
  client.handle_bytes("250 2.0.0 Ok: queued as 4F2A\r\n");
  CHECK(client.poll_output() == "QUIT\r\n");
  CHECK(client.result().outcome == DeliveryOutcome::delivered);
  CHECK_FALSE(client.finished());
  client.handle_bytes("221 2.0.0 Bye\r\n");
  CHECK(client.finished());
  CHECK(client.state() == ClientState::finished);

  const auto& recipients = client.recipients();
  CHECK(recipients[0].status == RecipientStatus::delivered);
  CHECK(recipients[0].reply.summary() == "250 2.0.0 Ok: queued as 4F2A");
  CHECK(recipients[1].status == RecipientStatus::permanent_failure);
  CHECK(recipients[1].enhanced_status == "5.1.1");
  CHECK(recipients[1].stage == "RCPT TO");
  CHECK(recipients[1].reply.summary() == "550 5.1.1 <nobody@example.net>: User unknown");
}

TEST_CASE("client: events give one record per command and reply line", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  std::vector<ClientEvent> seen;
  client.handle_bytes("220 mx ESMTP\r\n");
  client.handle_bytes(ehlo_plain);
  auto replies = events_of<ReplyReceived>(client, seen);
  REQUIRE(replies.size() == 4);
  CHECK(replies[1].line == "250-mx.example.net greets relay.example.org");
  auto commands = events_of<CommandSent>(client, seen);
  REQUIRE(commands.size() == 2);
  CHECK(commands[0].line == "EHLO relay.example.org");
  CHECK(commands[1].line == "MAIL FROM:<alice@example.org> SIZE=24");
}

TEST_CASE("client: PIPELINING batches MAIL, RCPTs and DATA", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net", "carol@example.net"});
  client.handle_bytes("220 mx ESMTP\r\n");
  client.poll_output();
  client.handle_bytes(ehlo_pipelining);
  CHECK(client.poll_output() ==
        "MAIL FROM:<alice@example.org> SIZE=24\r\nRCPT TO:<bob@example.net>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\n");
  client.handle_bytes("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n451 4.3.0 Try later\r\n354 go\r\n");
  CHECK(client.poll_output() == "Subject: test\r\n\r\nHello\r\n.\r\n");
  client.handle_bytes("250 2.0.0 Ok\r\n");
  CHECK(client.recipients()[0].status == RecipientStatus::delivered);
  CHECK(client.recipients()[1].status == RecipientStatus::temporary_failure);
  CHECK(client.result().outcome == DeliveryOutcome::delivered);
}

TEST_CASE("client: pipelined, every recipient refused: no message is sent", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  client.handle_bytes("220 mx ESMTP\r\n");
  client.handle_bytes(ehlo_pipelining);
  client.poll_output();
  client.handle_bytes("250 2.1.0 Ok\r\n550 5.1.1 no such user\r\n554 5.5.1 No valid recipients\r\n");
  CHECK(client.poll_output() == "QUIT\r\n");
  CHECK(client.result().outcome == DeliveryOutcome::permanent_failure);
  CHECK(client.recipients()[0].stage == "RCPT TO");
}

TEST_CASE("client: MAIL refused fails every recipient", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net", "carol@example.net"});
  client.handle_bytes("220 mx ESMTP\r\n");
  client.handle_bytes(ehlo_plain);
  client.poll_output();
  client.handle_bytes("550 5.7.1 Sender rejected by SPF\r\n");
  CHECK(client.poll_output() == "QUIT\r\n");
  for (const auto& recipient : client.recipients()) {
    CHECK(recipient.status == RecipientStatus::permanent_failure);
    CHECK(recipient.stage == "MAIL FROM");
    CHECK(recipient.enhanced_status == "5.7.1");
  }
  CHECK(client.result().stage == "MAIL FROM");
}

TEST_CASE("client: EHLO refused falls back to HELO, a reply without enhanced code gets x.0.0", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  client.handle_bytes("220 old.example.net SMTP\r\n");
  client.poll_output();
  client.handle_bytes("502 Command not implemented\r\n");
  CHECK(client.poll_output() == "HELO relay.example.org\r\n");
  client.handle_bytes("250 old.example.net\r\n");
  CHECK(client.poll_output() == "MAIL FROM:<alice@example.org>\r\n");  // no SIZE: not announced
  client.handle_bytes("250 ok\r\n");
  client.poll_output();
  client.handle_bytes("450 mailbox busy\r\n");
  CHECK(client.poll_output() == "QUIT\r\n");
  CHECK(client.recipients()[0].status == RecipientStatus::temporary_failure);
  CHECK(client.recipients()[0].enhanced_status == "4.0.0");
  CHECK(client.result().outcome == DeliveryOutcome::temporary_failure);
}

TEST_CASE("client: a greeting of 554 means no service", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  client.handle_bytes("554 5.3.2 mx.example.net no SMTP service here\r\n");
  CHECK(client.poll_output() == "QUIT\r\n");
  CHECK(client.recipients()[0].status == RecipientStatus::permanent_failure);
  CHECK(client.recipients()[0].stage == "greeting");
}

TEST_CASE("client: 421 in the middle ends the session with a temporary failure and no QUIT", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  std::vector<ClientEvent> seen;
  client.handle_bytes("220 mx ESMTP\r\n");
  client.handle_bytes(ehlo_plain);
  client.handle_bytes("250 2.1.0 Ok\r\n");
  client.poll_output();
  client.handle_bytes("421 4.3.2 mx.example.net shutting down\r\n");
  CHECK(client.poll_output().empty());
  CHECK(client.finished());
  CHECK(client.recipients()[0].status == RecipientStatus::temporary_failure);
  CHECK(client.recipients()[0].enhanced_status == "4.3.2");
  CHECK(client.result().outcome == DeliveryOutcome::temporary_failure);
  auto finished = events_of<DeliveryFinished>(client, seen);
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].result.outcome == DeliveryOutcome::temporary_failure);
}

TEST_CASE("client: the connection dropping mid-session is a temporary failure (4.4.2)", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  client.handle_bytes("220 mx ESMTP\r\n");
  client.handle_bytes(ehlo_plain);
  client.handle_bytes("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  CHECK(client.state() == ClientState::waiting_message_reply);
  client.handle_close();
  CHECK(client.finished());
  CHECK(client.recipients()[0].status == RecipientStatus::temporary_failure);
  CHECK(client.recipients()[0].enhanced_status == "4.4.2");
  CHECK(client.recipients()[0].reply.code == 0);
  CHECK(client.recipients()[0].reason.find("waiting_message_reply") != std::string::npos);
  // After the 250 to ".", a drop before the QUIT reply changes nothing.
  ClientSession done = make_client({"bob@example.net"});
  done.handle_bytes("220 mx ESMTP\r\n");
  done.handle_bytes(ehlo_plain);
  done.handle_bytes("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n250 2.0.0 Ok\r\n");
  done.handle_close();
  CHECK(done.result().outcome == DeliveryOutcome::delivered);
}

TEST_CASE("client: STARTTLS asks the engine to switch, then says EHLO again", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  std::vector<ClientEvent> seen;
  client.handle_bytes("220 mx ESMTP\r\n");
  client.poll_output();
  client.handle_bytes("250-mx\r\n250-STARTTLS\r\n250 PIPELINING\r\n");
  CHECK(client.poll_output() == "STARTTLS\r\n");
  client.handle_bytes("220 2.0.0 Ready to start TLS\r\n");
  CHECK(client.state() == ClientState::tls_handshake);
  CHECK(events_of<StartTlsRequested>(client, seen).size() == 1);
  CHECK(client.poll_output().empty());
  client.handle_tls_established();
  CHECK(client.tls_active());
  CHECK(client.poll_output() == "EHLO relay.example.org\r\n");
  client.handle_bytes("250-mx\r\n250 PIPELINING\r\n");
  CHECK(client.poll_output().starts_with("MAIL FROM:<alice@example.org>\r\n"));
}

TEST_CASE("client: TLS required but not offered", "[smtp][client]") {
  ClientOptions options;
  options.require_tls = true;
  ClientSession client = make_client({"bob@example.net"}, options);
  client.handle_bytes("220 mx ESMTP\r\n");
  client.handle_bytes(ehlo_plain);
  CHECK(client.poll_output() == "EHLO relay.example.org\r\nQUIT\r\n");
  CHECK(client.recipients()[0].status == RecipientStatus::temporary_failure);
  CHECK(client.recipients()[0].enhanced_status == "4.7.10");
}

TEST_CASE("client: AUTH PLAIN and AUTH LOGIN", "[smtp][client]") {
  ClientOptions options;
  options.auth_user = "alice";
  options.auth_password = "wonderland";
  ClientSession plain = make_client({"bob@example.net"}, options);
  plain.handle_bytes("220 smtp ESMTP\r\n");
  plain.poll_output();
  plain.handle_bytes("250-smtp\r\n250 AUTH PLAIN LOGIN\r\n");
  CHECK(plain.poll_output() == "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n");
  plain.handle_bytes("235 2.7.0 Authentication successful\r\n");
  CHECK(plain.poll_output() == "MAIL FROM:<alice@example.org>\r\n");

  ClientSession login = make_client({"bob@example.net"}, options);
  login.handle_bytes("220 smtp ESMTP\r\n");
  login.poll_output();
  login.handle_bytes("250-smtp\r\n250 AUTH LOGIN\r\n");
  CHECK(login.poll_output() == "AUTH LOGIN\r\n");
  login.handle_bytes("334 VXNlcm5hbWU6\r\n");
  CHECK(login.poll_output() == maillab::common::base64_encode("alice") + "\r\n");
  login.handle_bytes("334 UGFzc3dvcmQ6\r\n");
  CHECK(login.poll_output() == maillab::common::base64_encode("wonderland") + "\r\n");
  login.handle_bytes("535 5.7.8 Authentication credentials invalid\r\n");
  CHECK(login.poll_output() == "QUIT\r\n");
  CHECK(login.recipients()[0].status == RecipientStatus::permanent_failure);
  CHECK(login.recipients()[0].stage == "AUTH");
}

TEST_CASE("client: dot-stuffing", "[smtp][client]") {
  CHECK(dot_stuff(".hidden\r\n.\r\nnormal\r\n") == "..hidden\r\n..\r\nnormal\r\n.\r\n");
  CHECK(dot_stuff("no final newline") == "no final newline\r\n.\r\n");
  CHECK(dot_stuff("lf\n.dot\n") == "lf\r\n..dot\r\n.\r\n");
}

TEST_CASE("client: dot-stuffing in runs gives what stuffing line by line gives", "[smtp][client]") {
  // The reference: every line on its own, a "." doubled at its start (RFC 5321 §4.5.2).
  auto line_by_line = [](const std::string& canonical) {
    std::string out;
    std::size_t start = 0;
    while (start < canonical.size()) {
      const std::size_t end = canonical.find('\n', start);
      const std::size_t next = end == std::string::npos ? canonical.size() : end + 1;
      if (canonical[start] == '.') out += '.';
      out += canonical.substr(start, next - start);
      start = next;
    }
    return out + ".\r\n";
  };
  const char* texts[] = {"", ".\r\n", "..\r\n", ".a\r\n.b\r\n\r\n.\r\nc.\r\n", "a\r\n.\r\n",
                         "no dots\r\nat all\r\n", "x\r\n.\r\n.\r\n..\r\ny.z\r\n."};
  for (const std::string text : texts) {
    INFO(text);
    CHECK(dot_stuff(text) == line_by_line(text.empty() || text.ends_with("\r\n") ? text : text + "\r\n"));
  }
}

TEST_CASE("client: a canonical message is shared with the caller, not copied, and sent after the caller let go",
          "[smtp][client][shared]") {
  // The MTA hands each relay attempt its queue entry's text; the entry may be gone (delivered
  // elsewhere, expired) while the attempt still sends. The session's hold keeps the text.
  auto text = std::make_shared<const std::string>("Subject: shared\r\n\r\n.dot\r\nbody\r\n");
  ClientSession client(ClientOptions{.hostname = "relay.example.org"}, Envelope{"a@example.org", {"b@example.net"}},
                       text);
  CHECK(text.use_count() == 2);  // the caller's and the session's: one text
  text.reset();
  client.handle_bytes("220 mx.example.net ESMTP\r\n");
  client.handle_bytes(ehlo_pipelining);
  CHECK(client.poll_output().starts_with("EHLO relay.example.org\r\nMAIL FROM:<a@example.org> SIZE=31\r\n"));
  client.handle_bytes("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n");
  CHECK(client.poll_output() == "Subject: shared\r\n\r\n..dot\r\nbody\r\n.\r\n");
}

TEST_CASE("client: a text that is not canonical is converted in the session's own copy, the caller's left unchanged",
          "[smtp][client][shared]") {
  auto text = std::make_shared<const std::string>("Subject: lf\n\n.dot\nend");
  ClientSession client(ClientOptions{.hostname = "relay.example.org"}, Envelope{"a@example.org", {"b@example.net"}},
                       text);
  CHECK(text.use_count() == 1);
  client.handle_bytes("220 mx.example.net ESMTP\r\n");
  client.handle_bytes(ehlo_pipelining);
  client.handle_bytes("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n");
  CHECK(client.poll_output().ends_with("DATA\r\nSubject: lf\r\n\r\n..dot\r\nend\r\n.\r\n"));
  CHECK(*text == "Subject: lf\n\n.dot\nend");
}

TEST_CASE("client: without line events the bytes and the verdict are the same, and only the other events come",
          "[smtp][client]") {
  struct Run {
    std::string wire;
    std::vector<ClientEvent> events;
    std::vector<RecipientOutcome> recipients;
  };
  auto run = [](bool line_events) {
    ClientSession client(ClientOptions{.hostname = "relay.example.org", .line_events = line_events},
                         Envelope{"a@example.org", {"b@example.net", "c@example.net"}}, "Subject: t\r\n\r\nx\r\n");
    Run out;
    for (const char* reply : {"220 mx ESMTP\r\n", ehlo_plain, "250 2.1.0 Ok\r\n", "250 2.1.5 Ok\r\n",
                              "550 5.1.1 no\r\n", "354 go\r\n", "250 2.0.0 queued\r\n", "221 bye\r\n"}) {
      client.handle_bytes(reply);
      out.wire += client.poll_output();
    }
    while (auto event = client.poll_event()) out.events.push_back(std::move(*event));
    out.recipients = client.recipients();
    return out;
  };
  const Run with = run(true), without = run(false);
  CHECK(without.wire == with.wire);
  REQUIRE(without.recipients.size() == 2);
  CHECK(without.recipients[0].status == RecipientStatus::delivered);
  CHECK(without.recipients[1].status == RecipientStatus::permanent_failure);
  CHECK(without.recipients[1].reason == with.recipients[1].reason);
  std::size_t lines = 0;
  for (const auto& event : with.events)
    lines += std::holds_alternative<CommandSent>(event) || std::holds_alternative<ReplyReceived>(event);
  CHECK(lines == 16);  // 6 commands (EHLO, MAIL, two RCPT, DATA, QUIT), 10 reply lines
  REQUIRE(without.events.size() == with.events.size() - lines);
  CHECK(std::holds_alternative<MessageSent>(without.events[0]));
  CHECK(std::holds_alternative<DeliveryFinished>(without.events[1]));
}

TEST_CASE("client: the message goes out in CRLF form whether it came in CRLF, bare LF or bare CR", "[smtp][client]") {
  // A CRLF message is taken as it is (no rewrite); any other line ending is still rewritten.
  const char* messages[] = {"Subject: t\r\n\r\n.dot\r\nend", "Subject: t\n\n.dot\nend\n",
                            "Subject: t\r\r.dot\rend", "Subject: t\r\n\n.dot\r\nend\r"};
  for (const char* message : messages) {
    INFO(message);
    ClientSession client(ClientOptions{.hostname = "relay.example.org"}, Envelope{"a@example.org", {"b@example.net"}},
                         message);
    client.handle_bytes("220 mx.example.net ESMTP\r\n");
    client.handle_bytes(ehlo_pipelining);
    client.handle_bytes("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n");
    CHECK(client.poll_output().ends_with("DATA\r\nSubject: t\r\n\r\n..dot\r\nend\r\n.\r\n"));
  }
}

TEST_CASE("client: junk from the server is a temporary failure, not a crash", "[smtp][client]") {
  ClientSession client = make_client({"bob@example.net"});
  client.handle_bytes("HTTP/1.1 400 Bad Request\r\n");
  CHECK(client.finished());
  CHECK(client.recipients()[0].status == RecipientStatus::temporary_failure);
  CHECK(client.result().stage == "protocol");
}

TEST_CASE("client: a reply line split across handle_bytes calls is one line", "[smtp][client][framing]") {
  ClientSession client = make_client({"bob@example.net"});
  std::vector<ClientEvent> seen;
  client.handle_bytes("22");
  client.handle_bytes("0 mx.example.net");
  CHECK(client.poll_output().empty());  // no line end yet: no reply
  client.handle_bytes(" ESMTP\r");
  CHECK(client.poll_output().empty());  // a CR alone does not end it
  client.handle_bytes("\n250-mx.example.net\r\n250-PIPE");
  CHECK(client.poll_output() == "EHLO relay.example.org\r\n");
  client.handle_bytes("LINING\r\n250 SIZE 1000000\r\n");
  CHECK(client.capabilities().pipelining);
  const auto replies = events_of<ReplyReceived>(client, seen);
  REQUIRE(replies.size() == 4);
  CHECK(replies[0].line == "220 mx.example.net ESMTP");
  CHECK(replies[2].line == "250-PIPELINING");
  CHECK(client.poll_output() == "MAIL FROM:<alice@example.org> SIZE=24\r\nRCPT TO:<bob@example.net>\r\nDATA\r\n");
}

TEST_CASE("client: a reply line with no end in 64 KiB is a temporary failure", "[smtp][client][framing]") {
  ClientSession client = make_client({"bob@example.net"});
  std::vector<ClientEvent> seen;
  client.handle_bytes("220 mx.example.net ESMTP\r\n");
  CHECK(client.poll_output() == "EHLO relay.example.org\r\n");
  const std::string chunk(16384, 'x');
  client.handle_bytes("250-");
  for (int i = 0; i < 3; ++i) client.handle_bytes(chunk);
  CHECK_FALSE(client.finished());  // 48 KiB so far: still a line being read
  client.handle_bytes(chunk);
  CHECK(client.finished());        // past 64 KiB without a line end
  CHECK(client.recipients()[0].status == RecipientStatus::temporary_failure);
  CHECK(client.recipients()[0].enhanced_status == "4.5.0");
  CHECK(client.result().stage == "protocol");
  CHECK(client.result().reason == "reply line too long");
  client.handle_bytes("\r\n250 OK\r\n");  // the rest is ignored: the session is over
  CHECK(client.poll_output().empty());
  CHECK(events_of<ReplyReceived>(client, seen).size() == 1);  // the greeting only
}

TEST_CASE("client: BODY=8BITMIME exactly when an octet has its high bit set, wherever it is", "[smtp][client][8bitmime]") {
  const std::string ascii = "Subject: test\r\n\r\n" + std::string(40, 'a') + "\r\n";  // 59 octets
  auto mail_command = [](const std::string& message) {
    ClientSession client(ClientOptions{.hostname = "relay.example.org"}, Envelope{"alice@example.org", {"bob@example.net"}},
                         message);
    client.handle_bytes("220 mx.example.net ESMTP\r\n");
    client.poll_output();
    client.handle_bytes("250-mx.example.net\r\n250 8BITMIME\r\n");
    return client.poll_output();
  };
  CHECK(mail_command(ascii) == "MAIL FROM:<alice@example.org>\r\n");
  // One octet of 0xE9 at the start, in the eight-octet words, and in the tail after them.
  for (std::size_t at : {std::size_t{0}, std::size_t{20}, std::size_t{55}, std::size_t{56}}) {
    std::string message = ascii;
    message[at] = static_cast<char>(0xE9);
    INFO("0xE9 at " << at);
    CHECK(mail_command(message) == "MAIL FROM:<alice@example.org> BODY=8BITMIME\r\n");
  }
}

TEST_CASE("client: EHLO keywords and parameters are read without regard to case (RFC 5321 2.4)", "[smtp][client]") {
  ClientOptions options;
  options.use_pipelining = false;
  ClientSession client = make_client({"bob@example.net"}, options);
  client.handle_bytes("220 mx.example.net ESMTP\r\n");
  CHECK(client.poll_output() == "EHLO relay.example.org\r\n");
  client.handle_bytes(
      "250-mx.example.net greets relay.example.org\r\n250-pipelining\r\n250-Size 5000\r\n"
      "250-auth plain Login\r\n250-8bitMIME\r\n250-dsn\r\n250-EnhancedStatusCodes\r\n250 x-unknown  extra words\r\n");
  const ServerCapabilities& offered = client.capabilities();
  CHECK(offered.esmtp);
  CHECK(offered.pipelining);
  CHECK(offered.size);
  CHECK(offered.max_size == 5000);
  CHECK(offered.auth_mechanisms == std::vector<std::string>{"PLAIN", "LOGIN"});
  CHECK(offered.eight_bit_mime);
  CHECK(offered.dsn);
  CHECK(offered.enhanced_status_codes);
  CHECK_FALSE(offered.starttls);
  // A SIZE whose parameter is not a number announces SIZE with no limit, as does a bare SIZE.
  ClientSession other = make_client({"bob@example.net"}, options);
  other.handle_bytes("220 mx.example.net ESMTP\r\n");
  other.poll_output();
  other.handle_bytes("250-mx.example.net\r\n250-SIZE 12x\r\n250 STARTTLS\r\n");
  CHECK(other.capabilities().size);
  CHECK(other.capabilities().max_size == 0);
  CHECK(other.capabilities().starttls);
}
