// BODYSTRUCTURE, BODY and part sections (RFC 3501 §6.4.5, §7.4.2) on a multipart message with an
// attachment and a forwarded message inside.
#include <catch2/catch.hpp>

#include "tests/support/imap_session_driver.h"
#include "protocols/imap/body_structure.h"

using namespace maillab;
using namespace maillab::imap::testing;
using imap::ServerSession;

namespace {

const std::string inner_message =
    "From: carol@example.com\r\nSubject: Old news\r\n\r\nInner body.\r\n";

const std::string multipart =
    "From: alice@example.org\r\nTo: bob@example.net\r\nSubject: Report\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
    "This is a MIME message.\r\n"
    "--b1\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
    "Hello Bob,\r\nthe report is attached.\r\n"
    "--b1\r\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n\r\n"
    "JVBERi0xLjQK\r\n"
    "--b1\r\n"
    "Content-Type: message/rfc822\r\n\r\n" +
    inner_message +
    "--b1--\r\n"
    "epilogue\r\n";

struct MultipartFixture : Fixture {
  MultipartFixture() { store.deliver("bob", "INBOX", multipart, 1700000200); }
};

}  // namespace

TEST_CASE("IMAP BODYSTRUCTURE of a single-part message", "[imap][bodystructure]") {
  Fixture f;
  ServerSession session(f.store);
  login_and_select(session);
  // "Shall we meet at noon?\r\n": 24 octets, 1 line; the RFC 2045 default type with charset.
  CHECK(say(session, "a1 FETCH 1 BODYSTRUCTURE\r\n") ==
        "* 1 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 24 1 NIL NIL NIL "
        "NIL))\r\na1 OK FETCH completed\r\n");
  CHECK(say(session, "a2 FETCH 1 BODY\r\n") ==
        "* 1 FETCH (BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 24 1))\r\na2 OK FETCH "
        "completed\r\n");
  // Part 1 of a single-part message is its body.
  CHECK(say(session, "a3 FETCH 1 BODY.PEEK[1]\r\n") ==
        "* 1 FETCH (BODY[1] {24}\r\nShall we meet at noon?\r\n)\r\na3 OK FETCH completed\r\n");
}

TEST_CASE("IMAP BODYSTRUCTURE of a multipart message with an attachment and a message inside",
          "[imap][bodystructure]") {
  MultipartFixture f;
  ServerSession session(f.store);
  login_and_select(session);
  const std::string structure = say(session, "a1 FETCH 3 BODYSTRUCTURE\r\n");
  INFO(structure);
  CHECK(structure.rfind("* 3 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL \"7BIT\" 35 2 "
                        "NIL NIL NIL NIL)(\"APPLICATION\" \"PDF\" (\"NAME\" \"report.pdf\") NIL NIL \"BASE64\" 12 NIL "
                        "(\"ATTACHMENT\" (\"FILENAME\" \"report.pdf\")) NIL NIL)(\"MESSAGE\" \"RFC822\" NIL NIL NIL "
                        "\"7BIT\" 57 (NIL \"Old news\" ((NIL NIL \"carol\" \"example.com\"))",
                        0) == 0);
  CHECK(structure.find("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"us-ascii\") NIL NIL \"7BIT\" 11 1 NIL NIL NIL NIL) 4 NIL "
                       "NIL NIL NIL) \"MIXED\" (\"BOUNDARY\" \"b1\") NIL NIL NIL))\r\n") != std::string::npos);
  // BODY has no extension data.
  const std::string body = say(session, "a2 FETCH 3 BODY\r\n");
  CHECK(body.find("\"MIXED\"))\r\n") != std::string::npos);
  CHECK(body.find("BOUNDARY") == std::string::npos);
}

