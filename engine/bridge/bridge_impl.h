// Internals of the bridge (bridge.h): the Asio state and the relays between real sockets and the
// simulated network. Only engine/bridge's own files include this.
#pragma once

#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it (GCC 12, C++20)
#include <boost/asio.hpp>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "engine/bridge/bridge.h"

namespace maillab::bridge {

namespace asio = boost::asio;

// One real TCP connection paired with one simulated connection from the gateway host.
class TcpRelay : public std::enable_shared_from_this<TcpRelay> {
 public:
  TcpRelay(Bridge::Impl& bridge, asio::ip::tcp::socket socket, const PlannedPort& port);
  std::uint64_t id() const { return id_; }
  const PlannedPort& port() const { return port_; }
  // Starts the simulated connect; reading the real socket begins once it succeeds.
  void start();
  // Closes the real socket at once (the bridge is stopping).
  void shut_down();
  // Reading the real client stopped because the simulated server had not taken its bytes yet;
  // true once it reads again (the bridge asks after every tick).
  bool resume_if_drained();

 private:
  void connected(std::shared_ptr<engine::StreamConnection> connection);
  void connect_failed(engine::ConnectError error);
  void read_real();
  void write_real();
  void to_real(std::string_view bytes);
  bool real_input_blocked() const;
  void simulated_closed(engine::CloseReason reason);
  void reset_real();   // RST to the real client (SO_LINGER 0, then close)
  void finish();       // both directions done: forget this relay

  Bridge::Impl& bridge_;
  asio::ip::tcp::socket socket_;
  const PlannedPort& port_;
  std::uint64_t id_ = 0;
  std::string client_;  // "127.0.0.1:54321", for the trace
  std::shared_ptr<engine::StreamConnection> simulated_;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> to_real_;
  std::uint64_t buffered_ = 0;  // bytes in to_real_
  bool writing_ = false;
  bool reading_real_ = false;  // an async read of the real socket is pending
  bool real_paused_ = false;   // reading the real client stopped (back-pressure)
  bool real_done_ = false;       // the real client sent EOF (or failed)
  bool simulated_done_ = false;  // the simulated server closed
  bool finished_ = false;
};

// One real UDP socket for one served UDP port (DNS). Each real sender gets its own simulated
// source port on the gateway host, so answers find their way back.
class UdpRelay {
 public:
  UdpRelay(Bridge::Impl& bridge, asio::ip::udp::socket socket, const PlannedPort& port);
  void start() { receive(); }
  void shut_down();

 private:
  void receive();
  void relay(std::size_t size);

  Bridge::Impl& bridge_;
  asio::ip::udp::socket socket_;
  const PlannedPort& port_;
  asio::ip::udp::endpoint sender_;
  std::array<std::uint8_t, 65536> buffer_{};
  std::map<asio::ip::udp::endpoint, std::uint16_t> simulated_ports_;
  // Senders in the order they first came: past max_udp_senders the oldest mapping is dropped
  // (dig takes a new source port every run; keeping them all would use up the gateway's ports).
  std::deque<asio::ip::udp::endpoint> sender_order_;
  static constexpr std::size_t max_udp_senders = 1024;
};

struct Bridge::Impl {
  Impl(engine::Simulator& simulator, Gateway& gateway, BridgeOptions options)
      : simulator(simulator), gateway(gateway), options(std::move(options)), timer(io) {}

  engine::Simulator& simulator;
  Gateway& gateway;
  BridgeOptions options;
  asio::io_context io;
  asio::steady_timer timer;
  std::vector<PlannedPort> ports;
  std::vector<std::unique_ptr<asio::ip::tcp::acceptor>> acceptors;  // parallel to TCP ports
  std::vector<std::unique_ptr<asio::steady_timer>> accept_timers;   // back-off, parallel to acceptors
  std::vector<unsigned> accept_failures_in_row;                     // parallel to acceptors
  std::vector<std::unique_ptr<UdpRelay>> udp_relays;
  std::map<std::uint64_t, std::shared_ptr<TcpRelay>> tcp_relays;
  std::map<const PlannedPort*, std::size_t> open_per_port;
  std::set<std::uint64_t> drain_waiters;  // relays whose real reading waits for the simulation
  std::uint64_t refused_in_burst = 0;     // refusals since the last trace note about them
  std::uint64_t next_relay_id = 1;
  BridgeCounters counters;
  StopReason reason = StopReason::stopped;
  std::chrono::steady_clock::time_point started;
  bool stopping = false;

  void accept(std::size_t index, const PlannedPort& port);
  void admit(asio::ip::tcp::socket socket, const PlannedPort& port);
  void refuse(asio::ip::tcp::socket socket, const PlannedPort& port, const std::string& why);
  void tick();
  bool run_simulation_slice(engine::Time target);
  void halt(StopReason why);
  void forget(std::uint64_t relay_id);
};

// The protocol's own "too busy" answer for a served port ("" when it has none we can send in
// clear: implicit TLS ports, DNS over TCP, anything else).
std::string refusal_line(const ServedPort& port);

std::string format_real_endpoint(const asio::ip::tcp::endpoint& endpoint);
std::string format_real_endpoint(const asio::ip::udp::endpoint& endpoint);

}  // namespace maillab::bridge
