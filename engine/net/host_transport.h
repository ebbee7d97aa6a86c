// Host::Transport — a host's sockets: UDP bindings, TCP listeners and connections, port and ISN
// choice (internal to engine/net; applications use Host's methods).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <utility>

#include "engine/net/host.h"
#include "engine/net/network.h"
#include "engine/net/packet.h"

namespace maillab::engine {

class TcpStream;

struct Host::Transport {
  explicit Transport(Host& owner);

  Host& host;
  Rng rng;  // this host's own numbers (ISNs, ephemeral ports): Rng::derive("host:<name>")
  std::map<std::uint16_t, std::function<void(const Datagram&)>> udp_bindings;
  std::map<std::uint16_t, std::function<void(std::shared_ptr<StreamConnection>)>> listeners;
  using ConnectionKey = std::pair<std::uint16_t, Endpoint>;  // local port, remote end
  std::map<ConnectionKey, std::shared_ptr<TcpStream>> connections;
  std::uint16_t next_ephemeral = 0;

  Network::Impl& network();

  // A packet addressed to this host has arrived (the host is up).
  void receive(const Packet& packet);
  // The host crashed: every connection vanishes without a packet.
  void crash();
  // The host is being torn down (Host::shut_down): every callback is dropped, none is called.
  void release();

  bool port_in_use(std::uint16_t port) const;
  void send_packet(std::shared_ptr<Packet> packet);

 private:
  void receive_udp(const Packet& packet);
  void receive_tcp(const Packet& packet);
  void reply_reset(const Packet& packet);
};

}  // namespace maillab::engine
