// Every scenario module's register function. Each lives in its own file under modules/ (or in
// the module's own folder) and is called from register_builtin_modules().
#pragma once

#include "scenarios/registry.h"

namespace maillab::scenarios {

// modules/network_module.cpp: actions link_down, link_up, crash, restart, transfer, note;
// expectations transfer_complete, trace_contains, packets_dropped, messages.
void register_network_module(Registry& registry);

}  // namespace maillab::scenarios
