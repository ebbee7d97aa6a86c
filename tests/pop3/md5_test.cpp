#include <catch2/catch.hpp>

#include "protocols/pop3/md5.h"

using maillab::pop3::md5_hex;

TEST_CASE("MD5 matches the RFC 1321 test suite", "[pop3][md5]") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5_hex("a") == "0cc175b9c0f1b6a831c399e269772661");
  CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(md5_hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0");
  CHECK(md5_hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890") ==
        "57edf4a22be3c955ac49da2e2107b67a");
}

TEST_CASE("APOP digest from RFC 1939 section 7", "[pop3][md5]") {
  CHECK(md5_hex("<1896.697170952@dbc.mtview.ca.us>tanstaaf") == "c4c9334bac560ecc979e58001b3e22fb");
}
