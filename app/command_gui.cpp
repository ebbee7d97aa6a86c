// Placeholder: `maillab gui [SCENARIO|LESSON] [--screenshot FILE --frames N]` is being written elsewhere; this file is replaced when it lands.
// Until then it says so and exits 2 (run.sh relies on `maillab gui --help` failing here).
#include <iostream>

#include "app/commands.h"

namespace maillab::app {

int command_gui(const Arguments&) {
  std::cerr << "maillab gui: not built yet (usage will be: maillab gui [SCENARIO|LESSON] [--screenshot FILE --frames N])\n";
  return 2;
}

}  // namespace maillab::app
