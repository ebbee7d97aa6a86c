// Host: its services and its TCP-like streams (listen, connect, ports); segments for no
// connection are answered with RST. UDP lives in udp.cpp, the stream itself in tcp_stream.cpp.
#include "engine/net/host.h"

#include <bit>

#include "engine/net/host_transport.h"
#include "engine/net/network.h"
#include "engine/net/network_impl.h"
#include "engine/net/tcp_stream.h"

namespace maillab::engine {

std::string_view to_string(ConnectError error) {
  switch (error) {
    case ConnectError::refused: return "refused";
    case ConnectError::timeout: return "timeout";
    case ConnectError::unreachable: return "unreachable";
  }
  return "unknown";
}

std::string_view to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::normal: return "normal";
    case CloseReason::reset: return "reset";
    case CloseReason::timeout: return "timeout";
    case CloseReason::host_down: return "host down";
  }
  return "unknown";
}

Host::Host(Network& network, std::string name, Address address, std::size_t node_index)
    : network_(network), name_(std::move(name)), address_(address), node_index_(node_index),
      transport_(std::make_unique<Transport>(*this)) {}

// Services go first, while the transport still exists: a service's destructor may unbind its
// ports (the stub resolver inside an MTA does). Newest first: a POP3 session's lock lives in the
// mailboxes added before it.
Host::~Host() {
  shut_down();
  while (!services_.empty()) services_.pop_back();
}

void Host::shut_down() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto service = services_.rbegin(); service != services_.rend(); ++service) (*service)->stop();
  transport_->release();
}

bool Host::up() const { return network_.nodes()[node_index_].up; }

Simulator& Host::simulator() { return network_.simulator(); }

// --- TCP -------------------------------------------------------------------------------------

bool Host::listen(std::uint16_t port, std::function<void(std::shared_ptr<StreamConnection>)> on_accept) {
  if (port == 0 || transport_->listeners.count(port)) return false;
  transport_->listeners.emplace(port, std::move(on_accept));
  transport_->refresh_port(port);
  return true;
}

void Host::unlisten(std::uint16_t port) {
  transport_->listeners.erase(port);
  transport_->refresh_port(port);
}

std::vector<std::uint16_t> Host::listening_ports() const {
  std::vector<std::uint16_t> ports;
  for (const auto& [port, on_accept] : transport_->listeners) ports.push_back(port);
  return ports;
}

std::vector<std::uint16_t> Host::udp_bound_ports() const {
  std::vector<std::uint16_t> ports;
  for (const auto& [port, on_datagram] : transport_->udp_bindings) ports.push_back(port);
  return ports;
}

void Host::connect(Endpoint remote, ConnectHandlers handlers) {
  Network::Impl& net = network_.impl();
  const std::uint64_t id = net.next_connection_id++;
  const std::string protocol(protocol_name_for(0, remote.port, ip_protocol_tcp));
  if (!up() || !net.has_route(*this, remote.address)) {
    // No route now (EHOSTUNREACH): fail at once rather than send SYNs nowhere. Still from an
    // event, never inside connect().
    net.record_transport(name_, net.label_for(remote.address), protocol,
                         std::string("unreachable: ") + (up() ? "no route to " : "host is down, cannot reach ") +
                             format_endpoint(remote),
                         id);
    simulator().schedule_in(0, [on_failed = std::move(handlers.on_failed)] {
      if (on_failed) on_failed(ConnectError::unreachable);
    });
    return;
  }
  const std::optional<std::uint16_t> port = transport_->take_ephemeral_port();
  if (!port) {
    // Every ephemeral port is taken (EADDRNOTAVAIL): a flood of connections, e.g. through the
    // bridge. Fail this one, from an event as always, rather than reuse a port.
    ++network_.transport_counters().ports_exhausted;
    net.record_transport(name_, net.label_for(remote.address), protocol,
                         "cannot connect to " + format_endpoint(remote) + ": all " +
                             std::to_string(Transport::ephemeral_count) + " ephemeral ports are in use",
                         id);
    simulator().schedule_in(0, [on_failed = std::move(handlers.on_failed)] {
      if (on_failed) on_failed(ConnectError::unreachable);
    });
    return;
  }
  auto stream = std::make_shared<TcpStream>(*this, id, Endpoint{address_, *port}, remote);
  transport_->add_connection({*port, remote}, stream);
  stream->start_connect(std::move(handlers));
}

std::uint16_t Host::ephemeral_port() { return transport_->take_ephemeral_port().value_or(0); }

// --- services --------------------------------------------------------------------------------

Service& Host::add_service(std::unique_ptr<Service> service) {
  services_.push_back(std::move(service));
  Service& added = *services_.back();
  added.start(*this);
  return added;
}

// --- Host::Transport -------------------------------------------------------------------------

Host::Transport::Transport(Host& owner)
    : host(owner), rng(owner.simulator().rng().derive("host:" + owner.name())) {
  next_ephemeral = static_cast<std::uint16_t>(first_ephemeral + rng.uniform(ephemeral_count));
}

Network::Impl& Host::Transport::network() { return host.network().impl(); }

bool Host::Transport::port_in_use(std::uint16_t port) const {
  return udp_bindings.count(port) || listeners.count(port) || connections_on_port.count(port);
}

