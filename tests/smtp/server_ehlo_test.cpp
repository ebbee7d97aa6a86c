// The EHLO reply, byte for byte, for each server configuration (RFC 5321 §4.1.1.1): which
// extensions a server offers depends on its options and on the session (TLS on, logged in), and
// the ReplySent events and extensions() must say the same as the bytes sent.
#include <catch2/catch.hpp>

#include "protocols/common/base64.h"
#include "tests/support/smtp_server_driver.h"

using namespace maillab::smtp;
using maillab::smtp::testing::relay_options;
using maillab::smtp::testing::ServerDriver;
using maillab::smtp::testing::submission_options;

namespace {

struct EhloRow {
  std::string what;
  ServerOptions options;
  std::string before;    // sent after the greeting, before the EHLO whose reply is checked
  std::string expected;  // that EHLO's reply
};

ServerOptions with(ServerOptions options, void (*change)(ServerOptions&)) {
  change(options);
  return options;
}

const std::string alice_plain =
    maillab::common::base64_encode(std::string("\0alice\0wonderland", 17));

// The reply's lines without their CRLF.
std::vector<std::string> lines_of(std::string_view bytes) {
  std::vector<std::string> lines;
  for (std::size_t end; (end = bytes.find("\r\n")) != std::string_view::npos; bytes.remove_prefix(end + 2))
    lines.emplace_back(bytes.substr(0, end));
  return lines;
}

}  // namespace

TEST_CASE("server: the EHLO reply of each configuration, byte for byte", "[smtp][server][ehlo]") {
  const EhloRow row = GENERATE(values<EhloRow>({
      {"relay, plain: STARTTLS, no AUTH", relay_options(), "",
       "250-mx.example.net greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-STARTTLS\r\n"
       "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"relay after STARTTLS: STARTTLS no longer offered (RFC 3207 §4.2)", relay_options(),
       "EHLO client.example.org\r\nSTARTTLS\r\n",
       "250-mx.example.net greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n"
       "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"relay with AUTH on port 25", with(relay_options(), [](ServerOptions& o) { o.offer_auth_on_relay = true; }), "",
       "250-mx.example.net greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-STARTTLS\r\n"
       "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"submission: AUTH offered", submission_options(), "",
       "250-smtp.example.org greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-STARTTLS\r\n"
       "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"submission, AUTH hidden until TLS: before it",
       with(submission_options(), [](ServerOptions& o) { o.advertise_auth_without_tls = false; }), "",
       "250-smtp.example.org greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-STARTTLS\r\n"
       "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"submission, AUTH hidden until TLS: after STARTTLS",
       with(submission_options(), [](ServerOptions& o) { o.advertise_auth_without_tls = false; }),
       "EHLO client.example.org\r\nSTARTTLS\r\n",
       "250-smtp.example.org greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n"
       "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"submission, logged in: AUTH no longer offered (RFC 4954 §4)", submission_options(),
       "EHLO client.example.org\r\nAUTH PLAIN " + alice_plain + "\r\n",
       "250-smtp.example.org greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n250-STARTTLS\r\n"
       "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"implicit TLS (465): AUTH, no STARTTLS",
       with(submission_options(), [](ServerOptions& o) { o.mode = ServerMode::implicit_tls; }), "",
       "250-smtp.example.org greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 10485760\r\n"
       "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"SIZE 100", with(relay_options(), [](ServerOptions& o) { o.max_message_size = 100; }), "",
       "250-mx.example.net greets client.example.org\r\n250-PIPELINING\r\n250-SIZE 100\r\n250-STARTTLS\r\n"
       "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n"},
      {"no size limit, no STARTTLS, no enhanced codes, no DSN: bare SIZE, 8BITMIME last",
       with(relay_options(),
            [](ServerOptions& o) {
              o.max_message_size = 0;
              o.offer_starttls = false;
              o.enhanced_status_codes = false;
              o.offer_dsn = false;
            }),
       "", "250-mx.example.net greets client.example.org\r\n250-PIPELINING\r\n250-SIZE\r\n250 8BITMIME\r\n"},
  }));
  INFO(row.what);
  ServerDriver harness(row.options);
  harness.send(row.before);
  const std::size_t replies_before = harness.events_of<ReplySent>().size();
  const std::string ehlo = harness.send("EHLO client.example.org (an argument after the domain)\r\n");
  CHECK(ehlo == row.expected);
  CHECK(harness.server.state() == ServerState::ready);
  CHECK(harness.server.session().helo == "client.example.org");

  // One ReplySent per line, the same text as sent.
  const auto replies = harness.events_of<ReplySent>();
  std::vector<std::string> reported;
  for (std::size_t index = replies_before; index < replies.size(); ++index) reported.push_back(replies[index].line);
  const std::vector<std::string> sent = lines_of(ehlo);
  CHECK(reported == sent);

  // extensions() names the keywords of the reply's lines after the greeting line.
  std::vector<std::string> keywords;
  for (std::size_t index = 1; index < sent.size(); ++index) keywords.push_back(sent[index].substr(4));
  CHECK(harness.server.extensions() == keywords);
}

TEST_CASE("server: a HELO client after an EHLO one gets replies without enhanced codes", "[smtp][server][ehlo]") {
  // RFC 2034 §3: enhanced codes only for a client that said EHLO; the reply lines written
  // straight into the output follow the same rule as every other reply.
  ServerDriver harness(relay_options());
  harness.hello("EHLO");
  CHECK(harness.send("NOOP\r\n") == "250 2.0.0 Ok\r\n");
  CHECK(harness.send("HELO client.example.org\r\n") == "250 mx.example.net\r\n");
  CHECK(harness.send("NOOP\r\n") == "250 Ok\r\n");
  CHECK(harness.send("EHLO client.example.org\r\nNOOP\r\n").ends_with("250 DSN\r\n250 2.0.0 Ok\r\n"));
}
