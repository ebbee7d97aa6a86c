#include "engine/net/packet.h"

namespace maillab::engine {
namespace {

void put16(std::vector<std::uint8_t>& out, std::size_t at, std::uint16_t value) {
  out[at] = static_cast<std::uint8_t>(value >> 8);
  out[at + 1] = static_cast<std::uint8_t>(value);
}
void put32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t value) {
  put16(out, at, static_cast<std::uint16_t>(value >> 16));
  put16(out, at + 2, static_cast<std::uint16_t>(value));
}

std::uint32_t add_words(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
  std::size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < bytes.size()) sum += static_cast<std::uint32_t>(bytes[i] << 8);  // pad the odd byte with zero
  return sum;
}

// The pseudo-header that UDP and TCP checksums cover (RFC 768; RFC 9293 §3.1).
std::uint32_t pseudo_header_sum(Address source, Address destination, std::uint8_t protocol, std::size_t length) {
  std::uint32_t sum = 0;
  sum += source >> 16;
  sum += source & 0xffff;
  sum += destination >> 16;
  sum += destination & 0xffff;
  sum += protocol;
  sum += static_cast<std::uint32_t>(length);
  return sum;
}

void put16(std::uint8_t* out, std::uint16_t value) {
  out[0] = static_cast<std::uint8_t>(value >> 8);
  out[1] = static_cast<std::uint8_t>(value);
}

}  // namespace

std::uint16_t internet_checksum(std::span<const std::uint8_t> bytes, std::uint32_t partial_sum) {
  std::uint32_t sum = add_words(bytes, partial_sum);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

Ipv4Header encode_ipv4_header(Address source, Address destination, std::uint8_t protocol, std::size_t payload_size,
                              std::uint16_t identification, std::uint8_t ttl) {
  Ipv4Header out{};
  out[0] = 0x45;  // version 4, header length 5 words
  out[1] = 0;
  put16(&out[2], static_cast<std::uint16_t>(ipv4_header_size + payload_size));
  put16(&out[4], identification);
  put16(&out[6], 0x4000);  // don't fragment
  out[8] = ttl;
  out[9] = protocol;
  put16(&out[12], static_cast<std::uint16_t>(source >> 16));
  put16(&out[14], static_cast<std::uint16_t>(source));
  put16(&out[16], static_cast<std::uint16_t>(destination >> 16));
  put16(&out[18], static_cast<std::uint16_t>(destination));
  put16(&out[10], internet_checksum(out));
  return out;
}

std::vector<std::uint8_t> encode_udp_datagram(Address source, Address destination, std::uint16_t source_port,
                                              std::uint16_t destination_port, std::span<const std::uint8_t> payload) {
  const std::size_t udp_length = udp_header_size + payload.size();
  std::vector<std::uint8_t> out(udp_length);
  put16(out, 0, source_port);
  put16(out, 2, destination_port);
  put16(out, 4, static_cast<std::uint16_t>(udp_length));
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(udp_header_size));
  std::uint16_t checksum = internet_checksum(out, pseudo_header_sum(source, destination, ip_protocol_udp, udp_length));
  if (checksum == 0) checksum = 0xffff;  // RFC 768: zero means "no checksum"
  put16(out, 6, checksum);
  return out;
}

std::vector<std::uint8_t> encode_tcp_segment(Address source, Address destination, const TcpHeader& header,
                                             std::span<const std::uint8_t> payload) {
  const std::size_t tcp_length = tcp_header_size + payload.size();
  std::vector<std::uint8_t> out(tcp_length);
  put16(out, 0, header.source_port);
  put16(out, 2, header.destination_port);
  put32(out, 4, header.sequence);
  put32(out, 8, header.acknowledgment);
  out[12] = static_cast<std::uint8_t>((tcp_header_size / 4) << 4);
  out[13] = header.flags;
  put16(out, 14, header.window);
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(tcp_header_size));
  put16(out, 16, internet_checksum(out, pseudo_header_sum(source, destination, ip_protocol_tcp, tcp_length)));
  return out;
}

namespace {
std::vector<std::uint8_t> join(const Ipv4Header& header, const std::vector<std::uint8_t>& transport) {
  std::vector<std::uint8_t> out(header.begin(), header.end());
  out.insert(out.end(), transport.begin(), transport.end());
  return out;
}
}  // namespace

std::vector<std::uint8_t> encode_udp_packet(Address source, Address destination, std::uint16_t source_port,
                                            std::uint16_t destination_port, std::span<const std::uint8_t> payload,
                                            std::uint16_t identification, std::uint8_t ttl) {
  auto datagram = encode_udp_datagram(source, destination, source_port, destination_port, payload);
  return join(encode_ipv4_header(source, destination, ip_protocol_udp, datagram.size(), identification, ttl), datagram);
}

std::vector<std::uint8_t> encode_tcp_packet(Address source, Address destination, const TcpHeader& header,
                                            std::span<const std::uint8_t> payload, std::uint16_t identification,
                                            std::uint8_t ttl) {
  auto segment = encode_tcp_segment(source, destination, header, payload);
  return join(encode_ipv4_header(source, destination, ip_protocol_tcp, segment.size(), identification, ttl), segment);
}

