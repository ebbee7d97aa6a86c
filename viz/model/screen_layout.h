// Where the fixed windows go (ImGui 1.86 has no docking): a time bar across the top, the
// inspector and journey in a right-hand column, the event log along the bottom, and the canvas in
// the rest. Pure arithmetic so tests can check the canvas is never hidden.
#pragma once

#include "viz/model/geometry.h"

namespace maillab::viz {

struct ScreenLayout {
  Rect time_bar, inspector, journey, log, canvas;
};

ScreenLayout compute_screen_layout(double width, double height, double ui_scale, bool show_log, bool show_inspector);

}  // namespace maillab::viz
