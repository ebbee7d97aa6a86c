#include "engine/bridge/gateway.h"

#include <set>

namespace maillab::bridge {

std::string_view to_string(Transport transport) { return transport == Transport::tcp ? "tcp" : "udp"; }

std::string service_name(std::uint16_t port, Transport transport) {
  if (transport == Transport::udp) return port == 53 ? "dns" : "udp-" + std::to_string(port);
  switch (port) {
    case 25: return "smtp";
    case 465: return "smtps";  // RFC 8314 implicit TLS submission
    case 587: return "smtp-submission";  // RFC 6409
    case 110: return "pop3";
    case 995: return "pop3s";
    case 143: return "imap";
    case 993: return "imaps";
    case 53: return "dns-tcp";
    case 9: return "discard";
    default: return "tcp-" + std::to_string(port);
  }
}

std::vector<ServedPort> find_served_ports(engine::Network& network, std::string_view except_host) {
  constexpr std::uint16_t first_ephemeral = 49152;
  std::vector<ServedPort> served;
  for (engine::Host* host : network.hosts()) {
    if (host->name() == except_host) continue;
    for (std::uint16_t port : host->listening_ports())
      if (port < first_ephemeral)
        served.push_back({host->name(), host->address(), port, Transport::tcp, service_name(port, Transport::tcp)});
    for (std::uint16_t port : host->udp_bound_ports())
      if (port == 53)
        served.push_back({host->name(), host->address(), port, Transport::udp, service_name(port, Transport::udp)});
  }
  return served;
}

Gateway::Gateway(engine::Network& network, GatewayOptions options) : network_(network) {
  served_ = find_served_ports(network);
  if (network.node(options.name)) {
    error_ = "the scenario already has a node named '" + options.name + "'";
    return;
  }
  if (network.name_of(options.address)) {
    error_ = "the scenario already uses the bridge's address " + engine::format_address(options.address);
    return;
  }
  host_ = network.add_host(options.name, options.address, "bridge");
  if (!host_) {
    error_ = "cannot add the bridge host '" + options.name + "'";
    return;
  }
  network.set_transit(options.name, false);
  std::set<std::string> linked;
  for (const ServedPort& port : served_)
    if (linked.insert(port.host).second) network.add_link(options.name, port.host, options.link);
}

void Gateway::note(const std::string& peer, std::string_view protocol, std::string summary, std::uint64_t connection) {
  engine::TraceRecord record;
  record.time = host_->simulator().now();
  record.kind = engine::TraceKind::note;
  record.node = host_->name();
  record.peer = peer;
  record.protocol = std::string(protocol);
  record.summary = std::move(summary);
  record.connection = connection;
  host_->simulator().trace().record(std::move(record));
}

}  // namespace maillab::bridge
