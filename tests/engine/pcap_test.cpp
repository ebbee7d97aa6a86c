// The pcap writer (engine/core/trace_writers.h) on real packets from the network: a valid file,
// and (when tshark is installed) one that Wireshark's dissectors decode as DNS.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>
#include <fstream>
#include <sstream>

#include "engine/core/trace_writers.h"
#include "engine/net/host.h"
#include "engine/net/network.h"

using namespace maillab::engine;

namespace {

// A DNS query for example.org type MX, built by hand (RFC 1035 §4.1).
std::vector<std::uint8_t> dns_query() {
  std::vector<std::uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};  // id, RD, QDCOUNT=1
  for (const char* label : {"example", "org"}) {
    q.push_back(static_cast<std::uint8_t>(std::strlen(label)));
    q.insert(q.end(), label, label + std::strlen(label));
  }
  q.push_back(0);
  q.insert(q.end(), {0, 15, 0, 1});  // QTYPE MX, QCLASS IN
  return q;
}

std::string capture() {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("resolver", 0x0a000001);
  Host* b = net.add_host("ns", 0x0a000002);
  net.add_router("r1");
  net.add_link("resolver", "r1", LinkSpec{});
  net.add_link("r1", "ns", LinkSpec{});
  b->udp_bind(53, [](const Datagram&) {});
  std::ostringstream out;
  PcapTraceWriter writer(out);
  sim.trace().subscribe(writer.listener());
  a->udp_send(40000, Endpoint{0x0a000002, 53}, dns_query(), "Q MX example.org");
  sim.run();
  return out.str();
}

std::uint32_t le32(const std::string& s, std::size_t at) {
  return static_cast<std::uint8_t>(s[at]) | static_cast<std::uint8_t>(s[at + 1]) << 8 |
         static_cast<std::uint8_t>(s[at + 2]) << 16 | static_cast<std::uint32_t>(static_cast<std::uint8_t>(s[at + 3])) << 24;
}

}  // namespace

TEST_CASE("the pcap writer produces a valid capture with one record per packet", "[engine][pcap]") {
  const std::string file = capture();
  REQUIRE(file.size() >= 24);
  CHECK(le32(file, 0) == 0xa1b2c3d4);
  CHECK((static_cast<std::uint8_t>(file[4]) == 2 && static_cast<std::uint8_t>(file[6]) == 4));  // version 2.4
  CHECK(le32(file, 20) == 101);  // LINKTYPE_RAW
  // One packet (two hops, written once): 16-byte record header + 20 IPv4 + 8 UDP + the query.
  const std::size_t packet_size = 20 + 8 + dns_query().size();
  REQUIRE(file.size() == 24 + 16 + packet_size);
  CHECK(le32(file, 24 + 8) == packet_size);
  CHECK(le32(file, 24 + 12) == packet_size);
  CHECK(static_cast<std::uint8_t>(file[24 + 16]) == 0x45);
}

TEST_CASE("tshark decodes the capture as DNS", "[engine][pcap][tshark]") {
  if (std::system("test -x /usr/bin/tshark") != 0) {
    WARN("tshark not installed: skipped");
    return;
  }
  const std::string path = "/tmp/maillab_test_engine_" + std::to_string(::getpid()) + ".pcap";
  {
    std::ofstream out(path, std::ios::binary);
    out << capture();
  }
  const std::string command = "/usr/bin/tshark -r " + path + " -T fields -e dns.qry.name -e dns.qry.type -e ip.dst 2>/dev/null";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    ::pclose(pipe);
  }
  std::remove(path.c_str());
  INFO(output);
  CHECK(output.find("example.org") != std::string::npos);
  CHECK(output.find("15") != std::string::npos);  // MX
  CHECK(output.find("10.0.0.2") != std::string::npos);
}

TEST_CASE("tshark decodes a TCP stream as SMTP with valid checksums", "[engine][pcap][tshark]") {
  if (std::system("test -x /usr/bin/tshark") != 0) {
    WARN("tshark not installed: skipped");
    return;
  }
  Simulator sim;
  Network net(sim);
  Host* client = net.add_host("client", 0x0a000001);
  Host* server = net.add_host("mx", 0x0a000002);
  net.add_link("client", "mx", LinkSpec{});
  const std::string path = "/tmp/maillab_test_engine_smtp_" + std::to_string(::getpid()) + ".pcap";
  {
    std::ofstream out(path, std::ios::binary);
    PcapTraceWriter writer(out);
    sim.trace().subscribe(writer.listener());
    server->listen(25, [](std::shared_ptr<StreamConnection> c) {
      c->send("220 mx.example.org ESMTP\r\n");
      c->on_data = [raw = c.get()](std::string_view) {
        raw->send("221 2.0.0 Bye\r\n");
        raw->close();
      };
    });
    client->connect(Endpoint{0x0a000002, 25}, ConnectHandlers{[](std::shared_ptr<StreamConnection> c) {
                                                                c->send("QUIT\r\n");
                                                              },
                                                              nullptr});
    sim.run();
  }
  const std::string command = "/usr/bin/tshark -r " + path +
                              " -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE"
                              " -T fields -e smtp.req.command -e smtp.response.code -e tcp.checksum.status"
                              " -e ip.checksum.status 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[256];
    while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    ::pclose(pipe);
  }
  std::remove(path.c_str());
  INFO(output);
  CHECK(output.find("QUIT") != std::string::npos);
  CHECK(output.find("220") != std::string::npos);
  CHECK(output.find("221") != std::string::npos);
  // Status 1 is "good" (2 would be "bad"); every packet has its TCP and IPv4 checksum checked.
  std::istringstream lines(output);
  int packets = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find('\t') == std::string::npos) continue;  // tshark's own warnings
    ++packets;
    CHECK(line.size() >= 3);
    CHECK(line.substr(line.size() - 3) == "1\t1");
  }
  CHECK(packets >= 8);
}
