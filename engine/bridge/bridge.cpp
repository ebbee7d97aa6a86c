#include "engine/bridge/bridge.h"

#include <sys/resource.h>

#include <algorithm>

#include "engine/bridge/bridge_impl.h"

namespace maillab::bridge {

bool is_loopback_address(const std::string& address) {
  boost::system::error_code code;
  const auto parsed = asio::ip::make_address(address, code);
  return !code && parsed.is_loopback();
}

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
const BridgeOptions& Bridge::options() const { return impl_->options; }

bool Bridge::open(std::string& error) {
  Impl& impl = *impl_;
  if (!impl.gateway.ok()) {
    error = impl.gateway.error();
    return false;
  }
  auto plan = plan_local_ports(impl.gateway.served(), impl.options.base_port, error);
  if (!plan) return false;
  // Every real connection holds a file descriptor: keep the limit inside the process's own,
  // with room for the listening sockets, the trace and the ports file.
  if (rlimit files{}; getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
    const std::size_t reserve = plan->size() + 32;
    const std::size_t usable = files.rlim_cur > reserve ? static_cast<std::size_t>(files.rlim_cur) - reserve : 1;
    impl.options.max_connections = std::max<std::size_t>(1, std::min(impl.options.max_connections, usable));
  }
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
    impl.accept_timers.clear();
    impl.accept_failures_in_row.clear();
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
      impl.accept_timers.push_back(std::make_unique<asio::steady_timer>(impl.io));
      impl.accept_failures_in_row.push_back(0);
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

// Runs simulated events up to `target` for at most a slice of wall time; true when it caught up
// (and the clock stands at `target`), false when events up to `target` are still waiting.
bool Bridge::Impl::run_simulation_slice(engine::Time target) {
  constexpr auto slice = std::chrono::milliseconds(20);
  const auto slice_end = std::chrono::steady_clock::now() + slice;
  for (std::uint64_t ran = 1;; ++ran) {
    const auto next = simulator.next_event_time();
    if (!next || *next > target) break;
    simulator.step();
    if (ran % 64 == 0 && std::chrono::steady_clock::now() >= slice_end) return false;
  }
  if (target > simulator.now()) simulator.run_until(target);  // only moves the clock now
  return true;
}

void Bridge::Impl::tick() {
  if (stopping) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double, std::micro>(now - started).count();
  const auto target = static_cast<engine::Time>(elapsed * options.speed);
  const bool caught_up = run_simulation_slice(target);
  // Relays that stopped reading their client until the simulated server took its bytes.
  for (auto waiter = drain_waiters.begin(); waiter != drain_waiters.end();) {
    auto relay = tcp_relays.find(*waiter);
    if (relay == tcp_relays.end() || relay->second->resume_if_drained())
      waiter = drain_waiters.erase(waiter);
    else
      ++waiter;
  }
  if (options.run_for && now - started >= *options.run_for) {
    halt(StopReason::time_limit);
    return;
  }
  if (!caught_up) {
    // Behind: let sockets and signals in, then carry on at once.
    asio::post(io, [this] { tick(); });
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
  for (auto& accept_timer : accept_timers) accept_timer->cancel();
  for (auto& relay : udp_relays) relay->shut_down();
  auto relays = tcp_relays;  // shut_down may forget relays
  for (auto& [id, relay] : relays) relay->shut_down();
  io.stop();
}

StopReason Bridge::run() {
  Impl& impl = *impl_;
  std::size_t tcp_index = 0;
  for (const PlannedPort& port : impl.ports)
    if (port.served.transport == Transport::tcp) impl.accept(tcp_index++, port);
  for (auto& relay : impl.udp_relays) relay->start();

  std::optional<asio::signal_set> signals;
  if (impl.options.handle_signals) {
    signals.emplace(impl.io, SIGINT, SIGTERM);
    signals->async_wait([&impl](boost::system::error_code code, int) {
      if (!code) impl.halt(StopReason::signal);
    });
  }
  impl.started = std::chrono::steady_clock::now();
  impl.tick();
  impl.io.run();
  boost::system::error_code ignored;
  if (signals) signals->cancel(ignored);
  return impl.reason;
}

void Bridge::stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->halt(StopReason::stopped); });
}

}  // namespace maillab::bridge
