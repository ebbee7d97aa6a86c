// How `maillab run` shows a run to people: a header naming the scenario, the trace, the results.
#pragma once

#include <cstdint>
#include <ostream>

#include "engine/core/trace.h"
#include "scenarios/world.h"

namespace maillab::app {

// A hop record carrying a TCP segment with only the ACK flag and no data. The text trace hides
// these unless --verbose: a transfer's acknowledgements would otherwise double its length
// without telling a student anything new. JSONL and pcap always keep every record.
bool is_pure_ack_hop(const engine::TraceRecord& record);

// "== intro: One line title ==", the description indented, then seed and run length.
void print_header(std::ostream& out, const scenarios::World& world, engine::Time until);

}  // namespace maillab::app
