// The fixed windows of the visualizer's layout. ImGui 1.86 has no docking: every panel is a plain
// window that screen_layout places, and the student can neither move, resize nor fold it.
#pragma once

#include <imgui.h>

#include "viz/model/geometry.h"

namespace maillab::viz {

// A panel's window: where the layout puts it, and nothing the student can drag.
constexpr ImGuiWindowFlags fixed_window = ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoBringToFrontOnFocus;
// A bar along the top of the screen (the time controls): one row, no title, no scrollbar.
constexpr ImGuiWindowFlags fixed_bar = fixed_window | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar;

// ImGui::Begin of window `name` at `area` with `flags`; end it with ImGui::End(), as Begin's.
inline void begin_fixed_window(const char* name, const Rect& area, ImGuiWindowFlags flags = fixed_window) {
  ImGui::SetNextWindowPos(ImVec2(float(area.x), float(area.y)));
  ImGui::SetNextWindowSize(ImVec2(float(area.width), float(area.height)));
  ImGui::Begin(name, nullptr, flags);
}

}  // namespace maillab::viz
