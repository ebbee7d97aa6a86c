#pragma once
// Shared helpers for the IMAP session tests: a store with two messages and a way to talk to a
// server session.

#include <string>

#include "protocols/imap/server_session.h"
#include "protocols/store/mail_store.h"

namespace imap_test {

inline const std::string message_one =
    "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nSubject: Lunch\r\n"
    "Message-ID: <1@example.org>\r\n\r\nShall we meet at noon?\r\n";
inline const std::string message_two =
    "From: carol@example.com\r\nTo: bob@example.net\r\nSubject: Report\r\n\r\nSee attached.\r\n";

struct Fixture {
  maillab::store::MailStore store;
  Fixture() {
    store.add_user("bob", "hunter2");
    store.deliver("bob", "INBOX", message_one, 1700000000);
    store.deliver("bob", "INBOX", message_two, 1700000100);
  }
};

inline std::string say(maillab::imap::ServerSession& session, const std::string& bytes) {
  session.handle_bytes(bytes);
  return session.poll_output();
}

// A logged-in session (greeting and login output discarded).
inline void login(maillab::imap::ServerSession& session) {
  session.poll_output();
  say(session, "L1 LOGIN bob hunter2\r\n");
}

inline void login_and_select(maillab::imap::ServerSession& session) {
  login(session);
  say(session, "S1 SELECT INBOX\r\n");
}

}  // namespace imap_test
