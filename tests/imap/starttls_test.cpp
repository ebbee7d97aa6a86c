// IMAP STARTTLS (RFC 3501 §6.2.1), both ends, without the TLS itself (the host starts it).
#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"
#include "protocols/imap/command_runner.h"

using namespace maillab;
using namespace maillab::imap::testing;
using imap::ServerSession;

namespace {
imap::ServerOptions offering_starttls() {
  imap::ServerOptions options;
  options.starttls = true;
  return options;
}
}  // namespace

TEST_CASE("IMAP server: STARTTLS offered before TLS only, what was pipelined after it is dropped",
          "[imap][tls]") {
  Fixture f;
  ServerSession session(f.store, offering_starttls());
  CHECK(session.poll_output().find(" STARTTLS ") != std::string::npos);
  // CVE-2011-0411: a command injected after STARTTLS in the clear must not run.
  CHECK(say(session, "a1 STARTTLS\r\na2 LOGIN bob hunter2\r\n") == "a1 OK Begin TLS negotiation now\r\n");
  CHECK(session.take_tls_request());
  CHECK_FALSE(session.take_tls_request());
  CHECK(session.state() == imap::ServerState::not_authenticated);
  CHECK(say(session, "a3 CAPABILITY\r\n").find("STARTTLS") == std::string::npos);
  CHECK(say(session, "a4 STARTTLS\r\n") == "a4 BAD TLS is already active\r\n");
  CHECK(say(session, "a5 LOGIN bob hunter2\r\n").rfind("a5 OK ", 0) == 0);
  CHECK(say(session, "a6 STARTTLS\r\n") == "a6 NO already authenticated\r\n");
}

TEST_CASE("IMAP server: no STARTTLS when not offered or on 993", "[imap][tls]") {
  Fixture f;
  ServerSession plain(f.store);
  CHECK(plain.poll_output().find("STARTTLS") == std::string::npos);
  CHECK(say(plain, "a1 STARTTLS\r\n") == "a1 BAD STARTTLS is not offered here\r\n");
  imap::ServerOptions implicit = offering_starttls();
  implicit.tls_active = true;
  ServerSession on_993(f.store, implicit);
  CHECK(on_993.poll_output().find("STARTTLS") == std::string::npos);
}

TEST_CASE("IMAP client: STARTTLS before LOGIN, a server without it gets no password", "[imap][tls]") {
  Fixture f;
  SECTION("offered") {
    ServerSession server(f.store, offering_starttls());
    imap::CommandRunner client("bob", "hunter2", true);
    client.handle_bytes(server.poll_output());
    CHECK(client.poll_output() == "A1 STARTTLS\r\n");
    client.handle_bytes(say(server, "A1 STARTTLS\r\n"));
    REQUIRE(client.take_tls_request());
    REQUIRE(server.take_tls_request());
    CHECK(client.poll_output().empty());  // LOGIN waits for the handshake
    CHECK(client.capabilities().empty()); // what was learnt in the clear is forgotten
    client.handle_tls_established();
    CHECK(client.poll_output() == "A2 LOGIN \"bob\" \"hunter2\"\r\n");
  }
  SECTION("a greeting without capabilities: CAPABILITY first") {
    imap::CommandRunner client("bob", "hunter2", true);
    client.handle_bytes("* OK ready\r\n");
    CHECK(client.poll_output() == "A1 CAPABILITY\r\n");
    client.handle_bytes("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\nA1 OK done\r\n");
    CHECK(client.failed());
    CHECK(client.error() == "the server does not offer STARTTLS: not sending the password in the clear");
    CHECK(client.poll_output().empty());
  }
  SECTION("not offered") {
    ServerSession server(f.store);
    imap::CommandRunner client("bob", "hunter2", true);
    client.handle_bytes(server.poll_output());
    CHECK(client.failed());
    CHECK(client.poll_output().empty());
  }
}

TEST_CASE("IMAP login_requires_tls: LOGINDISABLED and NO [PRIVACYREQUIRED] until STARTTLS", "[imap][tls][logindisabled]") {
  // RFC 3501 §6.2.3: a server MUST be able to refuse LOGIN in the clear and says so with
  // LOGINDISABLED; RFC 5530 §3 names the reply code.
  Fixture f;
  imap::ServerOptions options;
  options.starttls = true;
  options.login_requires_tls = true;
  imap::ServerSession session(f.store, options);
  CHECK(session.poll_output().find("[CAPABILITY IMAP4rev1 LITERAL+ IDLE MOVE UNSELECT UIDPLUS STARTTLS LOGINDISABLED]") !=
        std::string::npos);
  CHECK(say(session, "a1 LOGIN bob hunter2\r\n") == "a1 NO [PRIVACYREQUIRED] LOGIN is disabled until TLS: STARTTLS first\r\n");
  CHECK(say(session, "a2 AUTHENTICATE PLAIN AGJvYgBodW50ZXIy\r\n") ==
        "a2 NO [PRIVACYREQUIRED] no password in the clear: STARTTLS first\r\n");
  CHECK(session.state() == imap::ServerState::not_authenticated);
  CHECK(say(session, "a3 STARTTLS\r\n") == "a3 OK Begin TLS negotiation now\r\n");
  CHECK(session.take_tls_request());
  CHECK(say(session, "a4 CAPABILITY\r\n").find("AUTH=PLAIN SASL-IR\r\n") != std::string::npos);
  CHECK(say(session, "a5 LOGIN bob hunter2\r\n").rfind("a5 OK ", 0) == 0);
}
