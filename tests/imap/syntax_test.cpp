#include <catch2/catch.hpp>

#include "protocols/imap/message_parts.h"
#include "protocols/imap/syntax.h"

using namespace maillab::imap;

TEST_CASE("IMAP values: atoms, quoted strings, literals, lists, sections", "[imap][syntax]") {
  std::string error;
  auto values = parse_values("a1 LOGIN \"al ice\" {5}\r\nse\"cr (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10>)", &error);
  REQUIRE(values);
  REQUIRE(values->size() == 5);
  CHECK((*values)[2].text == "al ice");
  CHECK((*values)[3].literal);
  CHECK((*values)[3].text == "se\"cr");
  REQUIRE((*values)[4].is_list());
  CHECK((*values)[4].items[1].text == "BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.10>");
  CHECK_FALSE(parse_values("a1 \"unterminated", &error));
  CHECK_FALSE(parse_values("a1 (open", &error));
  CHECK_FALSE(parse_values("a1 {10}\r\nshort", &error));
  CHECK(parse_values("a \"es\\\"c\"", &error)->at(1).text == "es\"c");
}

TEST_CASE("IMAP trailing literal markers", "[imap][syntax]") {
  bool plus = false;
  CHECK(trailing_literal("a1 LOGIN bob {6}", &plus) == 6u);
  CHECK_FALSE(plus);
  CHECK(trailing_literal("a1 LOGIN bob {6+}", &plus) == 6u);
  CHECK(plus);
  CHECK_FALSE(trailing_literal("a1 NOOP", &plus));
  bool too_large = false;
  CHECK_FALSE(trailing_literal("a {99999999999999}", &plus, &too_large));
  CHECK(too_large);
}

TEST_CASE("IMAP sequence sets", "[imap][syntax]") {
  auto set = parse_sequence_set("2,4:6,9:*");
  REQUIRE(set);
  CHECK(sequence_contains(*set, 2, 10));
  CHECK_FALSE(sequence_contains(*set, 3, 10));
  CHECK(sequence_contains(*set, 5, 10));
  CHECK(sequence_contains(*set, 10, 10));
  CHECK(sequence_contains(*parse_sequence_set("*"), 7, 7));
  CHECK(sequence_contains(*parse_sequence_set("6:4"), 5, 7));
  CHECK_FALSE(parse_sequence_set("0"));
  CHECK_FALSE(parse_sequence_set("1:"));
  CHECK_FALSE(parse_sequence_set("a"));
  CHECK(format_sequence_set({1, 2, 3, 5, 7, 8}) == "1:3,5,7:8");
}

TEST_CASE("IMAP strings are quoted or sent as literals", "[imap][syntax]") {
  CHECK(quote_string("plain") == "\"plain\"");
  CHECK(quote_string("a \"b\" \\") == "\"a \\\"b\\\" \\\\\"");
  CHECK(quote_string("two\r\nlines") == "{10}\r\ntwo\r\nlines");
  CHECK(astring("INBOX") == "INBOX");
  CHECK(astring("Sent Items") == "\"Sent Items\"");
  CHECK(astring("") == "\"\"");
}

TEST_CASE("IMAP dates", "[imap][syntax]") {
  CHECK(format_date_time(0) == "01-Jan-1970 00:00:00 +0000");
  CHECK(format_date_time(1700000000) == "14-Nov-2023 22:13:20 +0000");
  CHECK(parse_date_time("14-Nov-2023 23:13:20 +0100") == 1700000000);
  CHECK(parse_date_days("1-Feb-1970") == 31);
  CHECK_FALSE(parse_date_days("31-Foo-2020"));
}

TEST_CASE("ENVELOPE has the RFC 3501 shape with NIL and defaults", "[imap][syntax]") {
  const std::string message =
      "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n"
      "From: \"Fred Foobar\" <foobar@Blurdybloop.example>\r\n"
      "Subject: afternoon meeting\r\n"
      "To: mooch@owatagu.example, Bob <bob@x.example>\r\n"
      "Message-Id: <B27397-0100000@Blurdybloop.example>\r\n"
      "\r\n"
      "Hello\r\n";
  CHECK(envelope(message) ==
        "(\"Mon, 7 Feb 1994 21:52:25 -0800\" \"afternoon meeting\" "
        "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example\")) "
        "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example\")) "
        "((\"Fred Foobar\" NIL \"foobar\" \"Blurdybloop.example\")) "
        "((NIL NIL \"mooch\" \"owatagu.example\")(\"Bob\" NIL \"bob\" \"x.example\")) "
        "NIL NIL NIL \"<B27397-0100000@Blurdybloop.example>\")");
  CHECK(envelope("\r\nbody") == "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

TEST_CASE("address lists: groups, comments, quoted commas", "[imap][syntax]") {
  auto list = parse_address_list("\"Doe, John\" <jd@x>, a@b (Alice), team: c@d;");
  REQUIRE(list.size() == 5);
  CHECK(*list[0].name == "Doe, John");
  CHECK(*list[0].mailbox == "jd");
  CHECK(*list[1].name == "Alice");
  CHECK(*list[2].mailbox == "team");
  CHECK_FALSE(list[2].host);
  CHECK(*list[3].host == "d");
  CHECK_FALSE(list[4].mailbox);
}

TEST_CASE("header parts for BODY[HEADER], BODY[TEXT] and HEADER.FIELDS", "[imap][syntax]") {
  const std::string message = "From: a@x\r\nSubject: long\r\n folded\r\nTo: b@y\r\n\r\nbody\r\n";
  CHECK(message_header(message) == "From: a@x\r\nSubject: long\r\n folded\r\nTo: b@y\r\n\r\n");
  CHECK(message_text(message) == "body\r\n");
  CHECK(header_fields(message, {"SUBJECT", "from"}, false) == "From: a@x\r\nSubject: long\r\n folded\r\n\r\n");
  CHECK(header_fields(message, {"subject"}, true) == "From: a@x\r\nTo: b@y\r\n\r\n");
  CHECK(header_value(message, "subject") == "long folded");
}
