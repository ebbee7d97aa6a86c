// The work file: a student's copy of an exercise's broken world, written by `maillab exercise
// start` and handed in. The student edits its `scenario:` block; its one-line `exercise:` header
// says which exercise, which version and whose variant it is (the grader re-derives the
// variant's names and numbers from the student id) and how many hints were revealed. The hint
// count lives in the student's file: a teaching aid, not an exam lock (an edited count hides hints).
//
//   # (comments: the story and what to do)
//   exercise: {id: missing-mx, version: 1, student: "s17", file: "../exercises/missing-mx.yaml", hints: 0}
//   scenario:
//     name: missing-mx
//     hosts: ...
#pragma once

#include <optional>
#include <string>

#include "exercises/exercise.h"
#include "scenarios/diagnostics.h"

namespace maillab::exercises {

struct WorkHeader {
  std::string id;
  int version = 1;
  std::string student;
  std::string exercise_file;  // as written: relative to the work file's folder, or absolute
  int hints = 0;              // hints revealed so far
};

struct WorkFile {
  std::string path;
  std::string text;        // the whole file as read
  WorkHeader header;
  int header_line = 0;     // 1-based line of the `exercise:` header
  // The file's text with every line outside the scenario: block blanked (lines and columns kept),
  // so a scenario error points into the work file.
  std::string world_text;
  // The exercise file to grade with: header.exercise_file resolved against the work file's folder.
  std::string resolved_exercise_file() const;
};

// The 0-based line of the top-level key after `key` in `root` (where `key`'s block ends), or -1
// when `key` is the last one.
int line_after_block(const YAML::Node& root, const std::string& key);

// The text of a new work file for `exercise` (loaded for its student); `exercise_reference` is
// what the header's file: says (a path relative to where the work file will be).
std::string work_file_text(const Exercise& exercise, const std::string& exercise_reference);

std::optional<WorkFile> read_work_file(const std::string& path, scenarios::Diagnostics& diagnostics);

// The header as one line (what work_file_text writes and rewrite_header replaces).
std::string header_line(const WorkHeader& header);

// Writes the file back with only its header line replaced; false and `error` when it cannot.
bool rewrite_header(const WorkFile& work, const WorkHeader& header, std::string& error);

}  // namespace maillab::exercises
