// The line framing SMTP, POP3 and IMAP share (protocols/common/line_reader.h).
#include <catch2/catch.hpp>

#include "protocols/common/line_reader.h"

using maillab::common::LineLimit;
using maillab::common::LineReader;

namespace {

std::vector<std::string> lines_of(LineReader& reader, const LineLimit& limit) {
  std::vector<std::string> lines;
  while (auto line = reader.next(limit)) lines.emplace_back(line->too_long ? "<too long>" : line->text);
  return lines;
}

}  // namespace

TEST_CASE("line reader: CRLF and bare LF end lines, pieces are joined", "[common][line_reader]") {
  LineReader reader;
  const LineLimit limit{512};
  reader.feed("US");
  CHECK(lines_of(reader, limit).empty());
  reader.feed("ER alice\r");
  CHECK(lines_of(reader, limit).empty());
  reader.feed("\nPASS secret\nSTAT\r\nNO");
  CHECK(lines_of(reader, limit) == std::vector<std::string>{"USER alice", "PASS secret", "STAT"});
  CHECK(reader.buffered() == 2);
}

TEST_CASE("line reader: message text ends lines at CRLF only", "[common][line_reader]") {
  LineReader reader;
  reader.feed("a\n.\nb\r\n.\r\n");
  CHECK(lines_of(reader, LineLimit{1000, true, true}) == std::vector<std::string>{"a\n.\nb", "."});
}

TEST_CASE("line reader: an over-long line is reported at once, then its tail is dropped", "[common][line_reader]") {
  LineReader reader(LineReader::ReportTooLong::at_once);
  const LineLimit limit{100};
  reader.feed(std::string(150, 'x'));
  CHECK(lines_of(reader, limit) == std::vector<std::string>{"<too long>"});
  CHECK(reader.buffered() < 2);  // not kept
  reader.feed(std::string(150, 'y'));
  CHECK(lines_of(reader, limit).empty());  // still the same line: reported once
  reader.feed("tail\r\nNOOP\r\n" + std::string(101, 'z') + "\r\n");
  CHECK(lines_of(reader, limit) == std::vector<std::string>{"NOOP", "<too long>"});
}

TEST_CASE("line reader: reported at the line end, the limit counting the CRLF", "[common][line_reader]") {
  LineReader reader(LineReader::ReportTooLong::at_line_end);
  const LineLimit limit{512, true};
  reader.feed(std::string(510, 'a') + "\r\n" + std::string(511, 'b') + "\r\n");
  auto lines = lines_of(reader, limit);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].size() == 510);  // 512 with its CRLF: exactly the limit
  CHECK(lines[1] == "<too long>");
  reader.feed("NOOP " + std::string(4000, 'y'));
  CHECK(lines_of(reader, limit).empty());  // no answer until the client ends the line
  reader.feed(std::string(4000, 'y'));
  CHECK(lines_of(reader, limit).empty());
  reader.feed("\r\nNOOP\r\n");
  CHECK(lines_of(reader, limit) == std::vector<std::string>{"<too long>", "NOOP"});
}

TEST_CASE("line reader: a CR kept across a dropped piece still finds its LF", "[common][line_reader]") {
  LineReader reader(LineReader::ReportTooLong::at_line_end);
  const LineLimit limit{1000, true, true};
  reader.feed(std::string(1200, 'z') + "\r");
  CHECK(lines_of(reader, limit).empty());
  reader.feed("\n.\r\n");
  CHECK(lines_of(reader, limit) == std::vector<std::string>{"<too long>", "."});
}

TEST_CASE("line reader: raw bytes for a literal, then lines again", "[common][line_reader]") {
  LineReader reader;
  reader.feed("a1 LOGIN {5}\r\nhel");
  auto line = reader.next(LineLimit{8192});
  REQUIRE(line);
  CHECK(line->text == "a1 LOGIN {5}");
  CHECK(reader.take(5) == "hel");
  reader.feed("lo secret\r\n");
  CHECK(reader.take(2) == "lo");
  CHECK(lines_of(reader, LineLimit{8192}) == std::vector<std::string>{" secret"});
  CHECK(reader.buffered() == 0);
}

TEST_CASE("line reader: 100,000 pipelined lines in one piece all come out", "[common][line_reader]") {
  // 100,000 pipelined lines in one feed: each line is handed out without moving the rest.
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "NOOP\r\n";
  LineReader reader;
  reader.feed(many);
  std::size_t count = 0;
  while (auto line = reader.next(LineLimit{512})) count += line->text == "NOOP";
  CHECK(count == 100000);
  CHECK(reader.buffered() == 0);
}

// A line views the reader's buffer (no string of its own). Under AddressSanitizer (.ci/sanitize.sh)
// these fail if the reader frees or moves the bytes of a line before the next call.
TEST_CASE("line reader: a line's view holds its bytes until the next call, also the last one", "[common][line_reader]") {
  LineReader reader;
  const LineLimit limit{512};
  reader.feed("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n");
  auto first = reader.next(limit);
  REQUIRE(first);
  CHECK(first->text == "MAIL FROM:<a@example.org>");
  auto last = reader.next(limit);  // empties the buffer: its bytes must still be there
  REQUIRE(last);
  CHECK(reader.buffered() == 0);
  CHECK(last->text == "RCPT TO:<b@example.net>");
  CHECK(std::string(last->text) == "RCPT TO:<b@example.net>");
  CHECK_FALSE(reader.next(limit));  // the next call drops them
  CHECK(reader.buffered() == 0);
}

TEST_CASE("line reader: lines across feeds, the consumed front dropped between them", "[common][line_reader]") {
  LineReader reader;
  const LineLimit limit{512};
  reader.feed("EHLO client.example\r\nMA");
  CHECK(lines_of(reader, limit) == std::vector<std::string>{"EHLO client.example"});
  reader.feed("IL FROM:<");  // the consumed EHLO line is more than half the buffer: moved out
  CHECK(lines_of(reader, limit).empty());
  reader.feed("a@example.org>\r");
  CHECK(lines_of(reader, limit).empty());
  reader.feed("\nDATA\r\n");
  CHECK(lines_of(reader, limit) == std::vector<std::string>{"MAIL FROM:<a@example.org>", "DATA"});
  CHECK(reader.buffered() == 0);
}

TEST_CASE("line reader: an over-long line after a line handed out, in both report modes", "[common][line_reader]") {
  for (const auto report : {LineReader::ReportTooLong::at_once, LineReader::ReportTooLong::at_line_end}) {
    LineReader reader(report);
    const LineLimit limit{100};
    reader.feed("NOOP\r\n" + std::string(150, 'x'));
    auto noop = reader.next(limit);
    REQUIRE(noop);
    CHECK(noop->text == "NOOP");
    auto after = reader.next(limit);
    CHECK(after.has_value() == (report == LineReader::ReportTooLong::at_once));
    if (after) CHECK(after->too_long);
    reader.feed(std::string(50, 'x') + "\r\nRSET\r\n");
    const auto rest = lines_of(reader, limit);
    if (report == LineReader::ReportTooLong::at_once) {
      CHECK(rest == std::vector<std::string>{"RSET"});
    } else {
      CHECK(rest == std::vector<std::string>{"<too long>", "RSET"});
    }
  }
}
