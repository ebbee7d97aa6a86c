#include <catch2/catch.hpp>

#include "protocols/mail/address.h"
#include "protocols/common/base64.h"
#include "protocols/mail/header.h"
#include "protocols/mail/message.h"

using namespace maillab::mail;

TEST_CASE("a long header line is folded at whitespace within 78 columns and unfolds back", "[mail][header]") {
  std::string value;
  for (int word = 0; word < 30; ++word) value += (word ? " " : "") + std::string("word") + std::to_string(word);
  std::string folded = fold_header_line("Subject", value);
  REQUIRE(folded.find("\r\n ") != std::string::npos);  // folded at least once
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 78);
    start = end + 2;
  }
  auto headers = parse_headers(folded);
  REQUIRE(headers.ok());
  CHECK(headers.value().get("subject") == value);
  CHECK(unfold(folded) == "Subject: " + value + "\r\n");
}

TEST_CASE("a short header is not folded", "[mail][header]") {
  CHECK(fold_header_line("To", "bob@example.org") == "To: bob@example.org\r\n");
}

TEST_CASE("folding breaks before the word that would pass the width, never at it", "[mail][header]") {
  CHECK(fold_header_line("X", "a b", 6) == "X: a b\r\n");        // exactly 6 columns
  CHECK(fold_header_line("X", "a b", 5) == "X: a\r\n b\r\n");    // one more would pass 5
  CHECK(fold_header_line("X", "a b\tc d", 5) == "X: a\r\n b\tc\r\n d\r\n");
  CHECK(fold_header_line("X", "abcdefgh ij", 5) == "X: abcdefgh\r\n ij\r\n");  // a long word stays whole
  CHECK(fold_header_line("X", " a", 78) == "X: a\r\n");           // the value's own space, not another
  CHECK(fold_header_line("X", "", 78) == "X: \r\n");
  CHECK(fold_header_line("X", "  ", 78) == "X:  \r\n");
}

TEST_CASE("header names are case-insensitive, order is kept, trace fields are prepended", "[mail][header]") {
  Headers headers;
  headers.append("From", "alice@example.org");
  headers.append("To", "bob@example.org");
  headers.append("Subject", "Hi");
  headers.prepend("Received", "from b by c; date2");
  headers.prepend("Received", "from a by b; date1");
  CHECK(headers.get("SUBJECT") == "Hi");
  CHECK(headers.get("subject") == "Hi");
  CHECK_FALSE(headers.get("Cc").has_value());
  REQUIRE(headers.fields().size() == 5);
  CHECK(headers.fields()[0].value == "from a by b; date1");
  CHECK(headers.fields()[2].name == "From");
  CHECK(headers.get_all("received").size() == 2);
  headers.set("subject", "Changed");
  CHECK(headers.get("Subject") == "Changed");
  CHECK(headers.fields()[4].value == "Changed");
  headers.remove("RECEIVED");
  CHECK(headers.fields().size() == 3);
}

TEST_CASE("a message parses with unfolding and LF endings, and serializes with CRLF", "[mail][header]") {
  auto parsed = parse_message(
      "From: Alice <alice@example.org>\n"
      "To: bob@example.org,\n"
      "  carol@example.net\n"
      "Subject: a folded\n"
      "\tsubject\n"
      "\n"
      "Hello\n"
      "Bob\n");
  REQUIRE(parsed.ok());
  const Message& message = parsed.value();
  CHECK(message.subject() == "a folded\tsubject");
  REQUIRE(message.to().size() == 2);
  CHECK(message.to()[1].addr_spec() == "carol@example.net");
  REQUIRE(message.from().size() == 1);
  CHECK(message.from()[0].display_name == "Alice");
  CHECK(message.body == "Hello\r\nBob\r\n");
  std::string bytes = message.serialize();
  CHECK(bytes.find("\r\n\r\nHello\r\nBob\r\n") != std::string::npos);
  auto again = parse_message(bytes);
  REQUIRE(again.ok());
  CHECK(again.value().serialize() == bytes);  // stable round trip
}

TEST_CASE("bad header sections give errors, not crashes", "[mail][header]") {
  CHECK_FALSE(parse_headers(" starts with a continuation").ok());
  auto junk = parse_message("this line has no colon\r\n\r\nbody");
  REQUIRE_FALSE(junk.ok());
  CHECK(junk.error().find("line 1") != std::string::npos);
  CHECK_FALSE(parse_headers(": empty name").ok());
  CHECK_FALSE(parse_headers("Bad Name: x").ok());
}

TEST_CASE("prepend_header puts a folded field at the top of raw bytes", "[mail][header]") {
  std::string message = "Subject: x\r\n\r\nbody\r\n";
  CHECK(prepend_header(message, "Received", "from a by b") == "Received: from a by b\r\nSubject: x\r\n\r\nbody\r\n");
  CHECK(header_section(message) == "Subject: x\r\n");
}

