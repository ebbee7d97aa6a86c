// The bridge's way into the simulation: one extra host, "bridge", joined by a fast link to every
// host that serves something, through which real clients' connections and datagrams enter the
// simulated network. Real clients therefore talk to the very same simulated servers as the
// scenario's own hosts, and every byte they exchange crosses a link and shows in the trace.
//
// The gateway host is non-transit (engine::NodeInfo::transit): its links are shortcuts between
// all the servers, and the scenario's own traffic must keep the routes it had without a bridge.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/net/host.h"
#include "engine/net/network.h"

namespace maillab::bridge {

enum class Transport { tcp, udp };
std::string_view to_string(Transport transport);

// One port of one simulated host that the bridge offers to real clients.
struct ServedPort {
  std::string host;  // the simulated host's name
  engine::Address address = 0;
  std::uint16_t port = 0;  // the simulated port
  Transport transport = Transport::tcp;
  std::string service;  // "smtp", "smtp-submission", "imaps", "dns", ... (see service_name)
};

// The well-known name of a port: 25 smtp, 465 smtps, 587 smtp-submission, 110 pop3, 995 pop3s,
// 143 imap, 993 imaps, 53 dns; otherwise "tcp-<port>" / "udp-<port>".
std::string service_name(std::uint16_t port, Transport transport);

// What a port scan of every host would find: each TCP listener and each UDP port 53 binding below
// the ephemeral range, hosts in network order, ports increasing. UDP ports other than 53 are left
// out (resolvers bind ephemeral ports for their own queries; nobody serves on them).
std::vector<ServedPort> find_served_ports(engine::Network& network, std::string_view except_host = {});

struct GatewayOptions {
  std::string name = "bridge";
  engine::Address address = (10u << 24) | (255u << 16) | (255u << 8) | 254u;  // 10.255.255.254
  engine::LinkSpec link = {engine::microseconds(100), 1'000'000'000, 0.0, true};
};

class Gateway {
 public:
  // Finds the served ports, then adds the gateway host and its links. Check ok() (false when
  // the name or address is already taken in the scenario; error() says which).
  Gateway(engine::Network& network, GatewayOptions options = {});

  bool ok() const { return host_ != nullptr; }
  const std::string& error() const { return error_; }

  engine::Host& host() { return *host_; }
  const std::vector<ServedPort>& served() const { return served_; }
  engine::Network& network() { return network_; }

  // A trace note at the gateway host (who connected, what was refused), so that people reading
  // the trace see where the real world came in.
  void note(const std::string& peer, std::string_view protocol, std::string summary, std::uint64_t connection = 0);

 private:
  engine::Network& network_;
  engine::Host* host_ = nullptr;
  std::vector<ServedPort> served_;
  std::string error_;
};

}  // namespace maillab::bridge
