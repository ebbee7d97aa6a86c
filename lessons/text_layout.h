// Laying out lesson text for a terminal: narration reflowed to a width, lists and indented
// (code-like) lines kept as the author wrote them.
#pragma once

#include <string>
#include <string_view>

namespace maillab::lessons {

// Reflows `text` to lines of at most `width` columns (a word longer than that gets its own
// line), each prefixed by `indent`. Paragraphs are separated by blank lines in the source; a
// line starting with "- ", "* " or "1. " starts a list item (continuation lines hang under its
// text); a line starting with two spaces is kept verbatim. Ends with '\n' unless empty.
std::string wrap_text(std::string_view text, std::size_t width, std::string_view indent = "");

// "── Step 3/9: What a link failure does ──────" padded with rules to `width` columns.
std::string heading(std::string_view text, std::size_t width, std::string_view rule = "─");

// Display width of UTF-8 text (counts code points; good enough for the box-drawing and
// arrows lessons use).
std::size_t display_width(std::string_view text);

}  // namespace maillab::lessons
