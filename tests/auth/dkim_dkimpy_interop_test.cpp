// Interop with dkimpy (Debian's python3-dkim) run by /usr/bin/python3: what we sign dkimpy
// verifies, and what dkimpy signs we verify.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "protocols/common/base64.h"
#include "protocols/auth/dkim.h"

using namespace maillab::auth;

namespace {

struct TempFile {
  std::string path;
  explicit TempFile(const std::string& contents) {
    char name[] = "/tmp/maillab-dkim-XXXXXX";
    int descriptor = mkstemp(name);
    REQUIRE(descriptor >= 0);
    close(descriptor);
    path = name;
    std::ofstream(path, std::ios::binary) << contents;
  }
  ~TempFile() { std::remove(path.c_str()); }
};

std::string run(const std::string& command) {
  std::FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  std::string output;
  char buffer[4096];
  std::size_t count;
  while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, count);
  pclose(pipe);
  return output;
}

void require_dkimpy() {
  if (run("/usr/bin/python3 -c 'import dkim; print(\"ok\")' 2>&1") != "ok\n") {
    FAIL("/usr/bin/python3 cannot import dkim — install Debian's python3-dkim");
  }
}

const char* verify_script =
    "import sys, dkim\n"
    "message = open(sys.argv[1], 'rb').read()\n"
    "record = open(sys.argv[2], 'rb').read()\n"
    "print('PASS' if dkim.verify(message, dnsfunc=lambda name, timeout=5: record) else 'FAIL')\n";

const char* sign_script =
    "import sys, dkim\n"
    "message = open(sys.argv[1], 'rb').read()\n"
    "key = open(sys.argv[2], 'rb').read()\n"
    "algorithm = sys.argv[3].encode()\n"
    "signature = dkim.sign(message, b'py', b'example.org', key, signature_algorithm=algorithm,\n"
    "                      include_headers=[b'from', b'to', b'subject'], canonicalize=(b'relaxed', b'simple'))\n"
    "sys.stdout.buffer.write(signature + message)\n";

const std::string message =
    "From: Alice <alice@example.org>\r\n"
    "To: Bob <bob@example.net>\r\n"
    "Subject:   Lunch   at noon?\r\n"
    "Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
    "\r\n"
    "Shall we meet at the usual place?  \r\n"
    "\r\n"
    "Alice\r\n";

}  // namespace

TEST_CASE("messages we sign verify with dkimpy", "[auth][dkim][interop]") {
  require_dkimpy();
  TempFile script(verify_script);
  for (const DkimKey& key : {DkimKey::rsa_from_seed("interop", 2048), DkimKey::ed25519_from_seed("interop")}) {
    for (auto header : {DkimCanonicalization::simple, DkimCanonicalization::relaxed}) {
      for (auto body : {DkimCanonicalization::simple, DkimCanonicalization::relaxed}) {
        DkimSignOptions options;
        options.domain = "example.org";
        options.selector = "ours";
        options.header_canonicalization = header;
        options.body_canonicalization = body;
        options.timestamp = 1704189600;
        TempFile signed_message(dkim_sign(message, key, options).header_field + message);
        TempFile record(key.key_record());
        INFO(to_string(key.type()) << " " << to_string(header) << "/" << to_string(body));
        CHECK(run("/usr/bin/python3 " + script.path + " " + signed_message.path + " " + record.path + " 2>&1") ==
              "PASS\n");
      }
    }
  }
  // And dkimpy notices tampering with what we signed.
  DkimKey key = DkimKey::ed25519_from_seed("interop");
  DkimSignOptions options;
  options.domain = "example.org";
  options.selector = "ours";
  std::string tampered = dkim_sign(message, key, options).header_field + message + "P.S. send money\r\n";
  TempFile tampered_file(tampered);
  TempFile record(key.key_record());
  CHECK(run("/usr/bin/python3 " + script.path + " " + tampered_file.path + " " + record.path + " 2>&1") == "FAIL\n");
}

TEST_CASE("messages dkimpy signs verify with ours", "[auth][dkim][interop]") {
  require_dkimpy();
  TempFile script(sign_script);
  TempFile unsigned_message(message);
  struct Case {
    DkimKey key;
    std::string private_file_contents;
    std::string algorithm;
  };
  DkimKey rsa = DkimKey::rsa_from_seed("dkimpy signs", 2048);
  DkimKey ed = DkimKey::ed25519_from_seed("dkimpy signs");
  std::vector<Case> cases = {{rsa, rsa.private_pem(), "rsa-sha256"},
                             {ed, maillab::common::base64_encode(ed.ed25519_private_bytes()), "ed25519-sha256"}};
  for (const auto& test : cases) {
    TempFile key_file(test.private_file_contents);
    std::string signed_message =
        run("/usr/bin/python3 " + script.path + " " + unsigned_message.path + " " + key_file.path + " " + test.algorithm);
    REQUIRE(signed_message.rfind("DKIM-Signature:", 0) == 0);
    auto results = dkim_verify(signed_message, 1704189600, [&](const DnsQuestion& question) {
      if (question.name == "py._domainkey.example.org") return DnsAnswer::of({test.key.key_record()});
      return DnsAnswer::nxdomain();
    });
    REQUIRE(results.size() == 1);
    INFO(test.algorithm << ": " << results[0].reason);
    CHECK(results[0].result == DkimResult::pass);
    CHECK(results[0].signature->header_canonicalization == DkimCanonicalization::relaxed);
    CHECK(results[0].signature->body_canonicalization == DkimCanonicalization::simple);
  }
}
