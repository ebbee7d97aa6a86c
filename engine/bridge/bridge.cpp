#include "engine/bridge/bridge.h"

#include "engine/bridge/bridge_impl.h"

namespace maillab::bridge {

std::string format_real_endpoint(const asio::ip::tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

std::string format_real_endpoint(const asio::ip::udp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

Bridge::Bridge(engine::Simulator& simulator, Gateway& gateway, BridgeOptions options)
    : impl_(std::make_unique<Impl>(simulator, gateway, std::move(options))) {}

Bridge::~Bridge() = default;

const std::vector<PlannedPort>& Bridge::ports() const { return impl_->ports; }
const BridgeCounters& Bridge::counters() const { return impl_->counters; }

bool Bridge::open(std::string& error) {
  Impl& impl = *impl_;
  if (!impl.gateway.ok()) {
    error = impl.gateway.error();
    return false;
  }
  auto plan = plan_local_ports(impl.gateway.served(), impl.options.base_port, error);
  if (!plan) return false;
  impl.ports = std::move(*plan);

  boost::system::error_code code;
  const auto address = asio::ip::make_address(impl.options.bind_address, code);
  if (code) {
    error = "bad bind address '" + impl.options.bind_address + "': " + code.message();
    return false;
  }
  auto fail = [&](const PlannedPort& port, const std::string& what) {
    error = "cannot " + what + " " + impl.options.bind_address + ":" + std::to_string(port.local_port) + " for " +
            port.served.host + " " + port.served.service + ": " + code.message() +
            (code == asio::error::address_in_use ? " (another bridge running? choose another --base-port)" : "");
    impl.acceptors.clear();
    impl.udp_relays.clear();
    return false;
  };
  for (PlannedPort& port : impl.ports) {
    if (port.served.transport == Transport::tcp) {
      auto acceptor = std::make_unique<asio::ip::tcp::acceptor>(impl.io);
      const asio::ip::tcp::endpoint endpoint(address, port.local_port);
      acceptor->open(endpoint.protocol(), code);
      if (!code) acceptor->set_option(asio::socket_base::reuse_address(true), code);
      if (!code) acceptor->bind(endpoint, code);
      if (!code) acceptor->listen(asio::socket_base::max_listen_connections, code);
      if (code) return fail(port, "listen on");
      port.local_port = acceptor->local_endpoint().port();
      impl.acceptors.push_back(std::move(acceptor));
    } else {
      asio::ip::udp::socket socket(impl.io);
      const asio::ip::udp::endpoint endpoint(address, port.local_port);
      socket.open(endpoint.protocol(), code);
      if (!code) socket.bind(endpoint, code);
      if (code) return fail(port, "bind UDP");
      port.local_port = socket.local_endpoint().port();
      impl.udp_relays.push_back(std::make_unique<UdpRelay>(impl, std::move(socket), port));
    }
  }
  return true;
}

void Bridge::Impl::accept(asio::ip::tcp::acceptor& acceptor, const PlannedPort& port) {
  acceptor.async_accept([this, &acceptor, &port](boost::system::error_code code, asio::ip::tcp::socket socket) {
    if (stopping) return;
    if (!code) {
      ++counters.connections;
      auto relay = std::make_shared<TcpRelay>(*this, std::move(socket), port);
      tcp_relays.emplace(relay->id(), relay);
      relay->start();
    }
    if (code == asio::error::operation_aborted) return;
    accept(acceptor, port);
  });
}

void Bridge::Impl::tick() {
  if (stopping) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double, std::micro>(now - started).count();
  const auto target = static_cast<engine::Time>(elapsed * options.speed);
  if (target > simulator.now()) simulator.run_until(target);
  if (options.run_for && now - started >= *options.run_for) {
    halt(StopReason::time_limit);
    return;
  }
  timer.expires_after(options.tick);
  timer.async_wait([this](boost::system::error_code code) {
    if (!code) tick();
  });
}

void Bridge::Impl::halt(StopReason why) {
  if (stopping) return;
  stopping = true;
  reason = why;
  timer.cancel();
  for (auto& acceptor : acceptors) {
    boost::system::error_code ignored;
    acceptor->close(ignored);
  }
  for (auto& relay : udp_relays) relay->shut_down();
  auto relays = tcp_relays;  // shut_down may forget relays
  for (auto& [id, relay] : relays) relay->shut_down();
  io.stop();
}

StopReason Bridge::run() {
  Impl& impl = *impl_;
  std::size_t tcp_index = 0;
  for (const PlannedPort& port : impl.ports)
    if (port.served.transport == Transport::tcp) impl.accept(*impl.acceptors[tcp_index++], port);
  for (auto& relay : impl.udp_relays) relay->start();

  asio::signal_set signals(impl.io);
  if (impl.options.handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&impl](boost::system::error_code code, int) {
      if (!code) impl.halt(StopReason::signal);
    });
  }
  impl.started = std::chrono::steady_clock::now();
  impl.tick();
  impl.io.run();
  boost::system::error_code ignored;
  signals.cancel(ignored);
  return impl.reason;
}

void Bridge::stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->halt(StopReason::stopped); });
}

}  // namespace maillab::bridge
