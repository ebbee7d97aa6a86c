// How `maillab run` shows a run to people: a header naming the scenario, the trace, the results.
#pragma once

#include <cstdint>
#include <ostream>

#include "engine/core/trace.h"
#include "scenarios/world.h"

namespace maillab::app {

// "== intro: One line title ==", the description indented, then seed and run length.
void print_header(std::ostream& out, const scenarios::World& world, engine::Time until);

}  // namespace maillab::app
