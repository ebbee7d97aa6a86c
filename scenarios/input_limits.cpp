#include "scenarios/input_limits.h"

#include <filesystem>
#include <vector>

namespace maillab::scenarios {
namespace {

std::string size_error(std::uint64_t size, std::string_view kind) {
  return "the file is " + with_thousands(size) + " bytes, over the limit of " + with_thousands(max_file_bytes) +
         " bytes (4 MiB) for a " + std::string(kind);
}

constexpr std::string_view size_expected = "a smaller file (fewer events, or the scenario split in two)";

// Walks YAML text line by line, keeping the block indentation levels in force and the depth of
// open flow brackets, without parsing it: quoted text, comments and block scalars (| and >) are
// skipped. An estimate on the high side is fine: the limit is far above what real files use.
class NestingScanner {
 public:
  // The 1-based line and column where the nesting first passes `limit`, or line 0.
  std::pair<int, int> first_past(std::string_view text, std::size_t limit) {
    int line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      ++line_number;
      if (auto column = scan_line(text.substr(start, end - start), limit)) return {line_number, column};
      if (end == text.size()) break;
      start = end + 1;
    }
    return {0, 0};
  }

 private:
  // Returns the 1-based column past the limit, or 0.
  int scan_line(std::string_view line, std::size_t limit) {
    std::size_t indent = line.find_first_not_of(' ');
    const bool blank = indent == std::string_view::npos || line[indent] == '#' || line[indent] == '\r';
    if (block_scalar_indent_ >= 0) {
      if (blank || static_cast<int>(indent) > block_scalar_indent_) return 0;  // text of a | or > scalar
      block_scalar_indent_ = -1;
    }
    if (blank) return 0;
    std::size_t position = indent;
    if (flow_depth_ == 0 && quote_ == 0) {
      while (!blocks_.empty() && blocks_.back() >= indent) blocks_.pop_back();
      blocks_.push_back(indent);
      // "- - - x": each sequence dash opens one more level on the same line.
      while (position + 1 < line.size() && line[position] == '-' && line[position + 1] == ' ') {
        position = line.find_first_not_of(' ', position + 1);
        if (position == std::string_view::npos) return 0;
        blocks_.push_back(position);
        if (blocks_.size() > limit) return static_cast<int>(position) + 1;
      }
      if (blocks_.size() > limit) return static_cast<int>(indent) + 1;
    }
    bool value_start = true;  // a flow collection opens only where a value begins
    for (; position < line.size(); ++position) {
      const char c = line[position];
      if (quote_ != 0) {
        if (quote_ == '"' && c == '\\') ++position;
        else if (c == quote_) quote_ = 0;
        continue;
      }
      switch (c) {
        case '\'':
        case '"':
          if (value_start || flow_depth_ > 0) quote_ = c;
          value_start = false;
          break;
        case '#':
          if (position == 0 || line[position - 1] == ' ' || line[position - 1] == '\t') return 0;
          value_start = false;
          break;
        case '[':
        case '{':
          if (value_start || flow_depth_ > 0) {
            ++flow_depth_;
            if (blocks_.size() + flow_depth_ > limit) return static_cast<int>(position) + 1;
          }
          value_start = flow_depth_ > 0;
          break;
        case ']':
        case '}':
          if (flow_depth_ > 0) --flow_depth_;
          value_start = false;
          break;
        case ':':
        case ',':
        case '-':
        case '?':
          value_start = true;
          break;
        case ' ':
        case '\t':
          break;
        case '|':
        case '>':
          if (value_start && flow_depth_ == 0) block_scalar_indent_ = static_cast<int>(indent);
          value_start = false;
          break;
        default:
          value_start = false;
      }
    }
    return 0;
  }

  std::vector<std::size_t> blocks_;  // indentation columns of the open block levels
  std::size_t flow_depth_ = 0;
  char quote_ = 0;                   // inside '...' or "..." (they may span lines)
  int block_scalar_indent_ = -1;     // inside a | or > scalar introduced at this indentation
};

}  // namespace

std::string with_thousands(std::uint64_t value) {
  std::string digits = std::to_string(value), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

bool check_file_size(const std::string& path, std::string_view kind, Diagnostics& diagnostics) {
  std::error_code code;
  const auto size = std::filesystem::file_size(path, code);
  if (code || size <= max_file_bytes) return true;
  diagnostics.error(SourceLocation{path, 1, 1}, size_error(size, kind), size_expected);
  return false;
}

bool check_text_limits(std::string_view text, const std::string& file, std::string_view kind,
                       Diagnostics& diagnostics) {
  if (text.size() > max_file_bytes) {
    diagnostics.error(SourceLocation{file, 1, 1}, size_error(text.size(), kind), size_expected);
    return false;
  }
  const auto [line, column] = NestingScanner().first_past(text, max_nesting_depth);
  if (line == 0) return true;
  diagnostics.error(SourceLocation{file, line, column},
                    "blocks and brackets nest more than " + std::to_string(max_nesting_depth) +
                        " levels deep here, over the limit of " + std::to_string(max_nesting_depth),
                    "flatter YAML (a scenario needs a few levels)");
  return false;
}

}  // namespace maillab::scenarios
