#include <set>

#include <catch2/catch.hpp>

#include "protocols/pop3/md5.h"
#include "protocols/pop3/server_session.h"

using namespace maillab;
using pop3::ServerSession;
using pop3::ServerState;

namespace {

const std::string first = "From: a@x\r\nSubject: one\r\n\r\nline 1\r\n.dot line\r\nline 3\r\n";
const std::string second = "From: b@x\r\nSubject: two\r\n\r\nhello\r\n";

struct Fixture {
  store::MailStore store;
  Fixture() {
    store.add_user("alice", "secret");
    store.deliver("alice", "INBOX", first, 10);
    store.deliver("alice", "INBOX", second, 20);
  }
};

// Sends one chunk and returns what the server answered.
std::string say(ServerSession& session, const std::string& bytes) {
  session.handle_bytes(bytes);
  return session.poll_output();
}

void login(ServerSession& session) {
  REQUIRE(say(session, "USER alice\r\n") == "+OK send PASS for alice\r\n");
  REQUIRE(say(session, "PASS secret\r\n") == "+OK alice's maildrop has 2 messages (" +
                                                 std::to_string(first.size() + second.size()) +
                                                 " octets)\r\n");
}

}  // namespace

TEST_CASE("POP3 greeting carries the APOP timestamp", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store, {"pop.example", "<1.2@pop.example>", 512});
  CHECK(session.poll_output() == "+OK pop.example POP3 server ready <1.2@pop.example>\r\n");
  CHECK(session.state() == ServerState::authorization);
}

TEST_CASE("POP3 USER/PASS, STAT, LIST, UIDL", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  login(session);
  CHECK(session.state() == ServerState::transaction);
  CHECK(say(session, "STAT\r\n") == "+OK 2 " + std::to_string(first.size() + second.size()) + "\r\n");
  CHECK(say(session, "LIST\r\n") == "+OK 2 messages (" + std::to_string(first.size() + second.size()) +
                                        " octets)\r\n1 " + std::to_string(first.size()) + "\r\n2 " +
                                        std::to_string(second.size()) + "\r\n.\r\n");
  CHECK(say(session, "LIST 2\r\n") == "+OK 2 " + std::to_string(second.size()) + "\r\n");
  CHECK(say(session, "LIST 3\r\n") == "-ERR no such message, only 2 messages in maildrop\r\n");
  CHECK(say(session, "LIST x\r\n") == "-ERR invalid message number: x\r\n");
  const std::uint32_t validity = f.store.folder("alice", "INBOX")->uid_validity;
  const std::string v = std::to_string(validity);
  CHECK(say(session, "UIDL\r\n") == "+OK unique-id listing follows\r\n1 " + v + ".1\r\n2 " + v + ".2\r\n.\r\n");
  CHECK(say(session, "uidl 2\r\n") == "+OK 2 " + v + ".2\r\n");
  CHECK(say(session, "NOOP\r\n") == "+OK\r\n");
}

TEST_CASE("POP3 RETR and TOP byte-stuff lines starting with a dot", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  login(session);
  CHECK(say(session, "RETR 1\r\n") ==
        "+OK " + std::to_string(first.size()) +
            " octets\r\nFrom: a@x\r\nSubject: one\r\n\r\nline 1\r\n..dot line\r\nline 3\r\n.\r\n");
  CHECK(say(session, "TOP 1 2\r\n") ==
        "+OK top of message follows\r\nFrom: a@x\r\nSubject: one\r\n\r\nline 1\r\n..dot line\r\n.\r\n");
  CHECK(say(session, "TOP 2 0\r\n") == "+OK top of message follows\r\nFrom: b@x\r\nSubject: two\r\n\r\n.\r\n");
  CHECK(say(session, "TOP 1\r\n") == "-ERR usage: TOP msg n\r\n");
  CHECK(say(session, "RETR 9\r\n") == "-ERR no such message, only 2 messages in maildrop\r\n");
}

TEST_CASE("POP3 deletions happen only at QUIT, RSET undeletes", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  login(session);
  CHECK(say(session, "DELE 1\r\n") == "+OK message 1 deleted\r\n");
  CHECK(say(session, "DELE 1\r\n") == "-ERR message 1 already deleted\r\n");
  CHECK(say(session, "RETR 1\r\n") == "-ERR message 1 already deleted\r\n");
  CHECK(say(session, "STAT\r\n") == "+OK 1 " + std::to_string(second.size()) + "\r\n");
  CHECK(f.store.folder("alice", "INBOX")->messages.size() == 2);  // not yet
  CHECK(say(session, "RSET\r\n").rfind("+OK maildrop has 2 messages", 0) == 0);
  CHECK(say(session, "STAT\r\n") == "+OK 2 " + std::to_string(first.size() + second.size()) + "\r\n");
  CHECK(say(session, "DELE 2\r\n") == "+OK message 2 deleted\r\n");
  CHECK(say(session, "QUIT\r\n") == "+OK pop.example POP3 server signing off (1 messages left)\r\n");
  CHECK(session.closed());
  const store::Folder* inbox = f.store.folder("alice", "INBOX");
  REQUIRE(inbox->messages.size() == 1);
  CHECK(inbox->messages[0].uid == 1);  // IMAP sees message 2 gone
  CHECK_FALSE(f.store.maildrop_locked("alice"));
}

