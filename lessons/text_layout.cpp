#include "lessons/text_layout.h"

#include <sstream>
#include <vector>

namespace maillab::lessons {
namespace {

bool starts_list_item(std::string_view line, std::size_t& marker_width) {
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*') && line[1] == ' ') {
    marker_width = 2;
    return true;
  }
  std::size_t digits = 0;
  while (digits < line.size() && digits < 3 && line[digits] >= '0' && line[digits] <= '9') ++digits;
  if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') && line[digits + 1] == ' ') {
    marker_width = digits + 2;
    return true;
  }
  return false;
}

// Appends the words of `text` to `out`, wrapped to `width` columns: the first line starts with
// `first_prefix`, the others with `next_prefix` (of the same width: a list marker or its indent).
void wrap_words(std::string& out, std::string_view text, std::size_t width, const std::string& first_prefix,
                const std::string& next_prefix) {
  const double room = double(width) - double(display_width(first_prefix));
  const auto lines = break_at_spaces(text, room, [](std::string_view word) { return double(display_width(word)); });
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? first_prefix : next_prefix) + lines[i] + "\n";
}

}  // namespace

namespace {
// The longest prefix of `word` (whole UTF-8 code points, at least one) that fits in `room`.
std::size_t fitting_prefix(std::string_view word, double room, const std::function<double(std::string_view)>& measure) {
  std::size_t end = 0;
  for (std::size_t next = 0; next < word.size();) {
    std::size_t after = next + 1;
    while (after < word.size() && (static_cast<unsigned char>(word[after]) & 0xc0) == 0x80) ++after;
    if (end > 0 && measure(word.substr(0, after)) > room) break;
    end = next = after;
  }
  return end;
}
}  // namespace

std::vector<std::string> break_at_spaces(std::string_view text, double width,
                                         const std::function<double(std::string_view)>& measure, BreakOptions options) {
  std::vector<std::string> lines;
  std::istringstream words{std::string(text)};
  std::string line;
  const double space = measure(" ");
  double line_width = 0;
  auto room = [&] { return lines.empty() && options.first_width >= 0 ? options.first_width : width; };
  auto end_line = [&] {
    lines.push_back(std::move(line));
    line.clear();
    line_width = 0;
  };
  for (std::string word; words >> word;) {
    double word_width = measure(word);
    if (!line.empty() && line_width + space + word_width > room()) end_line();
    // A word wider than a whole line: cut pieces off it while it does not fit.
    while (options.cut_long_words && line.empty() && word_width > room()) {
      const std::size_t cut = fitting_prefix(word, room(), measure);
      if (cut >= word.size()) break;
      line = word.substr(0, cut);
      end_line();
      word.erase(0, cut);
      word_width = measure(word);
    }
    if (!line.empty()) {
      line += ' ';
      line_width += space;
    }
    line += word;
    line_width += word_width;
  }
  if (!line.empty()) lines.push_back(std::move(line));
  return lines;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (unsigned char c : text)
    if ((c & 0xc0) != 0x80) ++width;
  return width;
}

std::string wrap_text(std::string_view text, std::size_t width, std::string_view indent) {
  std::vector<std::string> lines;
  {
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(line);
    }
  }
  std::string out;
  std::string pending;  // words of the paragraph or list item being gathered
  std::string pending_first, pending_next;
  bool blank_before = false;
  std::size_t list_marker = 0;  // the open list item's marker width, 0 outside a list
  auto flush = [&] {
    if (!pending.empty()) wrap_words(out, pending, width, pending_first, pending_next);
    pending.clear();
  };
  const std::string base(indent);
  for (const auto& line : lines) {
    const bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (blank) {
      flush();
      list_marker = 0;
      blank_before = !out.empty();
      continue;
    }
    if (blank_before) out += "\n";
    blank_before = false;
    std::size_t marker = 0;
    const std::size_t leading = line.find_first_not_of(' ');
    if (list_marker > 0 && !pending.empty() && leading == list_marker) {
      // A list item's continuation line, indented under the item's text.
      pending += " " + line.substr(leading);
    } else if (line.size() >= 2 && line[0] == ' ' && line[1] == ' ') {
      flush();
      list_marker = 0;
      out += base + line + "\n";
    } else if (starts_list_item(line, marker)) {
      flush();
      pending = line.substr(marker);
      pending_first = base + line.substr(0, marker);
      pending_next = base + std::string(marker, ' ');
      list_marker = marker;
    } else {
      if (list_marker > 0) flush();  // a plain line after a list item starts a new paragraph line
      list_marker = 0;
      if (pending.empty()) {
        pending_first = base;
        pending_next = base;
      }
      pending += (pending.empty() ? "" : " ") + line;
    }
  }
  flush();
  return out;
}

std::vector<NarrationBlock> narration_blocks(std::string_view say) {
  std::vector<NarrationBlock> blocks;
  bool open = false;  // the last block takes continuation lines
  std::size_t start = 0;
  while (start <= say.size()) {
    std::size_t end = say.find('\n', start);
    if (end == std::string_view::npos) end = say.size();
    std::string_view line = say.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const bool blank = line.find_first_not_of(" \t") == std::string_view::npos;
    if (blank) {
      if (!blocks.empty() && blocks.back().kind != NarrationBlock::Kind::blank)
        blocks.push_back({NarrationBlock::Kind::blank, ""});
      open = false;
    } else if (line.rfind("  ", 0) == 0) {
      blocks.push_back({NarrationBlock::Kind::verbatim, std::string(line)});
      open = false;
    } else if (std::size_t marker = 0; starts_list_item(line, marker)) {
      blocks.push_back({NarrationBlock::Kind::list_item, std::string(line)});
      open = true;
    } else if (open) {
      blocks.back().text += ' ';
      blocks.back().text += line;
    } else {
      blocks.push_back({NarrationBlock::Kind::paragraph, std::string(line)});
      open = true;
    }
    if (end == say.size()) break;
  }
  while (!blocks.empty() && blocks.back().kind == NarrationBlock::Kind::blank) blocks.pop_back();
  return blocks;
}

std::string heading(std::string_view text, std::size_t width, std::string_view rule) {
  std::string out;
  for (int i = 0; i < 2; ++i) out += rule;
  out += " ";
  out += text;
  out += " ";
  std::size_t used = display_width(out);
  while (used < width) {
    out += rule;
    ++used;
  }
  return out;
}

}  // namespace maillab::lessons