TEST_CASE("base64 round trip and junk", "[mail][header]") {
  CHECK(maillab::common::base64_encode(std::string("\0bob\0secret", 11)) == "AGJvYgBzZWNyZXQ=");
  CHECK(maillab::common::base64_decode("AGJvYgBzZWNyZXQ=") == std::string("\0bob\0secret", 11));
  CHECK(maillab::common::base64_encode("Username:") == "VXNlcm5hbWU6");
  CHECK(maillab::common::base64_decode("VXNlcm5hbWU6") == "Username:");
  CHECK_FALSE(maillab::common::base64_decode("not base64!").has_value());
  CHECK_FALSE(maillab::common::base64_decode("QQ=A").has_value());
  CHECK(maillab::common::base64_decode("") == "");
}

TEST_CASE("random bytes never crash the message, address and DSN parsers", "[mail][header]") {
  unsigned seed = 2024;
  auto next = [&]() {
    seed = seed * 1103515245 + 12345;
    return (seed >> 16) & 0x7FFF;
  };
  const std::string alphabet = "ab@.<>\"\\(),:; \t\r\n=-\x80\xff";
  for (int round = 0; round < 2000; ++round) {
    std::string junk;
    std::size_t length = next() % 80;
    for (std::size_t index = 0; index < length; ++index) junk += alphabet[next() % alphabet.size()];
    (void)parse_message(junk);
    // What parses as a mailbox is a whole address that prints and parses back to itself.
    if (auto mailbox = parse_mailbox(junk)) {
      CHECK_FALSE(mailbox.value().domain.empty());
      auto again = parse_mailbox(mailbox.value().addr_spec());
      REQUIRE(again);
      CHECK(again.value().addr_spec() == mailbox.value().addr_spec());
    }
    (void)parse_address_list(junk);
    (void)parse_reverse_path(junk);
    (void)parse_headers(junk);
    (void)unfold(junk);
    // Base64 that decodes encodes back to the same bytes, padding and all, once the whitespace
    // a decoder skips is gone.
    if (auto decoded = maillab::common::base64_decode(junk)) {
      std::string compact;
      for (char c : junk)
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact += c;
      if (compact.size() % 4 == 0) CHECK(maillab::common::base64_encode(*decoded) == compact);
    }
  }
}

TEST_CASE("HeaderIndex agrees with parse_headers on every short mix of names, colons, spaces and line ends",
          "[mail][header]") {
  // Every string of length 0..7 over {'\r', '\n', ' ', '\t', 'a', ':'}: ~335,000 sections, with
  // folded, empty, nameless and bare-CR lines; both must fail together or give the same values.
  const char alphabet[] = {'\r', '\n', ' ', '\t', 'a', ':'};
  std::size_t parsed = 0;
  for (std::size_t length = 0; length <= 7; ++length) {
    std::size_t count = 1;
    for (std::size_t i = 0; i < length; ++i) count *= 6;
    for (std::size_t n = 0; n < count; ++n) {
      std::string section;
      for (std::size_t i = 0, k = n; i < length; ++i, k /= 6) section += alphabet[k % 6];
      const auto headers = parse_headers(section);
      const HeaderIndex index(section);
      REQUIRE(index.ok() == headers.ok());
      if (!headers.ok()) {
        CHECK_FALSE(index.get("a"));
        continue;
      }
      ++parsed;
      INFO("section of length " << length << ", number " << n);
      CHECK(index.get("A") == headers.value().get("A"));
      CHECK(index.get_all("a") == headers.value().get_all("a"));
      CHECK(index.count("a") == headers.value().get_all("a").size());
      CHECK(index.contains("a") == headers.value().contains("a"));
    }
  }
  CHECK(parsed > 1000);  // the table reaches sections that parse, not only failures
}

TEST_CASE("HeaderIndex unfolds and trims a value only as parse_headers does", "[mail][header]") {
  const std::string section =
      "Received: from a\r\n\tby b\r\nSubject:  folded\r\n  twice \r\n\r\n more\r\nreceived: c\r\nX-Empty:\r\n";
  const HeaderIndex index(section);
  REQUIRE(index.ok());
  CHECK(index.count("RECEIVED") == 2);
  CHECK(index.get("subject") == parse_headers(section).value().get("Subject"));
  CHECK(index.get("Subject") == "folded  twice  more");
  CHECK(index.get_all("Received") == std::vector<std::string>{"from a\tby b", "c"});
  CHECK(index.get("X-Empty") == "");
  CHECK_FALSE(index.get("Date"));
  CHECK_FALSE(HeaderIndex(" starts folded\r\nSubject: x\r\n").ok());
  CHECK_FALSE(HeaderIndex("Subject: x\r\nno colon\r\n").get("Subject"));
}
