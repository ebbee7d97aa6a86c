#include "scenarios/yaml_brackets.h"

#include <vector>

namespace maillab::scenarios {

std::optional<OpenBracket> unclosed_flow_bracket(std::string_view text) {
  std::vector<OpenBracket> open;
  int line = 1, column = 0;
  char previous = '\n';  // the last character that is not a blank (or '\n' at a line start)
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    ++column;
    if (c == '\n') {
      ++line, column = 0, previous = '\n';
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;  // a comment, to the end of the line
      continue;
    }
    const bool can_start = previous == '\n' || previous == ':' || previous == '-' || previous == ',' ||
                           previous == '[' || previous == '{' || previous == '?';
    if ((c == '"' || c == '\'') && (can_start || !open.empty())) {
      // A quoted scalar: skip to its end ("\" escapes in double quotes, '' in single quotes).
      for (++i; i < text.size(); ++i) {
        ++column;
        if (text[i] == '\n') ++line, column = 0;
        else if (c == '"' && text[i] == '\\') ++i, ++column;
        else if (text[i] == c) {
          if (c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i, ++column;
          else break;
        }
      }
      previous = c;
      continue;
    }
    if ((c == '{' || c == '[') && (can_start || !open.empty())) {
      open.push_back({line, column, c});
    } else if ((c == '}' || c == ']') && !open.empty()) {
      open.pop_back();
    }
    previous = c;
  }
  if (open.empty()) return std::nullopt;
  return open.front();
}

}  // namespace maillab::scenarios
