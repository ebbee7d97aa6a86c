// CommandRunner's IDLE (RFC 2177) and what it learns of the server's capabilities, against the
// in-memory server session and store.
#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"
#include "protocols/imap/client_responses.h"
#include "protocols/imap/command_runner.h"

using namespace maillab;
using namespace maillab::imap::testing;

namespace {

// Bytes both ways, kept so the test can look at the exact lines.
struct Wire {
  std::string to_server, to_client;
  void shuttle(imap::CommandRunner& runner, imap::ServerSession& server) {
    for (int round = 0; round < 100; ++round) {
      const std::string down = server.poll_output();
      to_client += down;
      if (!down.empty()) runner.handle_bytes(down);
      const std::string up = runner.poll_output();
      to_server += up;
      if (!up.empty()) server.handle_bytes(up);
      if (down.empty() && up.empty()) return;
    }
  }
};

}  // namespace

TEST_CASE("CommandRunner IDLE: +, pushed updates, DONE, tagged OK (RFC 2177 §3)", "[imap][client][idle]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::CommandRunner runner("bob", "hunter2");
  std::vector<std::string> untagged;
  runner.on_untagged = [&](const std::string& line) { untagged.push_back(line); };
  bool idling_called = false;
  std::string idle_status, idle_text;
  runner.command("SELECT INBOX");
  runner.idle([&] { idling_called = true; }, [&](const imap::CommandCompletion& done) {
    idle_status = done.status;
    idle_text = done.text;
  });
  Wire wire;
  wire.shuttle(runner, server);
  CHECK(wire.to_server.find("A3 IDLE\r\n") != std::string::npos);
  CHECK(wire.to_client.find("+ idling\r\n") != std::string::npos);
  CHECK(idling_called);
  CHECK(runner.idling());
  CHECK(server.idling());
  CHECK_FALSE(runner.idle());  // IDLE is still in flight

  // A delivery: the host calls poll_updates() on idling sessions; the runner hands the lines on.
  untagged.clear();
  f.store.deliver("bob", "INBOX", message_one, 1700000200);
  server.poll_updates();
  wire.shuttle(runner, server);
  REQUIRE_FALSE(untagged.empty());
  CHECK(imap::read_exists(untagged.front()) == 3u);
  CHECK(runner.idling());  // nothing is sent until the caller ends IDLE

  // Commands queued meanwhile wait for the end of IDLE.
  std::string noop_status;
  runner.command("NOOP", [&](const imap::CommandCompletion& done) { noop_status = done.status; });
  CHECK(runner.poll_output().empty());
  runner.end_idle();
  const std::size_t before = wire.to_server.size();
  wire.shuttle(runner, server);
  CHECK(wire.to_server.substr(before, 6) == "DONE\r\n");  // untagged, exactly
  CHECK(wire.to_client.find("A3 OK IDLE terminated\r\n") != std::string::npos);
  CHECK(idle_status == "OK");
  CHECK(idle_text == "IDLE terminated");
  CHECK_FALSE(runner.idling());
  CHECK(noop_status == "OK");
  CHECK(wire.to_server.find("A4 NOOP\r\n") > before);
  CHECK(runner.idle());
}

TEST_CASE("CommandRunner IDLE ended before the + arrives sends DONE right after it", "[imap][client][idle]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::CommandRunner runner("bob", "hunter2");
  bool idling_called = false;
  std::string status;
  runner.command("SELECT INBOX");
  runner.idle([&] { idling_called = true; }, [&](const imap::CommandCompletion& done) { status = done.status; });
  runner.end_idle();  // queued, not even sent
  Wire wire;
  wire.shuttle(runner, server);
  CHECK(wire.to_server.find("A3 IDLE\r\nDONE\r\n") != std::string::npos);
  CHECK_FALSE(idling_called);
  CHECK(status == "OK");
  CHECK_FALSE(runner.idling());
  CHECK_FALSE(server.idling());
}

TEST_CASE("CommandRunner: a refused or broken IDLE reaches the caller", "[imap][client][idle]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::CommandRunner runner("bob", "hunter2");
  std::vector<std::string> statuses;
  auto record = [&](const imap::CommandCompletion& done) { statuses.push_back(done.status); };
  runner.idle({}, record);  // in the authenticated state the server accepts IDLE too
  run(runner, server);
  REQUIRE(runner.idling());
  runner.handle_close();
  CHECK_FALSE(runner.idling());
  REQUIRE(statuses.size() == 1);
  CHECK(statuses[0].empty());  // aborted
  runner.idle({}, record);     // after a failure: answered at once
  CHECK(statuses.size() == 2);
  runner.end_idle();  // harmless without an IDLE
  CHECK(runner.poll_output().empty());
}

TEST_CASE("CommandRunner learns the server's capabilities from the greeting, LOGIN and CAPABILITY", "[imap][client][idle]") {
  Fixture f;
  imap::ServerSession server(f.store);
  imap::CommandRunner runner("bob", "hunter2");
  CHECK(runner.capabilities().empty());
  run(runner, server);
  CHECK(runner.has_capability("IDLE"));
  CHECK(runner.has_capability("idle"));  // atoms are case-insensitive
  CHECK(runner.has_capability("MOVE"));
  CHECK_FALSE(runner.has_capability("AUTH=PLAIN"));  // the LOGIN reply's list replaced the greeting's

  // A server that announces nothing in its greeting; an untagged CAPABILITY answers the command.
  imap::CommandRunner plain("bob", "x");
  plain.handle_bytes("* OK old server ready\r\n");
  CHECK(plain.capabilities().empty());
  plain.handle_bytes("A1 OK LOGIN completed\r\n");
  plain.command("CAPABILITY");
  plain.handle_bytes("* CAPABILITY IMAP4rev1 LITERAL+\r\nA2 OK CAPABILITY completed\r\n");
  CHECK(plain.has_capability("LITERAL+"));
  CHECK_FALSE(plain.has_capability("IDLE"));
  // Text inside a message is not a capability list.
  plain.command("FETCH 1 BODY[]");
  plain.handle_bytes("* 1 FETCH (BODY[] {21}\r\n[CAPABILITY IDLE] hi\r\n)\r\nA3 OK done\r\n");
  CHECK_FALSE(plain.has_capability("IDLE"));
}
