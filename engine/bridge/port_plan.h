// Which real loopback port stands for which simulated service, and how the bridge shows that
// mapping to people (a table) and to programs (a JSON file, for tests and scripts).
//
// The mapping is predictable so that people can remember it: the n-th host (counting from 0, in
// the order find_served_ports lists them) serves its port P (below 1000) on base + 1000*n + P, so
// the first mail server's submission port 587 is 20587 with the default base 20000. Ports of 1000
// and above get the next free numbers after the last host's block. Base 0 lets the system choose
// every port (tests use it: no clashes with anything else running).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/bridge/gateway.h"

namespace maillab::bridge {

struct PlannedPort {
  ServedPort served;
  std::uint16_t local_port = 0;  // 0: the system chooses (base 0); filled in once bound
};

// nullopt and `error` set when a port would pass 65535.
std::optional<std::vector<PlannedPort>> plan_local_ports(const std::vector<ServedPort>& served,
                                                         std::uint16_t base, std::string& error);

// One line per port, aligned: "  mail.example.org  smtp-submission  587/tcp -> 127.0.0.1:20587".
std::string format_port_table(const std::vector<PlannedPort>& ports, std::string_view bind_address);

// {"bind": "127.0.0.1", "gateway": {"name": "bridge", "address": "10.255.255.254"},
//  "ports": [{"host": ..., "address": ..., "service": ..., "transport": "tcp", "port": 587,
//             "local_port": 20587}, ...]}
std::string format_port_json(const std::vector<PlannedPort>& ports, std::string_view bind_address,
                             std::string_view gateway_name, engine::Address gateway_address);

}  // namespace maillab::bridge
