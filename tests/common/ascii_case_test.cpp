#include <catch2/catch.hpp>

#include "protocols/common/ascii_case.h"

using namespace maillab::common;

TEST_CASE("ASCII case folding changes A-Z only", "[common][ascii_case]") {
  CHECK(to_upper("Mail From:<bob@Example.ORG>") == "MAIL FROM:<BOB@EXAMPLE.ORG>");
  CHECK(to_lower("EHLO Client.Example") == "ehlo client.example");
  CHECK(to_lower("\xc3\x84rger") == "\xc3\x84rger");  // UTF-8 bytes are not letters here
  CHECK(equals_ignoring_case("PostMaster", "postmaster"));
  CHECK_FALSE(equals_ignoring_case("postmaster", "postmasters"));
  CHECK(starts_with_ignoring_case("auth PLAIN AGJvYg==", "AUTH "));
  CHECK_FALSE(starts_with_ignoring_case("AUT", "AUTH "));
}

TEST_CASE("contains_ignoring_case finds a substring in any case", "[common][ascii_case]") {
  CHECK(contains_ignoring_case("Subject: Lunch on FRIDAY", "friday"));
  CHECK(contains_ignoring_case("Friday", "FRIDAY"));  // the whole text
  CHECK(contains_ignoring_case("anything", ""));      // RFC 3501 §6.4.4: the empty string matches
  CHECK(contains_ignoring_case("", ""));
  CHECK_FALSE(contains_ignoring_case("Fri", "Friday"));
  CHECK_FALSE(contains_ignoring_case("Frid ay", "friday"));
  CHECK_FALSE(contains_ignoring_case("\xc3\x84rger", "\xc3\xa4rger"));  // only ASCII letters fold
}
