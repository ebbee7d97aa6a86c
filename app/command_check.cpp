// maillab check SCENARIO.yaml — validates only: every problem with file:line:column, nothing run.
#include <iostream>

#include "app/arguments.h"
#include "app/commands.h"
#include "scenarios/loader.h"

namespace maillab::app {

int command_check(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {}, error);
  if (!parsed) return usage_error("check", error);
  if (parsed->help) {
    std::cout << "Usage: maillab check SCENARIO.yaml...\n"
                 "Validates scenario files without running them. Every problem is printed as\n"
                 "  file:line:column: error: what was wrong; expected what\n"
                 "Exit: 0 all files are valid, 2 a file has errors.\n";
    return 0;
  }
  if (parsed->positional.empty()) return usage_error("check", "no scenario file given");
  int status = 0;
  for (const auto& path : parsed->positional) {
    scenarios::Diagnostics diagnostics;
    auto world = scenarios::load_world(path, std::nullopt, diagnostics);
    if (!world) {
      std::cerr << diagnostics.to_string() << path << ": " << diagnostics.count()
                << (diagnostics.count() == 1 ? " error\n" : " errors\n");
      status = 2;
      continue;
    }
    std::cerr << diagnostics.warnings_to_string();
    std::cout << path << ": ok (" << world->network.nodes().size() << " nodes, " << world->network.links().size()
              << " links, " << world->events.size() << " events, " << world->expectations.size()
              << " expectations)\n";
  }
  return status;
}

}  // namespace maillab::app
