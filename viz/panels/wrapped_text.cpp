#include "viz/panels/wrapped_text.h"

#include <algorithm>

#include <imgui.h>

#include "lessons/text_layout.h"

namespace maillab::viz {

float text_wrapped(const std::string& text) {
  const float width = std::max(1.0f, ImGui::GetContentRegionAvail().x);
  const auto measure = [](std::string_view word) {
    return double(ImGui::CalcTextSize(word.data(), word.data() + word.size()).x);
  };
  float widest = 0;
  for (const std::string& line : lessons::break_at_spaces(text, width, measure)) {
    const float line_width = float(measure(line));
    if (line_width > width) {
      ImGui::TextWrapped("%s", line.c_str());  // one word wider than the panel
      widest = std::max(widest, width);
    } else {
      ImGui::TextUnformatted(line.c_str());
      widest = std::max(widest, line_width);
    }
  }
  return widest;
}

}  // namespace maillab::viz
