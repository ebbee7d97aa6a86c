// Addresses (engine/net/address.h) and wire encoding with checksums (engine/net/packet.h).
#include <catch2/catch.hpp>

#include "engine/net/address.h"
#include "engine/net/packet.h"

using namespace maillab::engine;

TEST_CASE("parse and format IPv4 addresses", "[engine][address]") {
  CHECK(parse_address("10.0.0.1") == Address{0x0a000001});
  CHECK(parse_address("255.255.255.255") == Address{0xffffffff});
  CHECK(format_address(0xc0a80101) == "192.168.1.1");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "a.b.c.d", "1.2.3.4 ", "1.2.3.-4"})
    CHECK_FALSE(parse_address(bad).has_value());
  CHECK(format_endpoint(Endpoint{0x0a000002, 25}) == "10.0.0.2:25");
}

TEST_CASE("protocol_for_port names the mail protocols", "[engine][address]") {
  CHECK(protocol_for_port(53) == "DNS");
  CHECK(protocol_for_port(25) == "SMTP");
  CHECK(protocol_for_port(587) == "SMTP");
  CHECK(protocol_for_port(465) == "SMTP");
  CHECK(protocol_for_port(110) == "POP3");
  CHECK(protocol_for_port(995) == "POP3");
  CHECK(protocol_for_port(143) == "IMAP");
  CHECK(protocol_for_port(993) == "IMAP");
  CHECK(protocol_for_port(8080).empty());
  CHECK(protocol_name_for(49152, 25, ip_protocol_tcp) == "SMTP");
  CHECK(protocol_name_for(53, 49152, ip_protocol_udp) == "DNS");
  CHECK(protocol_name_for(5000, 6000, ip_protocol_udp) == "UDP");
}

TEST_CASE("internet checksum matches RFC 1071's example", "[engine][packet]") {
  // RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (one's complement: 220d).
  const std::uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(internet_checksum(bytes) == 0x220d);
}

TEST_CASE("UDP and TCP packets carry valid IPv4, UDP and TCP checksums", "[engine][packet]") {
  const std::vector<std::uint8_t> data = {'h', 'e', 'l', 'l', 'o'};
  const auto udp = encode_udp_packet(0x0a000001, 0x0a000002, 40000, 53, data, 7);
  REQUIRE(udp.size() == 20 + 8 + 5);
  CHECK(udp[0] == 0x45);
  CHECK(udp[9] == 17);
  CHECK(internet_checksum(std::span(udp.data(), 20)) == 0);  // a valid header sums to zero
  // Verify the UDP checksum over pseudo-header + segment: it must sum to zero as well.
  auto verify = [](const std::vector<std::uint8_t>& packet, std::uint8_t protocol) {
    std::vector<std::uint8_t> pseudo(packet.begin() + 12, packet.begin() + 20);
    pseudo.push_back(0);
    pseudo.push_back(protocol);
    const std::size_t length = packet.size() - 20;
    pseudo.push_back(static_cast<std::uint8_t>(length >> 8));
    pseudo.push_back(static_cast<std::uint8_t>(length));
    pseudo.insert(pseudo.end(), packet.begin() + 20, packet.end());
    return internet_checksum(pseudo);
  };
  CHECK(verify(udp, 17) == 0);

  TcpHeader header;
  header.source_port = 49200;
  header.destination_port = 25;
  header.sequence = 0xfffffff0;
  header.acknowledgment = 12345;
  header.flags = tcp_flag::ack | tcp_flag::psh;
  const auto tcp = encode_tcp_packet(0x0a000001, 0x0a000002, header, data, 9);
  REQUIRE(tcp.size() == 20 + 20 + 5);
  CHECK(tcp[9] == 6);
  CHECK(tcp[20 + 13] == (tcp_flag::ack | tcp_flag::psh));
  CHECK(internet_checksum(std::span(tcp.data(), 20)) == 0);
  CHECK(verify(tcp, 6) == 0);

  auto forwarded = tcp;
  CHECK(decrement_ttl(forwarded) == 63);
  CHECK(internet_checksum(std::span(forwarded.data(), 20)) == 0);
}

TEST_CASE("segment descriptions and first lines", "[engine][packet]") {
  TcpHeader h;
  h.flags = tcp_flag::syn;
  CHECK(describe_control_segment(h, 1) == "SYN");
  h.flags = tcp_flag::syn | tcp_flag::ack;
  CHECK(describe_control_segment(h, 1) == "SYN-ACK");
  h.flags = tcp_flag::ack;
  CHECK(describe_control_segment(h, 1234) == "ACK 1234");
  h.flags = tcp_flag::fin | tcp_flag::ack;
  CHECK(describe_control_segment(h, 1) == "FIN");
  h.flags = tcp_flag::rst;
  CHECK(describe_control_segment(h, 1) == "RST");
  const std::string text = "EHLO client.example.org\r\nMAIL FROM:<a@b>\r\n";
  CHECK(first_line_of(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) ==
        "EHLO client.example.org");
  const std::string binary = std::string("\x01\x02hi", 4);
  CHECK(first_line_of(std::span(reinterpret_cast<const std::uint8_t*>(binary.data()), binary.size())) == "..hi");
  const std::string longer(100, 'x');
  CHECK(first_line_of(std::span(reinterpret_cast<const std::uint8_t*>(longer.data()), longer.size())).size() == 63);
}

TEST_CASE("make_tcp_packet addresses the packet and its TCP header alike", "[engine][packet]") {
  const Endpoint client{0x0a000001, 49200};
  const Endpoint server{0x0a000002, 25};
  const auto packet = make_tcp_packet(7, client, server, "SMTP");
  CHECK(packet->connection == 7);
  CHECK(packet->protocol == ip_protocol_tcp);
  CHECK(packet->source == client.address);
  CHECK(packet->destination == server.address);
  CHECK(packet->source_port == 49200);
  CHECK(packet->destination_port == 25);
  CHECK(packet->tcp.source_port == 49200);
  CHECK(packet->tcp.destination_port == 25);
  CHECK(packet->protocol_name == "SMTP");
  CHECK(packet->data.empty());
  // What it encodes to says the same: ports at the start of the TCP header, protocol 6.
  const auto& wire = packet->wire();
  REQUIRE(wire.size() == 20 + 20);
  CHECK(wire[9] == 6);
  CHECK(((wire[20] << 8) | wire[21]) == 49200);
  CHECK(((wire[22] << 8) | wire[23]) == 25);
}

// A datagram can be named from its bytes when a hop record is made (a DNS service passes a
// describer, so a run nobody reads never decodes its messages into words).
TEST_CASE("a packet's describer names it from its payload, a summary given at send time wins", "[engine][packet]") {
  Packet packet;
  packet.protocol = ip_protocol_udp;
  packet.data = {'h', 'i'};
  CHECK(packet.describe() == "UDP 2 bytes");
  packet.describe_payload = [](std::span<const std::uint8_t> payload) {
    return "payload of " + std::to_string(payload.size()) + ": " + std::string(payload.begin(), payload.end());
  };
  CHECK(packet.describe() == "payload of 2: hi");
  packet.summary = "given";
  CHECK(packet.describe() == "given");
}
