#include "viz/panels/padlock_icon.h"

#include <imgui.h>

#include "viz/model/style.h"

namespace maillab::viz {

void padlock_icon(Padlock padlock) {
  const float height = ImGui::GetTextLineHeight();
  const ImVec2 corner = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(height * 0.9f, height));
  ImGui::SameLine();
  if (padlock == Padlock::none) return;
  const bool closed = padlock == Padlock::closed;
  const Rgba c = closed ? padlock_closed_color : padlock_open_color;
  const ImU32 color = IM_COL32(c.r, c.g, c.b, 255);
  const ImU32 dark = IM_COL32(10, 10, 14, 255);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float x = corner.x + height * 0.45f, h = height * 0.95f, top = corner.y + height * 0.03f;
  // Same proportions as add_padlock (viz/canvas/shapes.cpp).
  const ImVec2 body_min(x - h * 0.38f, top + h * 0.45f), body_max(x + h * 0.38f, top + h * 0.98f);
  const float r = h * 0.22f, thickness = h * 0.12f;
  const ImVec2 arch = closed ? ImVec2(x, top + h * 0.32f) : ImVec2(x - h * 0.10f, top + h * 0.24f);
  const float right_end = closed ? body_min.y : arch.y + h * 0.06f;
  draw->PathArcTo(arch, r, 3.14159265f, 2 * 3.14159265f, 10);
  draw->PathLineTo(ImVec2(arch.x + r, right_end));
  draw->PathStroke(color, 0, thickness);
  draw->AddLine(ImVec2(arch.x - r, arch.y), ImVec2(arch.x - r, body_min.y + 1), color, thickness);
  draw->AddRectFilled(body_min, body_max, color, h * 0.08f);
  draw->AddCircleFilled(ImVec2(x, body_min.y + (body_max.y - body_min.y) * 0.42f), h * 0.07f, dark);
}

const char* padlock_meaning(Padlock padlock) {
  switch (padlock) {
    case Padlock::closed: return "encrypted (TLS)";
    case Padlock::open: return "in the clear: anyone on this link can read it";
    case Padlock::none: return "";
  }
  return "";
}

}  // namespace maillab::viz
