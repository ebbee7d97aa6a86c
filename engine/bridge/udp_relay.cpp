// Real UDP datagrams (DNS queries from dig, dnspython ...) relayed into the simulation (bridge.h).
#include <vector>

#include "engine/bridge/bridge_impl.h"
#include "protocols/dns/presentation.h"
#include "protocols/dns/wire.h"

namespace maillab::bridge {
namespace {

// "Q MX example.org" when the payload is a DNS message; hop records show it.
std::string summarize(const PlannedPort& port, const std::vector<std::uint8_t>& payload) {
  if (port.served.port == 53) {
    auto message = dns::decode_message(payload);
    if (message.ok()) return dns::summarize_message(message.value());
    return "not a DNS message (" + message.error().describe() + ")";
  }
  return std::to_string(payload.size()) + " bytes";
}

}  // namespace

UdpRelay::UdpRelay(Bridge::Impl& bridge, asio::ip::udp::socket socket, const PlannedPort& port)
    : bridge_(bridge), socket_(std::move(socket)), port_(port) {}

void UdpRelay::shut_down() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void UdpRelay::receive() {
  socket_.async_receive_from(asio::buffer(buffer_), sender_, [this](boost::system::error_code code, std::size_t size) {
    if (code == asio::error::operation_aborted || bridge_.stopping) return;
    if (!code) relay(size);
    receive();
  });
}

void UdpRelay::relay(std::size_t size) {
  engine::Host& gateway = bridge_.gateway.host();
  auto found = simulated_ports_.find(sender_);
  if (found == simulated_ports_.end()) {
    // A simulated source port per real sender, kept while it is among the last max_udp_senders
    // (a real client's query ids only have to be unique per its own socket).
    if (sender_order_.size() >= max_udp_senders) {
      auto oldest = simulated_ports_.find(sender_order_.front());
      if (oldest != simulated_ports_.end()) {
        gateway.udp_unbind(oldest->second);
        simulated_ports_.erase(oldest);
      }
      sender_order_.pop_front();
    }
    const std::uint16_t simulated_port = gateway.ephemeral_port();
    const asio::ip::udp::endpoint real_sender = sender_;
    const bool bound = gateway.udp_bind(simulated_port, [this, real_sender](const engine::Datagram& datagram) {
      if (bridge_.stopping) return;
      ++bridge_.counters.datagrams_out;
      auto payload = std::make_shared<std::vector<std::uint8_t>>(datagram.payload);
      socket_.async_send_to(asio::buffer(*payload), real_sender,
                            [payload](boost::system::error_code, std::size_t) {});
    });
    if (!bound) return;  // no port left on the gateway host: drop, as a full socket table would
    found = simulated_ports_.emplace(sender_, simulated_port).first;
    sender_order_.push_back(sender_);
    bridge_.gateway.note(port_.served.host, "UDP",
                         "real client " + format_real_endpoint(sender_) + " sends to " + bridge_.options.bind_address +
                             ":" + std::to_string(port_.local_port) + "; bridging to " + port_.served.host + ":" +
                             std::to_string(port_.served.port) + " from port " + std::to_string(simulated_port));
  }
  ++bridge_.counters.datagrams_in;
  std::vector<std::uint8_t> payload(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(size));
  std::string summary = summarize(port_, payload);
  gateway.udp_send(found->second, {port_.served.address, port_.served.port}, std::move(payload), std::move(summary));
}

}  // namespace maillab::bridge
