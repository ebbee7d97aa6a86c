// Where a YAML flow collection ("{...}" or "[...]") was opened and never closed. yaml-cpp reports
// such a mistake where its parser gave up, often lines later; a student needs the place where the
// brace opened too (issue 13). A light scan, not a YAML parser: quoted strings and comments are
// skipped, and a bracket counts only where a flow collection can start (after ':', '-', ',', an
// opening bracket, or at the start of a line).
#pragma once

#include <optional>
#include <string_view>

namespace maillab::scenarios {

struct OpenBracket {
  int line = 0, column = 0;  // 1-based
  char bracket = '{';
};

// The first bracket still open at the end of the text (nullopt when all are closed).
std::optional<OpenBracket> unclosed_flow_bracket(std::string_view text);

}  // namespace maillab::scenarios