TEST_CASE("POP3 dropped connection applies no deletion and releases the lock", "[pop3][server_session]") {
  Fixture f;
  {
    ServerSession session(f.store);
    session.poll_output();
    login(session);
    say(session, "DELE 1\r\nDELE 2\r\n");
    session.handle_close();
    CHECK(session.closed());
    bool saw_warning = false;
    while (auto event = session.poll_event()) {
      if (event->kind == pop3::EventKind::error) saw_warning = true;
    }
    CHECK(saw_warning);
  }
  CHECK(f.store.folder("alice", "INBOX")->messages.size() == 2);
  CHECK_FALSE(f.store.maildrop_locked("alice"));
}

TEST_CASE("POP3 maildrop lock: a second session gets -ERR [IN-USE]", "[pop3][server_session]") {
  Fixture f;
  ServerSession one(f.store);
  ServerSession two(f.store);
  one.poll_output();
  two.poll_output();
  login(one);
  say(two, "USER alice\r\n");
  CHECK(say(two, "PASS secret\r\n") == "-ERR [IN-USE] maildrop already locked: another POP3 session is open\r\n");
  CHECK(two.state() == ServerState::authorization);
  say(one, "QUIT\r\n");
  say(two, "USER alice\r\n");
  CHECK(say(two, "PASS secret\r\n").rfind("+OK", 0) == 0);
}

TEST_CASE("POP3 errors: bad password, wrong state, unknown command, PASS before USER", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  CHECK(say(session, "PASS secret\r\n") == "-ERR send USER first\r\n");
  say(session, "USER alice\r\n");
  CHECK(say(session, "PASS wrong\r\n") == "-ERR [AUTH] invalid user name or password\r\n");
  CHECK(say(session, "STAT\r\n") == "-ERR command not valid in AUTHORIZATION state: log in first\r\n");
  CHECK(say(session, "FROB\r\n") == "-ERR unknown command: FROB\r\n");
  CHECK(say(session, "\r\n") == "-ERR empty command\r\n");
  login(session);
  CHECK(say(session, "USER bob\r\n") == "-ERR command not valid in TRANSACTION state: already logged in\r\n");
  CHECK(say(session, "DELE\r\n") == "-ERR usage: DELE msg\r\n");
  CHECK(say(session, "DELE 0\r\n") == "-ERR no such message, only 2 messages in maildrop\r\n");
}

TEST_CASE("POP3 partial lines, pipelining and over-long lines", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  CHECK(say(session, "US") == "");
  CHECK(say(session, "ER alice\r") == "");
  CHECK(say(session, "\nPASS secret\r\nSTAT\r\n").find("+OK 2 ") != std::string::npos);
  CHECK(say(session, std::string(600, 'x')) == "-ERR line too long\r\n");
  CHECK(say(session, "yyy\r\nNOOP\r\n") == "+OK\r\n");  // the tail of the long line is dropped
}

TEST_CASE("POP3 APOP logs in with the digest of timestamp + secret", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store, {"pop.example", "<1896.697170952@dbc.mtview.ca.us>", 512});
  session.poll_output();
  CHECK(say(session, "APOP alice 00000000000000000000000000000000\r\n") ==
        "-ERR [AUTH] invalid user name or digest\r\n");
  const std::string digest = pop3::md5_hex("<1896.697170952@dbc.mtview.ca.us>secret");
  CHECK(say(session, "APOP alice " + digest + "\r\n").rfind("+OK alice's maildrop has 2", 0) == 0);

  ServerSession no_apop(f.store);
  no_apop.poll_output();
  CHECK(say(no_apop, "APOP alice " + digest + "\r\n") == "-ERR APOP not available on this server\r\n");
}

TEST_CASE("POP3 CAPA lists the extensions in both states", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  const std::string capa = say(session, "CAPA\r\n");
  CHECK(capa.rfind("+OK capability list follows\r\n", 0) == 0);
  CHECK(capa.find("\r\nTOP\r\n") != std::string::npos);
  CHECK(capa.find("\r\nUIDL\r\n") != std::string::npos);
  CHECK(capa.find("\r\nPIPELINING\r\n") != std::string::npos);
  CHECK(capa.substr(capa.size() - 3) == ".\r\n");
}

TEST_CASE("POP3 message removed by IMAP during the session", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  login(session);
  f.store.remove_messages("alice", "INBOX", {1});
  CHECK(say(session, "RETR 1\r\n") == "-ERR message 1 no longer exists (removed by another client)\r\n");
}

TEST_CASE("POP3 QUIT in AUTHORIZATION and the password never reaches the trace", "[pop3][server_session]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  say(session, "USER alice\r\nPASS secret\r\n");
  bool masked = false;
  while (auto event = session.poll_event()) {
    CHECK(event->text.find("secret") == std::string::npos);
    if (event->text == "PASS ********") masked = true;
  }
  CHECK(masked);
  ServerSession other(f.store);
  other.poll_output();
  CHECK(say(other, "QUIT\r\n") == "+OK pop.example POP3 server signing off\r\n");
  CHECK(other.closed());
}

