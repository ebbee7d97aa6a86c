// Located error messages for scenario (and lesson) files. The loader never stops at the first
// problem: every mistake it can find is collected here, each pointing at its place in the file,
// so a student fixes them all in one go instead of one per run.
//
// Format (what `maillab check` prints, one per line):
//   file:line:column: error: what was wrong; expected what
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenarios/world.h"

namespace maillab::scenarios {

struct Diagnostic {
  SourceLocation where;
  std::string message;  // "what was wrong; expected what"
  bool warning = false;
  std::string to_string() const;  // "file:line:column: error: message" (or "warning:")
};

class Diagnostics {
 public:
  // `what` says what was wrong; `expected` (may be empty) says what would have been right.
  void error(SourceLocation where, std::string_view what, std::string_view expected = {});
  bool has_errors() const { return !errors_.empty(); }
  std::size_t count() const { return errors_.size(); }
  // In the order found (the loader walks the file top to bottom, so this is mostly file order).
  const std::vector<Diagnostic>& errors() const { return errors_; }
  // Every diagnostic, one per line, each ending in '\n'.
  std::string to_string() const;

  // Warnings: the file loads and runs, but something in it is probably not what was meant (an
  // event after `until:`). Printed as "file:line:column: warning: ...".
  void warning(SourceLocation where, std::string_view what);
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  std::string warnings_to_string() const;

 private:
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
};

// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
// (at most 2 edits, or a third of the word's length for long words); empty otherwise.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// Levenshtein distance (insert, delete, substitute), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

// " (did you mean 'address'?)" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace maillab::scenarios
