// Placeholder: `maillab bridge SCENARIO.yaml` is being written elsewhere; this file is replaced when it lands.
// Until then it says so and exits 2 (run.sh relies on `maillab gui --help` failing here).
#include <iostream>

#include "app/commands.h"

namespace maillab::app {

int command_bridge(const Arguments&) {
  std::cerr << "maillab bridge: not built yet (usage will be: maillab bridge SCENARIO.yaml)\n";
  return 2;
}

}  // namespace maillab::app
