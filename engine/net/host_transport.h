// Host::Transport — a host's sockets: UDP bindings, TCP listeners and connections, port and ISN
// choice (internal to engine/net; applications use Host's methods).
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
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
  // Change only through add_connection/remove_connection, udp_bind/listen and their undoing:
  // they keep the port bookkeeping below in step.
  std::map<ConnectionKey, std::shared_ptr<TcpStream>> connections;
  std::uint16_t next_ephemeral = 0;

  // Port bookkeeping, so that choosing a port never scans the connections: how many connections
  // use each local port, and one bit per ephemeral port (49152-65535) that is in use in any way.
  static constexpr std::uint16_t first_ephemeral = 49152;
  static constexpr unsigned ephemeral_count = 65536 - first_ephemeral;
  std::unordered_map<std::uint16_t, std::uint32_t> connections_on_port;
  std::array<std::uint64_t, ephemeral_count / 64> ephemeral_in_use{};

  Network::Impl& network();

  // A packet addressed to this host has arrived (the host is up).
  void receive(const Packet& packet);
  // The host crashed: every connection vanishes without a packet.
  void crash();
  // The host is being torn down (Host::shut_down): every callback is dropped, none is called.
  void release();

  bool port_in_use(std::uint16_t port) const;
  // Re-reads whether `port` is in use into its ephemeral bit (after any binding change).
  void refresh_port(std::uint16_t port);
  void add_connection(const ConnectionKey& key, std::shared_ptr<TcpStream> stream);
  void remove_connection(const ConnectionKey& key, const TcpStream* stream);
  // The first free ephemeral port at or after next_ephemeral, cyclically; nullopt when all
  // 16,384 are in use. At most 257 words are examined, whatever the number of connections.
  std::optional<std::uint16_t> take_ephemeral_port();
  void send_packet(std::shared_ptr<Packet> packet);

 private:
  void receive_udp(const Packet& packet);
  void receive_tcp(const Packet& packet);
  void reply_reset(const Packet& packet);
};

}  // namespace maillab::engine
