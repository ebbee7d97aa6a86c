#pragma once
// Drives IMAP sessions for tests: a store where bob has two messages, say() to a server session,
// login and select, and run() to shuttle bytes between a client session and a server session.

#include <string>

#include "protocols/imap/server_session.h"
#include "protocols/store/mail_store.h"

namespace maillab::imap::testing {

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

// Shuttles bytes between a client (imap::ClientSession or imap::CommandRunner) and a server
// session until both are quiet.
template <typename Client>
void run(Client& client, maillab::imap::ServerSession& server) {
  for (int round = 0; round < 1000; ++round) {
    const std::string to_client = server.poll_output();
    if (!to_client.empty()) client.handle_bytes(to_client);
    const std::string to_server = client.poll_output();
    if (!to_server.empty()) server.handle_bytes(to_server);
    if (to_client.empty() && to_server.empty()) break;
  }
}

}  // namespace maillab::imap::testing
