// One visualizer window: the SFML window, ImGui, the canvas and the panels around one
// ReplayController, and the per-frame loop (input, time, ImGui, drawing, queued commands).
// run_visualizer and run_gui_benchmark both drive it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <SFML/Graphics/Font.hpp>
#include <SFML/Graphics/RenderWindow.hpp>

#include "viz/canvas/topology_canvas.h"
#include "viz/imgui_sfml.h"
#include "viz/model/replay.h"
#include "viz/panels/canvas_menu_panel.h"
#include "viz/panels/event_log_panel.h"
#include "viz/panels/exercise_panel.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/inspector_panel.h"
#include "viz/panels/lesson_panel.h"
#include "viz/panels/time_controls_panel.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

struct AppSettings {
  unsigned width = 1280, height = 800;
  float ui_scale = 1.0f;
  bool vsync = true;
  std::string title = "maillab";
  // Wall time a frame gives the checkpoint ladder (ReplayController::refill_checkpoints): while
  // paused (when a user scrubs) up to `checkpoint_ms_paused`; while playing only what is left of
  // `frame_target_ms` after the frame's own work, so playback frames do not get slower than that.
  double checkpoint_ms_paused = 8;
  double frame_target_ms = 12;
};

// Wall time spent in each part of the last frame (milliseconds), for the benchmark. GL work is
// asynchronous: much of the drawing cost shows up in `present`.
struct FrameTimes {
  double simulate = 0, panels = 0, canvas = 0, imgui_render = 0, present = 0;
  double checkpoints = 0;  // refilling parked scenes after the frame was shown
};

class VisualizerApp {
 public:
  // Fails (ok() == false, error() says why) without a display or font.
  VisualizerApp(SceneFactory factory, const AppSettings& settings, const std::string& font_path);
  ~VisualizerApp();

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool open() const { return window_ && window_->isOpen(); }

  VisualizerState& state() { return *state_; }
  ReplayController& replay() { return *replay_; }

  // One frame: events, `wall_seconds` of playback, panels, drawing. When `capture_path` is set the
  // frame is written there as a PNG before it is shown; false if that failed.
  bool frame(double wall_seconds, const std::string& capture_path = {});
  void write_geometry(const std::string& path);
  const FrameTimes& last_frame_times() const { return times_; }
  const LessonPanel& lesson_panel() const { return lesson_panel_; }

 private:
  void handle_event(const sf::Event& event);
  void apply_queued();
  // Background work on the parked scenes for at most `milliseconds`, in small slices.
  void refill_checkpoints(double milliseconds);

  std::string error_;
  AppSettings settings_;
  FrameTimes times_;
  std::unique_ptr<ReplayController> replay_;
  std::unique_ptr<VisualizerState> state_;
  std::unique_ptr<sf::RenderWindow> window_;
  sf::Font font_;
  std::unique_ptr<ImGuiSfml> imgui_;
  std::unique_ptr<TopologyCanvas> canvas_;
  HostInspectorSections sections_;
  HostActionRegistry actions_;
  TimeControlsPanel time_panel_;
  InspectorPanel inspector_panel_;
  EventLogPanel log_panel_;
  JourneyPanel journey_panel_;
  CanvasMenuPanel menu_panel_;
  LessonPanel lesson_panel_;
  ExercisePanel exercise_panel_;
  bool camera_moved_ = false;  // once the user pans or zooms, stop re-framing on resize
  bool dragging_ = false;
  bool drag_moved_ = false;
  Point drag_last_{};
  Point drag_start_{};
};

// A speed at which a typical hop of this topology takes most of a second to cross the screen.
double default_speed(const Topology& topology);

}  // namespace maillab::viz
