// Interop with a real DNS library: dnspython (Debian's python3-dnspython, run with /usr/bin/python3)
// parses what we encode, and we decode what it builds. Skipped with a warning when unavailable.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocols/dns/presentation.h"
#include "protocols/dns/stub.h"
#include "protocols/dns/wire.h"

using namespace maillab::dns;

namespace {

bool dnspython_available() {
  return std::system("/usr/bin/python3 -c 'import dns.message' >/dev/null 2>&1") == 0;
}

std::filesystem::path scratch_directory() {
  auto directory = std::filesystem::temp_directory_path() /
                   ("maillab_dns_interop_" + std::to_string(reinterpret_cast<std::uintptr_t>(&scratch_directory)) +
                    "_" + std::to_string(std::rand()));
  std::filesystem::create_directories(directory);
  return directory;
}

std::string run_python(const std::filesystem::path& directory, const std::string& script) {
  auto script_path = directory / "script.py";
  auto output_path = directory / "output.txt";
  std::ofstream(script_path) << script;
  std::string command = "/usr/bin/python3 " + script_path.string() + " > " + output_path.string() + " 2>&1";
  int status = std::system(command.c_str());
  std::ifstream input(output_path);
  std::stringstream text;
  text << input.rdbuf();
  INFO(text.str());
  REQUIRE(status == 0);
  return text.str();
}

}  // namespace

TEST_CASE("dns: interop: dnspython parses a response we encode", "[dns][interop]") {
  if (!dnspython_available()) {
    WARN("skipped: /usr/bin/python3 with dnspython is not available");
    return;
  }
  Message response = make_response(make_recursive_query(4660, Name::literal("example.org"), RecordType::MX), Rcode::NOERROR);
  response.header.authoritative = true;
  Name origin = Name::literal("example.org");
  response.answers.push_back(make_record(origin, 300, rdata::MX{10, Name::literal("mail.example.org")}));
  response.answers.push_back(make_record(origin, 300, rdata::MX{20, Name::literal("backup.example.net")}));
  response.authorities.push_back(make_record(origin, 3600, rdata::NS{Name::literal("ns1.example.org")}));
  response.additionals.push_back(make_record(Name::literal("mail.example.org"), 300, rdata::A{0xC0000219}));
  rdata::AAAA aaaa;
  aaaa.address = *ipv6_from_text("2001:db8::25");
  response.additionals.push_back(make_record(Name::literal("mail.example.org"), 300, aaaa));
  response.additionals.push_back(make_record(origin, 60, rdata::TXT{{"v=spf1 mx -all", "two"}}));
  response.additionals.push_back(make_record(origin, 60, rdata::SOA{Name::literal("ns1.example.org"),
                                                                    Name::literal("hostmaster.example.org"), 7, 7200,
                                                                    3600, 1209600, 300}));

  auto directory = scratch_directory();
  Bytes bytes = encode_message(response);
  std::ofstream(directory / "message.bin", std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                                   static_cast<std::streamsize>(bytes.size()));
  std::string output = run_python(directory, R"(
import dns.message, dns.flags, dns.rcode, sys, os
data = open(os.path.join(os.path.dirname(__file__), 'message.bin'), 'rb').read()
m = dns.message.from_wire(data)
print(m.id)
print(dns.flags.to_text(m.flags))
print(dns.rcode.to_text(m.rcode()))
print(m.question[0].to_text())
for section in (m.answer, m.authority, m.additional):
    for rrset in section:
        for line in rrset.to_text().splitlines():
            print(' '.join(line.split()))
)");
  std::string expected = "4660\nQR AA RD\nNOERROR\nexample.org. IN MX\n";
  for (const auto* section : {&response.answers, &response.authorities, &response.additionals})
    for (const auto& record : *section) expected += format_record(record) + "\n";
  CHECK(output == expected);
  std::filesystem::remove_all(directory);
}

TEST_CASE("dns: interop: we decode queries dnspython builds (with and without EDNS)", "[dns][interop]") {
  if (!dnspython_available()) {
    WARN("skipped: /usr/bin/python3 with dnspython is not available");
    return;
  }
  auto directory = scratch_directory();
  std::string output = run_python(directory, R"(
import dns.message
print(dns.message.make_query('Example.ORG', 'MX', id=4660).to_wire().hex())
print(dns.message.make_query('www.example.org', 'AAAA', id=7, use_edns=0, want_dnssec=True).to_wire().hex())
)");
  std::filesystem::remove_all(directory);
  std::istringstream lines(output);
  auto next_bytes = [&lines]() {
    std::string hex;
    std::getline(lines, hex);
    Bytes bytes;
    for (std::size_t index = 0; index + 1 < hex.size(); index += 2)
      bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(index, 2), nullptr, 16)));
    return bytes;
  };
  Bytes plain = next_bytes();
  auto decoded = decode_message(plain);
  REQUIRE(decoded.ok());
  CHECK(decoded.value() == make_recursive_query(4660, Name::literal("Example.ORG"), RecordType::MX));
  CHECK(decoded.value().questions[0].name.to_text() == "Example.ORG.");
  CHECK(encode_message(decoded.value()) == plain);

  Bytes with_edns = next_bytes();
  auto edns = decode_message(with_edns);
  REQUIRE(edns.ok());
  CHECK(summarize_message(edns.value()) == "Q AAAA www.example.org");
  CHECK(edns.value().additionals.empty());  // the OPT record is read into `edns`
  REQUIRE(edns.value().edns.has_value());
  CHECK(edns.value().edns->version == 0);
  CHECK(edns.value().edns->dnssec_ok);       // the DO bit (RFC 3225)
  CHECK(edns.value().edns->udp_payload_size == 1232);  // dnspython's default, like ours
  CHECK(encode_message(edns.value()) == with_edns);
}
