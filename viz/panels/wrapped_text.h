// Text wrapped at spaces to the space left in the current window. ImGui's own wrapping may break
// after any '.', which splits "smtp.example.com", "4.4.1" or "section 2.3.9" across lines.
#pragma once

#include <string>

namespace maillab::viz {

// Draws `text` in as many lines as the width left of the cursor needs (a word wider than that
// alone falls back to ImGui's wrapping). Returns the widest line's width in pixels.
float text_wrapped(const std::string& text);

}  // namespace maillab::viz
