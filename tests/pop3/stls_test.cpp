// POP3 STLS (RFC 2595 §4), both ends, without the TLS itself (the host starts it): who offers it,
// when it may be used, and that nothing sent in the clear after it counts.
#include <catch2/catch.hpp>

#include "protocols/pop3/client_session.h"
#include "protocols/pop3/server_session.h"

using namespace maillab;

namespace {

std::string say(pop3::ServerSession& session, const std::string& bytes) {
  session.handle_bytes(bytes);
  return session.poll_output();
}

pop3::ServerOptions offering_stls() {
  pop3::ServerOptions options;
  options.starttls = true;
  return options;
}

}  // namespace

TEST_CASE("POP3 server: CAPA lists STLS before TLS only, STLS drops what was pipelined after it",
          "[pop3][tls]") {
  store::MailStore store;
  store.add_user("alice", "secret");
  pop3::ServerSession session(store, offering_stls());
  session.poll_output();
  CHECK(say(session, "CAPA\r\n").find("\r\nSTLS\r\n") != std::string::npos);
  // An attacker in the middle appends a command to STLS (CVE-2011-0411): it must not run.
  CHECK(say(session, "STLS\r\nUSER alice\r\n") == "+OK Begin TLS negotiation\r\n");
  CHECK(session.take_tls_request());
  CHECK_FALSE(session.take_tls_request());  // once
  CHECK(session.tls_active());
  // Now "under TLS": STLS is gone from CAPA and refused again (RFC 2595 §4).
  CHECK(say(session, "CAPA\r\n").find("STLS") == std::string::npos);
  CHECK(say(session, "STLS\r\n") == "-ERR command not permitted when TLS active\r\n");
  CHECK(say(session, "USER alice\r\n") == "+OK send PASS for alice\r\n");
}

TEST_CASE("POP3 server: STLS not offered, and not in TRANSACTION", "[pop3][tls]") {
  store::MailStore store;
  store.add_user("alice", "secret");
  pop3::ServerSession plain(store);
  plain.poll_output();
  CHECK(say(plain, "CAPA\r\n").find("STLS") == std::string::npos);
  CHECK(say(plain, "STLS\r\n") == "-ERR STLS is not offered here\r\n");
  CHECK_FALSE(plain.take_tls_request());

  pop3::ServerSession session(store, offering_stls());
  session.poll_output();
  say(session, "USER alice\r\n");
  say(session, "PASS secret\r\n");
  CHECK(say(session, "STLS\r\n") == "-ERR STLS is only valid in AUTHORIZATION state\r\n");
}

TEST_CASE("POP3 client: STLS before USER, a server without STLS gets no password", "[pop3][tls]") {
  store::MailStore store;
  store.add_user("alice", "secret");
  store.deliver("alice", "INBOX", "Subject: hi\r\n\r\nhello\r\n", 10);
  pop3::ClientOptions options;
  options.user = "alice";
  options.password = "secret";
  options.starttls = true;

  SECTION("offered: CAPA, STLS, then (after the handshake) USER") {
    pop3::ServerSession server(store, offering_stls());
    pop3::ClientSession client(options);
    client.handle_bytes(server.poll_output());
    CHECK(client.poll_output() == "CAPA\r\n");
    client.handle_bytes(say(server, "CAPA\r\n"));
    CHECK(client.poll_output() == "STLS\r\n");
    client.handle_bytes(say(server, "STLS\r\n"));
    CHECK(client.take_tls_request());
    CHECK(server.take_tls_request());
    CHECK(client.poll_output().empty());  // nothing until the handshake is done
    client.handle_tls_established();
    CHECK(client.poll_output() == "USER alice\r\n");
  }
  SECTION("not offered: the fetch fails before USER") {
    pop3::ServerSession server(store);
    pop3::ClientSession client(options);
    client.handle_bytes(server.poll_output());
    client.handle_bytes(say(server, client.poll_output()));
    CHECK(client.failed());
    CHECK(client.error() == "the server does not offer STLS: not sending the password in the clear");
    CHECK(client.poll_output() == "QUIT\r\n");
  }
  SECTION("the handshake fails: no USER, no QUIT in the clear") {
    pop3::ServerSession server(store, offering_stls());
    pop3::ClientSession client(options);
    client.handle_bytes(server.poll_output());
    client.handle_bytes(say(server, client.poll_output()));
    client.handle_bytes(say(server, client.poll_output()));
    REQUIRE(client.take_tls_request());
    client.handle_tls_failed("certificate for mail.example.org expired 3 days ago");
    CHECK(client.failed());
    CHECK(client.error() == "TLS failed: certificate for mail.example.org expired 3 days ago");
    CHECK(client.poll_output().empty());
  }
}