std::uint8_t decrement_ttl(std::vector<std::uint8_t>& packet) {
  if (packet.size() < ipv4_header_size || packet[8] == 0) return 0;
  --packet[8];
  put16(packet, 10, 0);
  put16(packet, 10, internet_checksum(std::span(packet.data(), ipv4_header_size)));
  return packet[8];
}

const std::vector<std::uint8_t>& Packet::transport_bytes() const {
  if (!transport_) {
    transport_ = std::make_shared<const std::vector<std::uint8_t>>(
        protocol == ip_protocol_tcp ? encode_tcp_segment(source, destination, tcp, data)
                                    : encode_udp_datagram(source, destination, source_port, destination_port, data));
  }
  return *transport_;
}

Ipv4Header Packet::ipv4_header() const {
  const auto identification = static_cast<std::uint16_t>(id);  // the IP identification: the id's low bits
  return encode_ipv4_header(source, destination, protocol, transport_bytes().size(), identification, ttl);
}

std::vector<std::uint8_t> Packet::wire() const { return join(ipv4_header(), transport_bytes()); }

TracePayload Packet::trace_payload() const {
  const Ipv4Header header = ipv4_header();
  return TracePayload(header, transport_);  // ipv4_header() has encoded transport_
}

std::size_t Packet::wire_size() const {
  return ipv4_header_size + (protocol == ip_protocol_tcp ? tcp_header_size : udp_header_size) + data.size();
}

void Packet::decrement_ttl() {
  // The IPv4 header, with its checksum, is made afresh from `ttl` whenever it is read.
  if (ttl > 0) --ttl;
}

std::string Packet::describe() const {
  if (!summary.empty()) return summary;
  if (describe_payload) return describe_payload(data);
  switch (segment.kind) {
    case SegmentNote::Kind::control:
      // Relative numbers, as Wireshark shows them: the SYN counts as one.
      return describe_control_segment(tcp, segment.relative_ack) + (segment.retransmission ? " (retransmission)" : "");
    case SegmentNote::Kind::data: {
      // A segment is named by the label of the bytes it starts in, if the application gave one.
      const std::string tail = std::string(" (") + (segment.retransmission ? "retransmission" : "data") + ", " +
                               std::to_string(data.size()) + " bytes)";
      if (segment.tls) return "TLS application data" + tail;
      return (segment.label.empty() ? first_line_of(data) : segment.label) + tail;
    }
    case SegmentNote::Kind::none: break;
  }
  return protocol == ip_protocol_udp ? "UDP " + std::to_string(data.size()) + " bytes" : std::string();
}

std::string_view protocol_name_for(std::uint16_t source_port, std::uint16_t destination_port, std::uint8_t protocol) {
  std::string_view name = protocol_for_port(destination_port);
  if (name.empty()) name = protocol_for_port(source_port);
  if (name.empty()) name = protocol == ip_protocol_tcp ? "TCP" : "UDP";
  return name;
}

std::string describe_control_segment(const TcpHeader& header, std::uint32_t relative_ack) {
  const std::uint8_t f = header.flags;
  if (f & tcp_flag::rst) return "RST";
  if ((f & tcp_flag::syn) && (f & tcp_flag::ack)) return "SYN-ACK";
  if (f & tcp_flag::syn) return "SYN";
  if (f & tcp_flag::fin) return "FIN";
  return "ACK " + std::to_string(relative_ack);
}

std::string first_line_of(std::span<const std::uint8_t> data) {
  constexpr std::size_t limit = 60;
  std::string line;
  for (std::uint8_t c : data) {
    if (c == '\r' || c == '\n') break;
    if (line.size() >= limit) {
      line += "...";
      break;
    }
    line += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
  }
  return line;
}

bool is_pure_ack_hop(const TraceRecord& record) {
  if (record.kind != TraceKind::hop) return false;
  const auto& p = record.payload;
  // IPv4 header (RFC 791): version/IHL in byte 0, total length at 2, protocol (6 = TCP) at 9.
  if (p.size() < 20 || (p[0] >> 4) != 4 || p[9] != 6) return false;
  const std::size_t ip_header = static_cast<std::size_t>(p[0] & 0x0f) * 4;
  const std::size_t total = static_cast<std::size_t>(p[2]) << 8 | p[3];
  if (p.size() < ip_header + 20 || total < ip_header + 20) return false;
  // TCP header (RFC 9293 §3.1): data offset in the high nibble of byte 12, flags in byte 13.
  const std::size_t tcp_header = static_cast<std::size_t>(p[ip_header + 12] >> 4) * 4;
  const std::uint8_t flags = p[ip_header + 13] & 0x3f;
  return flags == 0x10 && total == ip_header + tcp_header;
}

std::shared_ptr<Packet> make_tcp_packet(std::uint64_t connection, Endpoint from, Endpoint to,
                                        std::string_view protocol_name) {
  auto packet = std::make_shared<Packet>();
  packet->connection = connection;
  packet->source = from.address;
  packet->destination = to.address;
  packet->protocol = ip_protocol_tcp;
  packet->source_port = from.port;
  packet->destination_port = to.port;
  packet->tcp.source_port = from.port;
  packet->tcp.destination_port = to.port;
  packet->protocol_name = protocol_name;
  return packet;
}

}  // namespace maillab::engine
