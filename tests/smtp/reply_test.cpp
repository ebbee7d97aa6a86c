#include <catch2/catch.hpp>

#include "protocols/smtp/reply.h"

using namespace maillab::smtp;

TEST_CASE("reply formatting: single and multi-line, with enhanced status on every line", "[smtp][reply]") {
  CHECK(make_reply(250, "2.1.0", "Ok").to_wire() == "250 2.1.0 Ok\r\n");
  CHECK(make_reply(354, "", "Go ahead").to_wire() == "354 Go ahead\r\n");
  Reply multi{550, "5.7.1", {"first line", "second line"}};
  CHECK(multi.to_wire() == "550-5.7.1 first line\r\n550 5.7.1 second line\r\n");
  CHECK(multi.summary() == "550 5.7.1 first line second line");
  CHECK(Reply{334, "", {""}}.to_wire() == "334 \r\n");
  CHECK(multi.is_permanent_failure());
  CHECK(make_reply(421, "4.3.2", "bye").is_transient_failure());
}

TEST_CASE("reply formatting: append_wire_line adds one line to what is there", "[smtp][reply]") {
  Reply multi{250, "2.0.0", {"first", "", "last"}};
  std::string out = "before|";
  multi.append_wire_line(out, 0);
  out += '|';
  multi.append_wire_line(out, 1);  // no text: the status without a space after it
  out += '|';
  multi.append_wire_line(out, 2);
  CHECK(out == "before|250-2.0.0 first|250-2.0.0|250 2.0.0 last");
  CHECK(multi.wire_line(0) == "250-2.0.0 first");
  CHECK(multi.wire_lines() == std::vector<std::string>{"250-2.0.0 first", "250-2.0.0", "250 2.0.0 last"});
  // Every code of the RFC's range keeps its three digits (RFC 5321 §4.2), "no reply" (0) too.
  for (int code : {200, 209, 250, 354, 421, 501, 599}) {
    INFO(code);
    CHECK(Reply{code, "", {"x"}}.wire_line(0) == std::to_string(code) + " x");
  }
  CHECK(Reply{}.wire_line(0) == "0 ");
}

TEST_CASE("reply parsing: multi-line replies and enhanced codes", "[smtp][reply]") {
  ReplyParser parser;
  auto first = parser.handle_line("250-mx.example.net greets you");
  REQUIRE(first.ok());
  CHECK_FALSE(first.value().has_value());
  CHECK(parser.in_progress());
  REQUIRE(parser.handle_line("250-PIPELINING").ok());
  auto last = parser.handle_line("250 SIZE 1000");
  REQUIRE(last.ok());
  REQUIRE(last.value().has_value());
  const Reply& reply = *last.value();
  CHECK(reply.code == 250);
  CHECK(reply.enhanced_status.empty());
  CHECK(reply.lines == std::vector<std::string>{"mx.example.net greets you", "PIPELINING", "SIZE 1000"});

  auto enhanced = parser.handle_line("550 5.1.1 <bob@example.net>: User unknown");
  REQUIRE(enhanced.ok());
  CHECK(enhanced.value()->enhanced_status == "5.1.1");
  CHECK(enhanced.value()->text() == "<bob@example.net>: User unknown");
  // A status whose class does not match the code is text, not a status (RFC 2034 §4).
  CHECK(parser.handle_line("250 5.1.1 odd").value()->enhanced_status.empty());
  CHECK(parser.handle_line("220").value()->code == 220);
}

TEST_CASE("reply parsing: malformed lines are errors", "[smtp][reply]") {
  ReplyParser parser;
  CHECK_FALSE(parser.handle_line("hello").ok());
  CHECK_FALSE(parser.handle_line("25").ok());
  CHECK_FALSE(parser.handle_line("250x").ok());
  CHECK_FALSE(parser.handle_line("650 nope").ok());
  REQUIRE(parser.handle_line("250-a").ok());
  CHECK_FALSE(parser.handle_line("251 b").ok());  // code changed mid-reply
}
