// Who gets in (bridge.h): accepting real connections within the limits, refusing the rest in
// their own protocol, and backing off when accept() itself fails.
#include <algorithm>

#include "engine/bridge/bridge_impl.h"

namespace maillab::bridge {

std::string refusal_line(const ServedPort& port) {
  if (port.transport != Transport::tcp) return "";
  switch (port.port) {
    case 25:
    case 587:
      // RFC 5321 §3.8/§4.2.3: 421 closes the channel; RFC 3463 §3.4 X.3.2 "system not accepting
      // network messages", as Postfix answers when all its server ports are busy.
      return "421 4.3.2 " + port.host + " Service not available: too many connections, try again later\r\n";
    case 110: return "-ERR [SYS/TEMP] too many connections, try again later\r\n";  // RFC 3206 §4
    case 143: return "* BYE [UNAVAILABLE] too many connections, try again later\r\n";  // RFC 5530 §3
    default: return "";  // 465/993/995 speak TLS first, 53 is binary: just close
  }
}

void Bridge::Impl::accept(std::size_t index, const PlannedPort& port) {
  asio::ip::tcp::acceptor& acceptor = *acceptors[index];
  acceptor.async_accept([this, index, &port](boost::system::error_code code, asio::ip::tcp::socket socket) {
    if (stopping || code == asio::error::operation_aborted) return;
    if (!code) {
      accept_failures_in_row[index] = 0;
      admit(std::move(socket), port);
      accept(index, port);
      return;
    }
    // Out of file descriptors (EMFILE/ENFILE) or the like: the pending connection stays in the
    // kernel's queue, and retrying at once would spin. Wait, longer while it keeps failing.
    ++counters.accept_errors;
    asio::steady_timer& timer = *accept_timers[index];
    const unsigned failures_in_row = ++accept_failures_in_row[index];
    const auto wait = std::chrono::milliseconds(std::min(1000u, 10u << std::min(failures_in_row - 1, 7u)));
    if (counters.accept_errors == 1 || counters.accept_errors % 100 == 0)
      gateway.note(port.served.host, "TCP",
                   "cannot accept more real connections (" + code.message() + "); waiting before trying again");
    timer.expires_after(wait);
    timer.async_wait([this, index, &port](boost::system::error_code waited) {
      if (!waited && !stopping) accept(index, port);
    });
  });
}

void Bridge::Impl::admit(asio::ip::tcp::socket socket, const PlannedPort& port) {
  std::size_t& on_port = open_per_port[&port];
  if (tcp_relays.size() >= options.max_connections) {
    refuse(std::move(socket), port, std::to_string(options.max_connections) + " connections open in total");
    return;
  }
  if (on_port >= options.max_connections_per_port) {
    refuse(std::move(socket), port,
           std::to_string(options.max_connections_per_port) + " connections open on this port");
    return;
  }
  if (refused_in_burst > 0) {
    gateway.note(port.served.host, "TCP",
                 "accepting real connections again (refused " + std::to_string(refused_in_burst) + " while full)");
    refused_in_burst = 0;
  }
  ++counters.connections;
  ++on_port;
  auto relay = std::make_shared<TcpRelay>(*this, std::move(socket), port);
  tcp_relays.emplace(relay->id(), relay);
  relay->start();
}

void Bridge::Impl::refuse(asio::ip::tcp::socket socket, const PlannedPort& port, const std::string& why) {
  ++counters.connections_refused;
  // One note per burst: a flood must not become a flood of trace lines too.
  if (refused_in_burst++ == 0) {
    boost::system::error_code ignored;
    const auto remote = socket.remote_endpoint(ignored);
    gateway.note(port.served.host, "TCP",
                 "refused real client " + format_real_endpoint(remote) + " on " + port.served.service + ": " + why +
                     " (limit)");
  }
  auto line = std::make_shared<std::string>(refusal_line(port.served));
  auto shared = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
  auto close = [shared] {
    boost::system::error_code ignored;
    shared->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    shared->close(ignored);
  };
  if (line->empty()) {
    close();
    return;
  }
  // A few dozen bytes into an empty socket buffer: this completes at once.
  asio::async_write(*shared, asio::buffer(*line), [line, close](boost::system::error_code, std::size_t) { close(); });
}

void Bridge::Impl::forget(std::uint64_t relay_id) {
  auto found = tcp_relays.find(relay_id);
  if (found == tcp_relays.end()) return;
  auto on_port = open_per_port.find(&found->second->port());
  if (on_port != open_per_port.end() && on_port->second > 0) --on_port->second;
  drain_waiters.erase(relay_id);
  tcp_relays.erase(found);
}

}  // namespace maillab::bridge
