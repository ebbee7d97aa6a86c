// How `maillab run` shows a run to people: a header naming the scenario, the trace, the results.
#pragma once

#include <cstdint>
#include <ostream>

#include "engine/core/trace.h"
#include "scenarios/world.h"

namespace maillab::app {

// "== intro: One line title ==", the description indented, then seed and run length.
void print_header(std::ostream& out, const scenarios::World& world, engine::Time until);

// --keylog FILE: the secrets of every TLS connection of the world, in the NSS key log format
// (SSLKEYLOGFILE) that Wireshark and `tshark -o tls.keylog_file:FILE` read to decrypt a pcap.
void write_tls_keys_to(scenarios::World& world, std::ostream& out);

}  // namespace maillab::app
