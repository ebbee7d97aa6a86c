// maillab bench hold --pending P --events N — the event-list "hold" benchmark.
// TODO: call run_hold_benchmark from bench/hold.h (library maillab_bench) once it lands; until
// then this command says so and exits 2.
#include <iostream>

#include "app/arguments.h"
#include "app/commands.h"

namespace maillab::app {

int command_bench(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {{"pending"}, {"events"}}, error);
  if (!parsed) return usage_error("bench", error);
  if (parsed->help) {
    std::cout << "Usage: maillab bench hold --pending P --events N\n"
                 "Prints event-list throughput figures (the classic hold model: P events pending,\n"
                 "N events run, each scheduling one more).\n";
    return 0;
  }
  if (parsed->positional.size() != 1 || parsed->positional.front() != "hold")
    return usage_error("bench", "unknown benchmark; expected 'hold'");
  std::cerr << "maillab bench: not built yet (bench/hold.h and the maillab_bench library have not landed)\n";
  return 2;
}

}  // namespace maillab::app
