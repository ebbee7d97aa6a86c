// The bodies of `maillab exercise start|check|hint` (app/command_exercise.cpp parses the flags
// and calls these; tests call them with string streams).
//   start:  writes the student's work file.                      exit 0, or 2 on bad input
//   check:  grades a work file: each goal met or not, where to look, percent complete.
//           exit 0 only when every goal is met, 1 when some are not, 2 when nothing could be
//           graded (a work or exercise file that does not load)
//   hint:   reveals the next hint (the work file counts it).      exit 0, or 2 on bad input
#pragma once

#include <optional>
#include <ostream>
#include <string>

namespace maillab::exercises {

struct StartOptions {
  std::string exercise_path;
  std::string student;
  std::optional<std::string> out_path;  // default: <exercise id>-<student>.yaml here
  bool force = false;                   // overwrite an existing work file
};
int start_exercise(const StartOptions& options, std::ostream& out, std::ostream& err);

struct CheckOptions {
  std::string work_path;
  std::optional<std::string> exercise_path;  // instead of the one the work file names
  std::optional<std::string> result_path;    // write the result file (JSON) here
  bool trace = false;                        // print the run's trace before the verdict
};
int check_work(const CheckOptions& options, std::ostream& out, std::ostream& err);

int reveal_hint(const std::string& work_path, const std::optional<std::string>& exercise_path, std::ostream& out,
                std::ostream& err);

}  // namespace maillab::exercises
