// UDP (RFC 768): a host's datagram service. Datagrams are fire-and-forget; one that reaches a
// port nobody has bound is dropped with a trace record (no ICMP port unreachable is simulated).
#include "engine/net/host.h"
#include "engine/net/host_transport.h"
#include "engine/net/network_impl.h"

namespace maillab::engine {

// --- UDP -------------------------------------------------------------------------------------

bool Host::udp_bind(std::uint16_t port, std::function<void(const Datagram&)> on_datagram) {
  if (port == 0 || transport_->udp_bindings.count(port)) return false;
  transport_->udp_bindings.emplace(port, std::move(on_datagram));
  transport_->refresh_port(port);
  return true;
}

void Host::udp_unbind(std::uint16_t port) {
  transport_->udp_bindings.erase(port);
  transport_->refresh_port(port);
}

namespace {

std::shared_ptr<Packet> make_udp_packet(Address source, std::uint16_t source_port, Endpoint destination,
                                        std::vector<std::uint8_t> payload) {
  auto packet = std::make_shared<Packet>();
  packet->source = source;
  packet->destination = destination.address;
  packet->protocol = ip_protocol_udp;
  packet->source_port = source_port;
  packet->destination_port = destination.port;
  packet->data = std::move(payload);
  packet->protocol_name = protocol_name_for(source_port, destination.port, ip_protocol_udp);
  return packet;
}

}  // namespace

void Host::udp_send(std::uint16_t source_port, Endpoint destination, std::vector<std::uint8_t> payload,
                    PayloadDescriber describe) {
  auto packet = make_udp_packet(address_, source_port, destination, std::move(payload));
  packet->describe_payload = describe;
  transport_->send_packet(std::move(packet));
}

void Host::udp_send(std::uint16_t source_port, Endpoint destination, std::vector<std::uint8_t> payload,
                    std::string summary) {
  auto packet = make_udp_packet(address_, source_port, destination, std::move(payload));
  packet->summary = std::move(summary);  // empty: "UDP N bytes" (Packet::describe)
  transport_->send_packet(std::move(packet));
}

void Host::Transport::receive_udp(const Packet& packet) {
  auto binding = udp_bindings.find(packet.destination_port);
  if (binding == udp_bindings.end()) {
    network().record_drop(packet, host.name(), network().label_for(packet.source), "port unreachable");
    return;
  }
  auto handler = binding->second;  // a copy: the handler may unbind itself
  Datagram datagram{Endpoint{packet.source, packet.source_port}, Endpoint{packet.destination, packet.destination_port},
                    packet.data};
  if (handler) handler(datagram);
}

}  // namespace maillab::engine
