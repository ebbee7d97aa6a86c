#include "app/commands.h"

namespace maillab::app {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "run a scenario headless: trace, expectation results, message summary", command_run},
      {"check", "validate a scenario file without running it", command_check},
      {"list", "list the built-in scenarios and lessons", command_list},
      {"lesson", "run a lesson in the terminal (--student ID, --result FILE, --key for teachers)", command_lesson},
      {"exercise", "hands-on exercises: start a student's copy of a broken world, check it, hints", command_exercise},
      {"grade", "merge result files into the class gradebook (CSV) with a summary", command_grade},
      {"gui", "open the visualizer", command_gui},
      {"bridge", "serve a scenario's servers on loopback ports, in real time", command_bridge},
      {"bench", "print benchmark figures", command_bench},
  };
  return table;
}

}  // namespace maillab::app
