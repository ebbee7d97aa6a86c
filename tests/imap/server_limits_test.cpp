// Hostile input to the IMAP server: nesting, command size with literals, LIST patterns. Each case
// once crashed the server or grew it without bound (issue 14).

#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"
#include "protocols/imap/client_responses.h"
#include "protocols/imap/syntax.h"

using namespace maillab;
using namespace maillab::imap::testing;
using imap::ServerSession;
using imap::ServerState;

namespace {

// `total` opening parentheses spread over lines of at most `per_line`, joined by 1-octet
// LITERAL+ literals (the line limit does not stop a command that goes on after a literal).
std::string nested_search(std::size_t total, std::size_t per_line) {
  std::string command = "n1 SEARCH ";
  for (std::size_t done = 0; done < total; done += per_line) {
    command += std::string(std::min(per_line, total - done), '(');
    command += "ALL {1+}\r\nx ";
  }
  return command + "\r\n";
}

}  // namespace

TEST_CASE("IMAP parser refuses lists nested past the limit with BAD, client and server", "[imap][limits]") {
  std::string error;
  CHECK(imap::parse_values(std::string(imap::max_list_depth, '(') + std::string(imap::max_list_depth, ')'),
                           &error));
  CHECK_FALSE(imap::parse_values(std::string(imap::max_list_depth + 1, '(') +
                                     std::string(imap::max_list_depth + 1, ')'),
                                 &error));
  CHECK(error.find("nested deeper than 100") != std::string::npos);
  // The client's reader uses the same parser: a hostile server's FETCH response fails cleanly.
  CHECK_FALSE(imap::read_fetch("1 FETCH " + std::string(200000, '('), &error));
}

TEST_CASE("IMAP SEARCH with 100,000 nested parentheses is BAD and the session lives", "[imap][limits]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  session.poll_output();
  const std::string reply = say(session, nested_search(100000, 8000));
  CHECK(reply.find("n1 BAD syntax error: lists nested deeper than 100 levels") != std::string::npos);
  CHECK(session.state() == ServerState::selected);
  CHECK(say(session, "n2 NOOP\r\n") == "n2 OK NOOP completed\r\n");
}

TEST_CASE("IMAP SEARCH with a long NOT/OR chain is BAD, within and past the depth", "[imap][limits]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  session.poll_output();
  std::string nots;
  for (int i = 0; i < 97; ++i) nots += "NOT ";  // 98 NOTs and ALL: 99 levels
  CHECK(say(session, "s1 SEARCH " + nots + "NOT ALL\r\n") == "* SEARCH 1 2\r\ns1 OK SEARCH completed\r\n");
  CHECK(say(session, "s0 SEARCH NOT " + nots + "NOT ALL\r\n") == "* SEARCH\r\ns0 OK SEARCH completed\r\n");
  // 1,000 NOTs fit one line; 200,000 come with literals. Neither may recurse without bound.
  std::string chain = "s2 SEARCH ";
  for (int line = 0; line < 100; ++line) {
    for (int i = 0; i < 1000; ++i) chain += "NOT ";
    chain += "OR {1+}\r\n1 ";
  }
  CHECK(say(session, chain + "ALL ALL\r\n") ==
        "s2 BAD SEARCH keys nested deeper than 100 levels\r\n");
  CHECK(say(session, "s3 SEARCH ((((((NOT SEEN))))))\r\n") == "* SEARCH 1 2\r\ns3 OK SEARCH completed\r\n");
}

TEST_CASE("IMAP before login: chained huge LITERAL+ literals are refused, nothing is buffered", "[imap][limits]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  // The first 15 MB literal is refused at its announcement; its bytes are never held.
  std::string attack = "a1 LOGIN {15000000+}\r\n" + std::string(1 << 20, 'x');
  const std::string reply = say(session, attack);
  CHECK(reply.find("a1 BAD [TOOBIG] command too large (limit 16384 octets with its literals before login)\r\n") == 0);
  CHECK(reply.find("* BYE [TOOBIG]") != std::string::npos);
  CHECK(session.closed());
  CHECK(session.buffered_bytes() == 0);
  session.handle_bytes(std::string(1 << 20, 'x'));
  CHECK(session.buffered_bytes() == 0);
}

