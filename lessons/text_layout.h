// Laying out lesson text: for a terminal, narration reflowed to a width; for the visualizer's
// wrapping panel, narration split into blocks. Both keep lists and indented (code-like) lines as
// the author wrote them, by the same rules.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::lessons {

// Reflows `text` to lines of at most `width` columns (a word longer than that gets its own
// line), each prefixed by `indent`. Paragraphs are separated by blank lines in the source; a
// line starting with "- ", "* " or "1. " starts a list item (continuation lines hang under its
// text); a line starting with two spaces is kept verbatim. Ends with '\n' unless empty.
std::string wrap_text(std::string_view text, std::size_t width, std::string_view indent = "");

// The words of `text` (split at spaces only: "smtp.example.com" or "4.4.1" never break) in
// lines no wider than `width` as `measure` counts it; a word wider than that gets a line of its
// own. Terminals measure in columns (display_width), the visualizer in pixels of its font.
struct BreakOptions {
  double first_width = -1;      // the first line's room when it differs (it follows a label); -1: `width`
  bool cut_long_words = false;  // cut a word wider than a line into pieces (an 800-octet DNS TXT)
};
std::vector<std::string> break_at_spaces(std::string_view text, double width,
                                         const std::function<double(std::string_view)>& measure,
                                         BreakOptions options = {});

// A step's `say:` split for a display that wraps by itself (the visualizer's lesson panel):
// a paragraph's lines joined into one, a list item (as wrap_text tells one) a block of its own
// that takes the unindented lines after it, a line indented by two spaces kept verbatim, a run of
// blank lines one blank block (none at the end).
struct NarrationBlock {
  enum class Kind { paragraph, list_item, verbatim, blank };
  Kind kind = Kind::paragraph;
  std::string text;
};
std::vector<NarrationBlock> narration_blocks(std::string_view say);

// "── Step 3/9: What a link failure does ──────" padded with rules to `width` columns.
std::string heading(std::string_view text, std::size_t width, std::string_view rule = "─");

// Display width of UTF-8 text (counts code points; good enough for the box-drawing and
// arrows lessons use).
std::size_t display_width(std::string_view text);

}  // namespace maillab::lessons