TEST_CASE("byte-stuffing round trip", "[pop3][server_session]") {
  const std::string message = ".start\r\nmiddle\r\n..two\r\n";
  const std::string stuffed = pop3::byte_stuff(message);
  CHECK(stuffed == "..start\r\nmiddle\r\n...two\r\n");
  CHECK(pop3::byte_unstuff(stuffed) == message);
  CHECK(pop3::byte_stuff("no final newline") == "no final newline\r\n");
}

TEST_CASE("POP3 server survives garbage input", "[pop3][server_session]") {
  Fixture f;
  std::uint32_t seed = 99;
  auto next = [&]() { return seed = seed * 1103515245u + 12345u; };
  const std::string pieces[] = {"USER alice", "PASS secret", "RETR ", "TOP ", "1", "-1", "99999999999",
                                " ", "\r\n", "\n", "DELE 1", "LIST", "\x00\xff", "QUIT"};
  for (int run = 0; run < 200; ++run) {
    ServerSession session(f.store);
    std::string input;
    for (int i = 0; i < 30; ++i) input += pieces[next() % (sizeof pieces / sizeof pieces[0])];
    session.handle_bytes(input);
    session.handle_bytes("\r\nQUIT\r\n");
    // Whatever came in, the server greeted, answered in whole CRLF lines, and QUIT (or too many
    // errors) closed the session: it never stalls waiting for more of a broken command.
    const std::string output = session.poll_output();
    INFO(input);
    CHECK(output.rfind("+OK ", 0) == 0);
    CHECK(output.size() >= 2);
    CHECK(output.compare(output.size() - 2, 2, "\r\n") == 0);
    CHECK(session.closed());
  }
  CHECK_FALSE(f.store.maildrop_locked("alice"));  // every session released the lock
}

TEST_CASE("POP3 autologout: no reply, no UPDATE, the lock released (RFC 1939 §3)", "[pop3][idle]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  login(session);
  REQUIRE(say(session, "DELE 1\r\n").rfind("+OK", 0) == 0);
  session.handle_idle_timeout();
  CHECK(session.poll_output().empty());
  CHECK(session.closed());
  CHECK_FALSE(f.store.maildrop_locked("alice"));
  CHECK(f.store.folder("alice", "INBOX")->messages.size() == 2);
  bool said = false;
  while (auto event = session.poll_event())
    if (event->text.find("autologout: no command for 10 minutes") != std::string::npos) said = true;
  CHECK(said);
}

TEST_CASE("POP3 command table: every command is refused outside its state", "[pop3][server_session][commands]") {
  std::set<std::string_view> keywords;
  for (const auto& row : ServerSession::command_table()) {
    INFO(row.keyword);
    CHECK(keywords.insert(row.keyword).second);
    CHECK(row.reference.rfind("RFC ", 0) == 0);
    Fixture f;
    ServerSession session(f.store);
    session.poll_output();
    const std::string line = std::string(row.keyword) + " 1\r\n";
    if (!(row.allowed_states & pop3::state_bit(ServerState::authorization)))
      CHECK(say(session, line) == "-ERR command not valid in AUTHORIZATION state: log in first\r\n");
    login(session);
    if (!(row.allowed_states & pop3::state_bit(ServerState::transaction)))
      CHECK(say(session, line) == "-ERR command not valid in TRANSACTION state: already logged in\r\n");
  }
  // RFC 1939's commands plus CAPA (RFC 2449) and STLS (RFC 2595).
  CHECK(keywords == std::set<std::string_view>{"USER", "PASS", "APOP", "STLS", "CAPA", "STAT", "LIST", "UIDL",
                                               "RETR", "TOP", "DELE", "RSET", "NOOP", "QUIT"});
}

TEST_CASE("POP3 login_requires_tls: no USER in CAPA and USER refused until STLS, APOP still works",
          "[pop3][server_session][tls]") {
  Fixture f;
  pop3::ServerOptions options;
  options.hostname = "pop.example";
  options.greeting_timestamp = "<1.2@pop.example>";
  options.starttls = true;
  options.login_requires_tls = true;
  ServerSession session(f.store, options);
  session.poll_output();
  const std::string capa = say(session, "CAPA\r\n");
  CHECK(capa.find("USER\r\n") == std::string::npos);
  CHECK(capa.find("STLS\r\n") != std::string::npos);
  CHECK(say(session, "USER alice\r\n") == "-ERR [AUTH] plaintext login is disabled until TLS: STLS first\r\n");
  // APOP sends a digest, not the password (RFC 1939 §7).
  CHECK(say(session, "APOP alice " + pop3::md5_hex("<1.2@pop.example>secret") + "\r\n").rfind("+OK alice's maildrop", 0) == 0);

  ServerSession other(f.store, options);
  other.poll_output();
  CHECK(say(other, "STLS\r\n") == "+OK Begin TLS negotiation\r\n");
  CHECK(other.take_tls_request());
  CHECK(say(other, "CAPA\r\n").find("USER\r\n") != std::string::npos);
}