void Host::Transport::refresh_port(std::uint16_t port) {
  if (port < first_ephemeral) return;
  const unsigned index = port - first_ephemeral;
  const std::uint64_t bit = std::uint64_t{1} << (index % 64);
  if (port_in_use(port))
    ephemeral_in_use[index / 64] |= bit;
  else
    ephemeral_in_use[index / 64] &= ~bit;
}

void Host::Transport::add_connection(const ConnectionKey& key, std::shared_ptr<TcpStream> stream) {
  auto [slot, added] = connections.try_emplace(key, std::move(stream));
  if (!added) return;  // never happens: the key's port was free, or the remote end is new
  ++connections_on_port[key.first];
  refresh_port(key.first);
}

void Host::Transport::remove_connection(const ConnectionKey& key, const TcpStream* stream) {
  auto found = connections.find(key);
  if (found == connections.end() || found->second.get() != stream) return;
  connections.erase(found);
  auto count = connections_on_port.find(key.first);
  if (count != connections_on_port.end() && --count->second == 0) connections_on_port.erase(count);
  refresh_port(key.first);
}

std::optional<std::uint16_t> Host::Transport::take_ephemeral_port() {
  constexpr unsigned words = ephemeral_count / 64;
  const unsigned start = next_ephemeral - first_ephemeral;
  const unsigned start_bit = start % 64;
  // The start word from start_bit on, the other words in turn, then the start word below start_bit.
  for (unsigned step = 0; step <= words; ++step) {
    const unsigned word = (start / 64 + step) % words;
    std::uint64_t free = ~ephemeral_in_use[word];
    if (step == 0) free &= ~std::uint64_t{0} << start_bit;
    if (step == words) free &= (std::uint64_t{1} << start_bit) - 1;
    ++host.network().transport_counters().port_search_steps;
    if (free == 0) continue;
    const unsigned index = word * 64 + static_cast<unsigned>(std::countr_zero(free));
    next_ephemeral = static_cast<std::uint16_t>(first_ephemeral + (index + 1) % ephemeral_count);
    return static_cast<std::uint16_t>(first_ephemeral + index);
  }
  return std::nullopt;
}

void Host::Transport::send_packet(std::shared_ptr<Packet> packet) { network().send_from(host, std::move(packet)); }

void Host::Transport::receive(const Packet& packet) {
  if (packet.protocol == ip_protocol_udp)
    receive_udp(packet);
  else
    receive_tcp(packet);
}

void Host::Transport::receive_tcp(const Packet& packet) {
  const ConnectionKey key{packet.destination_port, Endpoint{packet.source, packet.source_port}};
  auto found = connections.find(key);
  if (found != connections.end()) {
    auto stream = found->second;  // keeps it alive while it handles the segment
    stream->receive(packet);
    return;
  }
  const std::uint8_t flags = packet.tcp.flags;
  if (flags & tcp_flag::rst) return;  // never answer a reset (RFC 9293 §3.10.7.1)
  if ((flags & tcp_flag::syn) && !(flags & tcp_flag::ack)) {
    auto listener = listeners.find(packet.destination_port);
    if (listener != listeners.end()) {
      auto stream = std::make_shared<TcpStream>(host, packet.connection,
                                                Endpoint{host.address(), packet.destination_port},
                                                Endpoint{packet.source, packet.source_port});
      add_connection(key, stream);
      stream->start_accept(packet, listener->second);
      return;
    }
    network().record_transport(host.name(), network().label_for(packet.source), std::string(packet.protocol_name),
                               "refused: nothing listens on port " + std::to_string(packet.destination_port),
                               packet.connection);
  }
  reply_reset(packet);
}

// RFC 9293 §3.10.7.1: a segment for no connection is answered with RST.
void Host::Transport::reply_reset(const Packet& packet) {
  auto reset = make_tcp_packet(packet.connection, {packet.destination, packet.destination_port},
                               {packet.source, packet.source_port}, packet.protocol_name);
  reset->tcp.window = 0;
  if (packet.tcp.flags & tcp_flag::ack) {
    reset->tcp.sequence = packet.tcp.acknowledgment;
    reset->tcp.flags = tcp_flag::rst;
  } else {
    std::uint32_t length = static_cast<std::uint32_t>(packet.data.size());
    if (packet.tcp.flags & tcp_flag::syn) ++length;
    if (packet.tcp.flags & tcp_flag::fin) ++length;
    reset->tcp.sequence = 0;
    reset->tcp.acknowledgment = packet.tcp.sequence + length;
    reset->tcp.flags = tcp_flag::rst | tcp_flag::ack;
  }
  reset->summary = "RST";
  send_packet(std::move(reset));
}

void Host::Transport::release() {
  for (auto& [key, stream] : connections) stream->release_handlers();
  listeners.clear();
  udp_bindings.clear();
}

void Host::Transport::crash() {
  auto lost = std::move(connections);
  connections.clear();
  std::vector<std::uint16_t> ports;
  for (const auto& [port, count] : connections_on_port) ports.push_back(port);
  connections_on_port.clear();
  for (std::uint16_t port : ports) refresh_port(port);
  for (auto& [key, stream] : lost) stream->vanish();
}

}  // namespace maillab::engine
