// The event log: every trace record in a clipped list (fast at 100,000 rows), with filters by
// kind, protocol, host, message id and text. Clicking a row selects the record.
#pragma once

#include <cstdint>
#include <string>

#include "viz/model/filters.h"
#include "viz/model/geometry.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

struct EventLogPanel {
  RecordFilter filter;
  FilteredView view;
  std::uint64_t generation = 0;
  bool follow = true;  // keep the newest row in view
  std::size_t last_rows = 0;

  void Draw(VisualizerState& state, const Rect& area);

 private:
  void draw_filters(VisualizerState& state, float unit);  // the bar above the table
  void draw_table(VisualizerState& state, float unit);
  void draw_row(VisualizerState& state, std::size_t index, int row);
};

struct JourneyPanel {
  JourneyIndex journeys;  // every message id seen, and the records of each
  std::uint64_t generation = 0;

  void Draw(VisualizerState& state, const Rect& area);
};

}  // namespace maillab::viz
