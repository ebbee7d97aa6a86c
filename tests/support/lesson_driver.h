// Drives lessons for tests: a small inline scenario, loading lesson text, and `maillab lesson`
// run through the library with its exit status and output.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "lessons/lesson_command.h"
#include "lessons/lesson_loader.h"
#include "scenarios/diagnostics.h"
#include "maillab/source_dir.h"

namespace maillab::lessons::testing {

// Two hosts and a router: a --10ms-- r --20ms-- b, unlimited bandwidth (so hop times are pure
// latency). At 1 s a note, at 2 s a 100-byte transfer a -> b, at 3 s a second one.
// Indented to sit under `scenario:` in a lesson.
inline const std::string small_scenario =
    "scenario:\n"
    "  hosts:\n"
    "    - {name: a, address: 10.0.0.1}\n"
    "    - {name: b, address: 10.0.0.2}\n"
    "  routers:\n"
    "    - {name: r}\n"
    "  links:\n"
    "    - {between: [a, r], latency: 10ms, bandwidth: unlimited}\n"
    "    - {between: [r, b], latency: 20ms, bandwidth: unlimited}\n"
    "  until: 10s\n"
    "  events:\n"
    "    - {at: 1s, note: \"hello from the scenario\"}\n"
    "    - {at: 2s, transfer: {from: a, to: b, port: 9, bytes: 100}}\n"
    "    - {at: 3s, transfer: {from: a, to: b, port: 9, bytes: 200}}\n";

// The source folder (for lessons/*.yaml), from the scenarios library's compile definition.
inline std::string source_dir() { return MAILLAB_SOURCE_DIR; }

// Loads lesson text; on failure the diagnostics text, else "".
inline std::string load_errors(const std::string& text, const std::string& file = "test.yaml") {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string(text, file, diagnostics);
  if (lesson) return "";
  return diagnostics.to_string();
}

// `maillab lesson ARGUMENTS` through the library: its exit status, what it printed on each stream.
inline int command(const std::vector<std::string>& arguments, std::string& out, std::string& err,
                   const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out_stream, err_stream;
  const int status = run_lesson_command(arguments, in, out_stream, err_stream);
  out = out_stream.str();
  err = err_stream.str();
  return status;
}

}  // namespace maillab::lessons::testing
