// The body of `maillab lesson LESSON.yaml [--answers FILE] [--check]`, kept here so the command
// line (app/command_lesson.cpp) stays a one-line call and tests can run it with string streams.
//   exit 0: the lesson ran to its end (whatever the score) or the student quit with q;
//         with --check: the lesson (and the answers file, if given) is valid
//   exit 2: bad input — a bad command line, lesson file or answers file; every problem is printed
//           as file:line:column and nothing runs
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

namespace maillab::lessons {

// `arguments` are the words after "lesson". Questions are read from `in` unless --answers.
int run_lesson_command(const std::vector<std::string>& arguments, std::istream& in, std::ostream& out,
                       std::ostream& err);

}  // namespace maillab::lessons