TEST_CASE("IMAP BODY[section] of parts: numbers, MIME, HEADER and TEXT of a message inside, partial",
          "[imap][bodystructure]") {
  MultipartFixture f;
  ServerSession session(f.store);
  login_and_select(session);
  CHECK(say(session, "a1 FETCH 3 BODY.PEEK[1]\r\n") ==
        "* 3 FETCH (BODY[1] {35}\r\nHello Bob,\r\nthe report is attached.)\r\na1 OK FETCH completed\r\n");
  CHECK(say(session, "a2 FETCH 3 BODY.PEEK[2.MIME]\r\n") ==
        "* 3 FETCH (BODY[2.MIME] {143}\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
        "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n\r\n)\r\n"
        "a2 OK FETCH completed\r\n");
  CHECK(say(session, "a3 FETCH 3 BODY.PEEK[2]\r\n") ==
        "* 3 FETCH (BODY[2] {12}\r\nJVBERi0xLjQK)\r\na3 OK FETCH completed\r\n");
  CHECK(say(session, "a4 FETCH 3 BODY.PEEK[3.HEADER]\r\n") ==
        "* 3 FETCH (BODY[3.HEADER] {46}\r\nFrom: carol@example.com\r\nSubject: Old news\r\n\r\n)\r\na4 OK FETCH "
        "completed\r\n");
  CHECK(say(session, "a5 FETCH 3 BODY.PEEK[3.TEXT]\r\n") ==
        "* 3 FETCH (BODY[3.TEXT] {11}\r\nInner body.)\r\na5 OK FETCH completed\r\n");
  CHECK(say(session, "a6 FETCH 3 BODY.PEEK[3.1]\r\n") ==
        "* 3 FETCH (BODY[3.1] {11}\r\nInner body.)\r\na6 OK FETCH completed\r\n");
  CHECK(say(session, "a7 FETCH 3 BODY.PEEK[1]<6.3>\r\n") ==
        "* 3 FETCH (BODY[1]<6> {3}\r\nBob)\r\na7 OK FETCH completed\r\n");
  CHECK(say(session, "a8 FETCH 3 BODY.PEEK[3.HEADER.FIELDS (SUBJECT)]\r\n") ==
        "* 3 FETCH (BODY[3.HEADER.FIELDS (SUBJECT)] {21}\r\nSubject: Old news\r\n\r\n)\r\na8 OK FETCH completed\r\n");
  // A part that does not exist is empty.
  CHECK(say(session, "a9 FETCH 3 BODY.PEEK[9]\r\n") == "* 3 FETCH (BODY[9] {0}\r\n)\r\na9 OK FETCH completed\r\n");
  // Not PEEK: \Seen is set, as for BODY[].
  CHECK(say(session, "b1 FETCH 3 BODY[1]<0.5>\r\n").find("FLAGS (\\Seen") != std::string::npos);
  CHECK(say(session, "b2 FETCH 3 BODY[MIME]\r\n").rfind("b2 BAD MIME needs part numbers", 0) == 0);
}

TEST_CASE("MIME parsing: nesting, no closing boundary, a digest's default type", "[imap][bodystructure]") {
  const std::string nested =
      "Content-Type: multipart/mixed; boundary=outer\r\n\r\n--outer\r\n"
      "Content-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n\r\nplain\r\n--inner\r\n"
      "Content-Type: text/html\r\n\r\n<p>html</p>\r\n--inner--\r\n--outer\r\nContent-Type: multipart/digest; "
      "boundary=d\r\n\r\n--d\r\n\r\nSubject: in digest\r\n\r\nx\r\n--d--\r\n--outer\r\n\r\nunterminated";
  const auto root = imap::parse_mime(nested);
  REQUIRE(root.parts.size() == 3);
  REQUIRE(root.parts[0].parts.size() == 2);
  CHECK(root.parts[0].subtype == "alternative");
  CHECK(root.parts[0].parts[1].subtype == "html");
  CHECK(root.parts[0].parts[1].body == "<p>html</p>");
  CHECK(root.parts[1].parts[0].is_message());  // RFC 2046 §5.1.5
  CHECK(root.parts[2].body == "unterminated");
  const auto* html = imap::find_part(root, {1, 2});
  REQUIRE(html);
  CHECK(html->body == "<p>html</p>");
  const auto* in_digest = imap::find_part(root, {2, 1, 1});
  REQUIRE(in_digest);
  CHECK(in_digest->body == "x");
  CHECK(imap::find_part(root, {4}) == nullptr);
  CHECK(imap::find_part(root, {1, 2, 2}) == nullptr);
  // Deep nesting is read as opaque bodies, not recursed into without end.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "Content-Type: message/rfc822\r\n\r\n";
  const auto opaque = imap::parse_mime(deep);
  CHECK(opaque.is_message());
  CHECK_FALSE(imap::body_structure(opaque, true).empty());
}
