#include "viz/model/screen_layout.h"

#include <algorithm>
#include <cmath>

namespace maillab::viz {

ScreenLayout compute_screen_layout(double width, double height, double ui_scale, bool show_log, bool show_inspector) {
  ScreenLayout layout;
  const double bar = std::round(std::min(66 * ui_scale, height * 0.2));
  const double right = show_inspector ? std::round(std::min(390 * ui_scale, width * 0.36)) : 0;
  const double bottom = show_log ? std::round(std::min(220 * ui_scale, (height - bar) * 0.4)) : 0;
  layout.time_bar = {0, 0, width, bar};
  const double column_height = height - bar;
  const double inspector_height = std::round(column_height * 0.6);
  layout.inspector = {width - right, bar, right, inspector_height};
  layout.journey = {width - right, bar + inspector_height, right, column_height - inspector_height};
  layout.log = {0, height - bottom, width - right, bottom};
  layout.canvas = {0, bar, width - right, std::max(1.0, height - bar - bottom)};
  return layout;
}

}  // namespace maillab::viz