TEST_CASE("IMAP before login: many small LITERAL+ literals cannot add up past the limit", "[imap][limits]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  std::string reply;
  std::size_t most_buffered = 0;
  session.handle_bytes("a1 LOGIN {4000+}\r\n");
  for (int i = 0; i < 8 && !session.closed(); ++i) {
    session.handle_bytes(std::string(4000, 'x') + " {4000+}\r\n");
    most_buffered = std::max(most_buffered, session.buffered_bytes());
    reply += session.poll_output();
  }
  CHECK(session.closed());
  CHECK(reply.find("a1 BAD [TOOBIG]") == 0);
  CHECK(most_buffered <= 16384);
}

TEST_CASE("IMAP before login: a synchronizing literal past the limit is BAD and the session goes on", "[imap][limits]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  CHECK(say(session, "a1 LOGIN bob {20000}\r\n") ==
        "a1 BAD [TOOBIG] command too large (limit 16384 octets with its literals before login)\r\n");
  CHECK(session.buffered_bytes() == 0);
  CHECK(say(session, "a2 LOGIN bob {7}\r\n") == "+ Ready for literal data\r\n");
  CHECK(say(session, "hunter2\r\n").rfind("a2 OK ", 0) == 0);
  // After login a command may carry a message-sized literal.
  CHECK(say(session, "a3 APPEND INBOX {20000}\r\n") == "+ Ready for literal data\r\n");
  const std::string appended = say(session, std::string(20000, 'y') + "\r\n");
  CHECK(appended.rfind("a3 OK [APPENDUID ", 0) == 0);
  CHECK(appended.find("] APPEND completed\r\n") != std::string::npos);
}

TEST_CASE("IMAP a refused {n+} literal of more than ten digits still closes", "[imap][limits]") {
  Fixture f;
  ServerSession session(f.store);
  session.poll_output();
  // Its bytes are coming: reading them as commands would let a client inject commands.
  const std::string reply = say(session, "a1 LOGIN bob {99999999999+}\r\na2 LOGOUT\r\n");
  CHECK(reply.rfind("a1 BAD [TOOBIG] literal too large", 0) == 0);
  CHECK(reply.find("a2 OK") == std::string::npos);
  CHECK(session.closed());
}

TEST_CASE("IMAP LIST with a pathological pattern answers without recursing", "[imap][limits]") {
  Fixture f;
  ServerSession session(f.store);
  login(session);
  const std::string stars(1 << 20, '*');
  std::string pattern;
  for (int i = 0; i < 60; ++i) pattern += "*I";
  CHECK(say(session, "l1 LIST \"\" {" + std::to_string(stars.size()) + "+}\r\n" + stars + "\r\n")
            .find("* LIST (\\HasNoChildren) \"/\" INBOX\r\n") != std::string::npos);
  CHECK(say(session, "l2 LIST \"\" \"" + pattern + "x\"\r\n") == "l2 OK LIST completed\r\n");
  CHECK(say(session, "l3 LIST \"\" \"I%X\"\r\n") == "* LIST (\\HasNoChildren) \"/\" INBOX\r\nl3 OK LIST completed\r\n");
  CHECK(say(session, "l4 LIST \"\" \"%/%\"\r\n") == "l4 OK LIST completed\r\n");
}

TEST_CASE("IMAP autologout ends an IDLE with * BYE (RFC 3501 §5.4, RFC 2177)", "[imap][idle]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  session.poll_output();
  CHECK(say(session, "i1 IDLE\r\n") == "+ idling\r\n");
  session.handle_idle_timeout();
  CHECK(session.poll_output() == "* BYE autologout: no command for 30 minutes\r\n");
  CHECK(session.closed());
  CHECK(say(session, "DONE\r\n").empty());
}
