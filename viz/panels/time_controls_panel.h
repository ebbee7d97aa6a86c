// The time bar: play/pause, step one event, step to the next hop / protocol message / mail event,
// step back (a deterministic replay), restart, the speed (0.01x..1000x, log scale) and a timeline.
#pragma once

#include "viz/model/geometry.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

struct TimeControlsPanel {
  float timeline_seconds = 0;  // the slider's value while it is dragged
  bool dragging_timeline = false;

  void Draw(VisualizerState& state, const Rect& area);
};

// The stepping commands, shared by buttons and keyboard shortcuts. Each queues its work for
// after the frame.
void queue_step_event(VisualizerState& state);
void queue_step_back(VisualizerState& state);
void queue_step_to_next(VisualizerState& state, engine::TraceKind kind, const char* what);

}  // namespace maillab::viz
