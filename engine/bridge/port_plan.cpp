#include "engine/bridge/port_plan.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace maillab::bridge {
namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace

std::optional<std::vector<PlannedPort>> plan_local_ports(const std::vector<ServedPort>& served, std::uint16_t base,
                                                         std::string& error) {
  std::vector<PlannedPort> planned;
  if (base == 0) {
    for (const ServedPort& port : served) planned.push_back({port, 0});
    return planned;
  }
  std::map<std::string, unsigned> host_index;
  for (const ServedPort& port : served) host_index.emplace(port.host, static_cast<unsigned>(host_index.size()));
  std::set<unsigned> taken;
  unsigned next_high = base + 1000u * static_cast<unsigned>(host_index.size());
  for (const ServedPort& port : served) {
    unsigned local = 0;
    // UDP and TCP may share a number (dns 53/udp and 53/tcp), as on any real server.
    const unsigned transport_offset = port.transport == Transport::udp ? 100000u : 0u;
    if (port.port < 1000) {
      local = base + 1000u * host_index.at(port.host) + port.port;
    } else {
      while (taken.count(next_high + transport_offset)) ++next_high;
      local = next_high++;
    }
    if (local > 65535) {
      error = "--base-port " + std::to_string(base) + " is too high for " + std::to_string(host_index.size()) +
              " hosts (" + port.host + " " + std::to_string(port.port) + " would need port " + std::to_string(local) +
              "); choose a lower base, or 0 to let the system choose";
      return std::nullopt;
    }
    taken.insert(local + transport_offset);
    planned.push_back({port, static_cast<std::uint16_t>(local)});
  }
  return planned;
}

std::string format_port_table(const std::vector<PlannedPort>& ports, std::string_view bind_address) {
  std::size_t host_width = 4, service_width = 7;
  for (const PlannedPort& p : ports) {
    host_width = std::max(host_width, p.served.host.size());
    service_width = std::max(service_width, p.served.service.size());
  }
  std::ostringstream out;
  for (const PlannedPort& p : ports) {
    std::string simulated = std::to_string(p.served.port) + "/" + std::string(to_string(p.served.transport));
    out << "  " << p.served.host << std::string(host_width - p.served.host.size() + 2, ' ') << p.served.service
        << std::string(service_width - p.served.service.size() + 2, ' ') << simulated
        << std::string(simulated.size() < 9 ? 9 - simulated.size() : 1, ' ') << "-> " << bind_address << ":"
        << p.local_port << "\n";
  }
  return out.str();
}

std::string format_port_json(const std::vector<PlannedPort>& ports, std::string_view bind_address,
                             std::string_view gateway_name, engine::Address gateway_address) {
  std::ostringstream out;
  out << "{\"bind\": " << json_string(bind_address) << ", \"gateway\": {\"name\": " << json_string(gateway_name)
      << ", \"address\": " << json_string(engine::format_address(gateway_address)) << "},\n \"ports\": [";
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const PlannedPort& p = ports[i];
    out << (i ? ",\n  " : "\n  ") << "{\"host\": " << json_string(p.served.host)
        << ", \"address\": " << json_string(engine::format_address(p.served.address))
        << ", \"service\": " << json_string(p.served.service)
        << ", \"transport\": " << json_string(to_string(p.served.transport)) << ", \"port\": " << p.served.port
        << ", \"local_port\": " << p.local_port << "}";
  }
  out << "\n ]}\n";
  return out.str();
}

}  // namespace maillab::bridge
