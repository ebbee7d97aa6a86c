// protocols/mail/text.h: line endings made canonical (RFC 5322 §2.1), checked against a plain
// character-at-a-time rewrite on every mix of CR, LF and text.
#include <catch2/catch.hpp>

#include "protocols/mail/text.h"

using namespace maillab::mail;

namespace {

// The rule written the obvious way: CRLF, a bare LF and a bare CR each become one CRLF.
std::string reference_to_crlf(std::string_view text) {
  std::string result;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      result += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      result += "\r\n";
    } else {
      result += text[i];
    }
  }
  return result;
}

}  // namespace

TEST_CASE("to_crlf turns CRLF, bare LF and bare CR into one CRLF each", "[mail][text]") {
  CHECK(to_crlf("") == "");
  CHECK(to_crlf(std::string_view()) == "");  // no bytes and no pointer (a fuzzer's empty input)
  CHECK(to_crlf("no line end") == "no line end");
  CHECK(to_crlf("a\r\nb\r\n") == "a\r\nb\r\n");
  CHECK(to_crlf("a\nb\n") == "a\r\nb\r\n");
  CHECK(to_crlf("a\rb\r") == "a\r\nb\r\n");
  CHECK(to_crlf("a\r\r\nb") == "a\r\n\r\nb");
  CHECK(to_crlf("a\n\rb") == "a\r\n\r\nb");
  CHECK(to_crlf("\r\n\r\n") == "\r\n\r\n");
  CHECK(to_crlf("\n\n\r") == "\r\n\r\n\r\n");
  CHECK(to_crlf("end\r") == "end\r\n");
  CHECK(is_crlf(std::string_view()));
  CHECK(is_crlf("a\r\nb\r\n"));
  CHECK_FALSE(is_crlf("a\r\nb\n"));
  CHECK_FALSE(is_crlf("end\r"));
}

TEST_CASE("to_crlf and is_crlf agree with the plain rewrite on every short mix of CR, LF and text", "[mail][text]") {
  // Every string of length 0..7 over {'\r', '\n', 'x'}: 3,280 of them.
  const char alphabet[] = {'\r', '\n', 'x'};
  for (std::size_t length = 0; length <= 7; ++length) {
    std::size_t count = 1;
    for (std::size_t i = 0; i < length; ++i) count *= 3;
    for (std::size_t n = 0; n < count; ++n) {
      std::string text;
      for (std::size_t i = 0, k = n; i < length; ++i, k /= 3) text += alphabet[k % 3];
      INFO("text of length " << length << ", number " << n);
      CHECK(to_crlf(text) == reference_to_crlf(text));
      // is_crlf says exactly when the rewrite would change nothing (callers then skip it).
      CHECK(is_crlf(text) == (reference_to_crlf(text) == text));
    }
  }
}

TEST_CASE("to_crlf handles long text with only bare LFs or only bare CRs", "[mail][text]") {
  std::string lf, cr;
  for (int i = 0; i < 20000; ++i) {
    lf += "line\n";
    cr += "line\r";
  }
  CHECK(to_crlf(lf) == reference_to_crlf(lf));
  CHECK(to_crlf(cr) == reference_to_crlf(cr));
}
