// Untagged updates between sessions of the same user (RFC 3501 §5.2, §7; IDLE from RFC 2177).
#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"
#include "protocols/pop3/server_session.h"

using namespace maillab;
using namespace maillab::imap::testing;
using imap::ServerSession;

TEST_CASE("IDLE pushes EXISTS when another party delivers", "[imap][server_updates]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  // The host wires the store observer to poll_updates().
  f.store.add_observer([&](const store::Change&) { session.poll_updates(); });
  CHECK(say(session, "a1 IDLE\r\n") == "+ idling\r\n");
  CHECK(session.idling());
  f.store.deliver("bob", "INBOX", message_two, 1700000300);
  CHECK(session.poll_output() == "* 3 EXISTS\r\n* 3 RECENT\r\n");
  CHECK(say(session, "DONE\r\n") == "a1 OK IDLE terminated\r\n");
  CHECK_FALSE(session.idling());
  CHECK(say(session, "a2 IDLE\r\n") == "+ idling\r\n");
  CHECK(say(session, "FOO\r\n") == "a2 BAD expected DONE to end IDLE\r\n");
}

TEST_CASE("two devices: flags, expunges and new mail reach the other session at NOOP", "[imap][server_updates]") {
  Fixture f;
  ServerSession laptop(f.store);
  ServerSession phone(f.store);
  login_and_select(laptop);
  login_and_select(phone);
  CHECK(say(laptop, "a1 STORE 1 +FLAGS (\\Seen)\r\n") == "* 1 FETCH (FLAGS (\\Seen \\Recent))\r\na1 OK STORE completed\r\n");
  CHECK(say(phone, "b1 NOOP\r\n") == "* 1 FETCH (FLAGS (\\Seen))\r\nb1 OK NOOP completed\r\n");
  CHECK(say(phone, "b2 NOOP\r\n") == "b2 OK NOOP completed\r\n");  // reported once

  say(laptop, "a2 STORE 1 +FLAGS.SILENT (\\Deleted)\r\n");
  CHECK(say(laptop, "a3 EXPUNGE\r\n") == "* 1 EXPUNGE\r\na3 OK EXPUNGE completed\r\n");
  // FETCH must not report EXPUNGE (§7.4.1): the phone still numbers the gone message.
  CHECK(say(phone, "b3 FETCH 2 UID\r\n") == "* 2 FETCH (UID 2)\r\nb3 OK FETCH completed\r\n");
  CHECK(say(phone, "b4 NOOP\r\n") == "* 1 EXPUNGE\r\nb4 OK NOOP completed\r\n");
  CHECK(say(phone, "b5 FETCH 1 UID\r\n") == "* 1 FETCH (UID 2)\r\nb5 OK FETCH completed\r\n");

  f.store.deliver("bob", "INBOX", message_one, 1700000400);
  const std::string laptop_sees = say(laptop, "a4 NOOP\r\n");
  const std::string phone_sees = say(phone, "b6 NOOP\r\n");
  CHECK(laptop_sees == "* 2 EXISTS\r\n* 2 RECENT\r\na4 OK NOOP completed\r\n");
  CHECK(phone_sees == "* 2 EXISTS\r\n* 0 RECENT\r\nb6 OK NOOP completed\r\n");  // \Recent went to the laptop
}

TEST_CASE("a POP3 deletion at QUIT is seen by an IMAP session as EXPUNGE", "[imap][server_updates]") {
  Fixture f;
  ServerSession imap_session(f.store);
  login_and_select(imap_session);
  pop3::ServerSession pop(f.store);
  pop.handle_bytes("USER bob\r\nPASS hunter2\r\nDELE 1\r\n");
  CHECK(say(imap_session, "a1 NOOP\r\n") == "a1 OK NOOP completed\r\n");  // not yet: only marked
  pop.handle_bytes("QUIT\r\n");
  CHECK(say(imap_session, "a2 NOOP\r\n") == "* 1 EXPUNGE\r\na2 OK NOOP completed\r\n");
  CHECK(say(imap_session, "a3 UID FETCH 1:* UID\r\n") == "* 1 FETCH (UID 2)\r\na3 OK UID FETCH completed\r\n");
}
