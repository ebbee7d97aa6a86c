// The `maillab` command table. Each command lives in its own file (command_<name>.cpp) and gets
// the arguments after its name; it handles its own --help. Exit codes follow DESIGN.md: 0 fine,
// 1 an expectation (or audit) failed, 2 bad input or a command that is not available (nothing
// ran); main() adds 3 when memory ran out and 4 for any other internal error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maillab::app {

using Arguments = std::vector<std::string>;

inline constexpr int exit_out_of_memory = 3;
inline constexpr int exit_internal_error = 4;

struct Command {
  std::string_view name;
  std::string_view summary;  // one line for `maillab --help`
  int (*run)(const Arguments& arguments);
};

const std::vector<Command>& commands();

int command_run(const Arguments& arguments);
int command_check(const Arguments& arguments);
int command_list(const Arguments& arguments);
int command_bench(const Arguments& arguments);
int command_gui(const Arguments& arguments);
int command_lesson(const Arguments& arguments);
int command_bridge(const Arguments& arguments);
int command_exercise(const Arguments& arguments);
int command_grade(const Arguments& arguments);

}  // namespace maillab::app
