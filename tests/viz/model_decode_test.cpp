#include <catch2/catch.hpp>

#include "viz/model/packet_decode.h"
#include "viz/model/synthetic_scene.h"

using namespace maillab;

namespace {
std::string field(const viz::DecodedPacket& packet, const std::string& layer, const std::string& name) {
  for (const auto& f : packet.fields) {
    if (f.layer == layer && f.name == name) return f.value;
  }
  return "<missing>";
}
}  // namespace

TEST_CASE("an IPv4/TCP packet decodes into header fields and its text", "[viz][decode]") {
  const std::string line = "RCPT TO:<bob@example.org>\r\n";
  const auto bytes = viz::build_ipv4_packet(0x0a000119, 0xcb007119, false, 49152, 25,
                                            std::vector<std::uint8_t>(line.begin(), line.end()), 0x18);
  const auto decoded = viz::decode_ipv4_packet(bytes);
  CHECK(decoded.problem.empty());
  CHECK(field(decoded, "IPv4", "source") == "10.0.1.25");
  CHECK(field(decoded, "IPv4", "destination") == "203.0.113.25");
  CHECK(field(decoded, "IPv4", "protocol") == "6 (TCP)");
  CHECK(field(decoded, "TCP", "destination port") == "25");
  CHECK(field(decoded, "TCP", "flags") == "PSH ACK");
  CHECK(decoded.application_offset == 40);
  CHECK(decoded.application_text == "RCPT TO:<bob@example.org>\\r\n");
}

TEST_CASE("a DNS query over UDP shows its question", "[viz][decode]") {
  const std::vector<std::uint8_t> query = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x', 'a', 'm', 'p',
                                           'l',  'e',  3,    'o',  'r', 'g', 0, 0, 15, 0, 1};
  const auto decoded = viz::decode_ipv4_packet(viz::build_ipv4_packet(1, 2, true, 5353, 53, query));
  CHECK(decoded.problem.empty());
  CHECK(field(decoded, "UDP", "destination port") == "53");
  CHECK(field(decoded, "DNS", "question") == "example.org MX");
  CHECK(field(decoded, "DNS", "flags") == "query RD");
}

TEST_CASE("short or foreign bytes give a problem, never a crash", "[viz][decode]") {
  CHECK_FALSE(viz::decode_ipv4_packet({}).problem.empty());
  CHECK_FALSE(viz::decode_ipv4_packet({0x45, 0, 0}).problem.empty());
  std::vector<std::uint8_t> ipv6(40, 0);
  ipv6[0] = 0x60;
  CHECK_FALSE(viz::decode_ipv4_packet(ipv6).problem.empty());
  auto truncated = viz::build_ipv4_packet(1, 2, false, 1, 25, {});
  truncated.resize(30);  // the TCP header is cut
  CHECK_FALSE(viz::decode_ipv4_packet(truncated).problem.empty());
  auto bad_dns = viz::build_ipv4_packet(1, 2, true, 1, 53, {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 60, 'x'});
  CHECK_FALSE(viz::decode_ipv4_packet(bad_dns).problem.empty());
}

TEST_CASE("hex dump shows offsets, bytes and printable characters", "[viz][decode]") {
  std::vector<std::uint8_t> bytes;
  for (int i = 0; i < 20; ++i) bytes.push_back(std::uint8_t('A' + i));
  bytes[1] = 0;
  const auto lines = viz::hex_dump(bytes);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "0000  41 00 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50  |A.CDEFGHIJKLMNOP|");
  CHECK(lines[1].rfind("0010  51 52 53 54", 0) == 0);
  CHECK(lines[1].find("|QRST|") != std::string::npos);
}
