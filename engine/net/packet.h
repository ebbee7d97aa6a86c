// Wire encoding of the packets the virtual network carries: IPv4 (RFC 791) with UDP (RFC 768) or
// TCP (RFC 9293) inside, with correct checksums, so a pcap of them decodes in Wireshark/tshark.
// Also the in-flight Packet: the decoded fields the simulator routes and delivers by, and its
// encoded bytes made only when something reads them.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/trace.h"
#include "engine/net/address.h"
#include "engine/net/payload_describer.h"

namespace maillab::engine {

constexpr std::uint8_t ip_protocol_tcp = 6;
constexpr std::uint8_t ip_protocol_udp = 17;
constexpr std::uint8_t default_ttl = 64;
constexpr std::size_t ipv4_header_size = 20;
constexpr std::size_t udp_header_size = 8;
constexpr std::size_t tcp_header_size = 20;

// TCP header flag bits (RFC 9293 §3.1).
namespace tcp_flag {
constexpr std::uint8_t fin = 0x01;
constexpr std::uint8_t syn = 0x02;
constexpr std::uint8_t rst = 0x04;
constexpr std::uint8_t psh = 0x08;
constexpr std::uint8_t ack = 0x10;
}  // namespace tcp_flag

struct TcpHeader {
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  std::uint32_t sequence = 0;
  std::uint32_t acknowledgment = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 65535;
};

// The Internet checksum (RFC 1071) over `bytes`, starting from a partial sum.
std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial_sum = 0);

// An IPv4 header without options (RFC 791 §3.1), checksum included.
using Ipv4Header = std::array<std::uint8_t, ipv4_header_size>;
Ipv4Header encode_ipv4_header(Address source, Address destination, std::uint8_t protocol, std::size_t payload_size,
                              std::uint16_t identification, std::uint8_t ttl);
// The transport parts alone: a UDP datagram or TCP segment with its checksum over the pseudo-header.
std::vector<std::uint8_t> encode_udp_datagram(Address source, Address destination, std::uint16_t source_port,
                                              std::uint16_t destination_port, std::span<const std::uint8_t> payload);
std::vector<std::uint8_t> encode_tcp_segment(Address source, Address destination, const TcpHeader& header,
                                             std::span<const std::uint8_t> payload);

// Whole IPv4 packets: the header followed by the transport part.
std::vector<std::uint8_t> encode_udp_packet(Address source, Address destination, std::uint16_t source_port,
                                            std::uint16_t destination_port, std::span<const std::uint8_t> payload,
                                            std::uint16_t identification, std::uint8_t ttl = default_ttl);

std::vector<std::uint8_t> encode_tcp_packet(Address source, Address destination, const TcpHeader& header,
                                            std::span<const std::uint8_t> payload, std::uint16_t identification,
                                            std::uint8_t ttl = default_ttl);

// Routers decrement the TTL and patch the header checksum (RFC 791 §3.2); returns the new TTL.
std::uint8_t decrement_ttl(std::vector<std::uint8_t>& packet);

// How a TCP segment is described in hop records when no summary was given: the words are made
// only when a record is (Packet::describe), so a run whose trace nobody reads never makes them.
struct SegmentNote {
  enum class Kind : std::uint8_t { none, control, data };
  Kind kind = Kind::none;
  bool retransmission = false;
  bool tls = false;                // data: "TLS application data (...)" instead of its first line
  std::uint32_t relative_ack = 0;  // control: the ACK number relative to the peer's ISN
  std::string label;               // data: what the application called these bytes, if anything
};

// A packet travelling through the simulated network.
struct Packet {
  static constexpr std::size_t no_node = static_cast<std::size_t>(-1);

  std::uint64_t id = 0;          // the trace's packet id: the same on every hop
  std::uint64_t connection = 0;  // simulator bookkeeping (not on the wire): the stream it belongs to
  std::size_t destination_node = no_node;  // simulator bookkeeping: the node holding `destination`
  Address source = 0;
  Address destination = 0;
  std::uint8_t protocol = ip_protocol_udp;
  std::uint16_t source_port = 0;
  std::uint16_t destination_port = 0;
  TcpHeader tcp;                 // valid when protocol == ip_protocol_tcp
  std::vector<std::uint8_t> data;  // the UDP or TCP payload
  std::string_view protocol_name;  // "DNS", "SMTP", ..., or "TCP"/"UDP" (static strings)
  std::string summary;           // what the hop records say; empty: made from `segment` (describe)
  PayloadDescriber describe_payload = nullptr;  // or, when set and `summary` is empty, from `data`
  SegmentNote segment;
  std::uint8_t ttl = default_ttl;

  // The full IPv4 packet with the current TTL, as one buffer.
  std::vector<std::uint8_t> wire() const;
  // The same bytes for a hop or drop record: this hop's IPv4 header (the TTL differs at every
  // router), then the transport bytes, which are encoded on first use (moving the packet needs
  // only the fields above) and shared by the records of every hop (engine/core/trace_payload.h).
  TracePayload trace_payload() const;
  // Its size in bytes, without encoding it.
  std::size_t wire_size() const;
  // Routers decrement the TTL (RFC 791 §3.2).
  void decrement_ttl();
  // The one line hop records show.
  std::string describe() const;

 private:
  const std::vector<std::uint8_t>& transport_bytes() const;
  Ipv4Header ipv4_header() const;
  // The UDP datagram or TCP segment: immutable once made (nothing a router changes is in it).
  mutable std::shared_ptr<const std::vector<std::uint8_t>> transport_;
};

// A TCP packet of stream `connection` from `from` to `to`, the ports in both the packet and its
// TCP header; the caller fills in sequence, acknowledgment, flags, window and payload.
std::shared_ptr<Packet> make_tcp_packet(std::uint64_t connection, Endpoint from, Endpoint to,
                                        std::string_view protocol_name);

// The application protocol of a packet between two ports: the well-known port of either end,
// falling back to the transport's own name.
std::string_view protocol_name_for(std::uint16_t source_port, std::uint16_t destination_port, std::uint8_t protocol);

// "SYN", "SYN-ACK", "ACK 1234", "FIN-ACK", "RST"... for segments without data.
std::string describe_control_segment(const TcpHeader& header, std::uint32_t relative_ack);

// The first line of `data`, printable, cut at about 60 characters.
std::string first_line_of(std::span<const std::uint8_t> data);

// A hop record carrying a TCP segment with only the ACK flag and no data. Trace readers hide
// these unless asked (`maillab run --verbose`, a lesson's `acks: true`): a transfer's
// acknowledgements double its length without telling a student anything new.
bool is_pure_ack_hop(const TraceRecord& record);

}  // namespace maillab::engine
