// The lesson panel: `maillab gui LESSON.yaml` shows a lesson beside the network. The lesson's
// LessonRun (lessons/lesson_run.h, the same object the terminal mode drives) owns the World; the
// canvas, event log and inspector look at that World, and simulated time moves only when the
// lesson runs a step. The panel draws the step (narration, question, feedback, score) and queues
// the student's actions on VisualizerState::after_frame; LessonSession applies them.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "lessons/lesson_run.h"
#include "lessons/lesson_session.h"
#include "viz/model/geometry.h"
#include "viz/model/scene.h"
#include "viz/model/screen_layout.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

using lessons::LessonSession;

// The World the lesson runs, as a Scene the canvas and inspectors can show. It borrows the World:
// the LessonRun keeps owning it.
std::unique_ptr<Scene> make_lesson_scene(lessons::LessonRun& run);

// Lesson mode's screen: the lesson panel takes the top of the right-hand column (all of it when
// the inspector is hidden), the inspector the rest; the journey window is not shown.
struct LessonScreen {
  ScreenLayout screen;
  Rect lesson;
};
// `panel_share`: the panel's part of the column's height when the inspector is shown.
LessonScreen lesson_screen_layout(double width, double height, double ui_scale, bool show_log, bool show_inspector,
                                  double panel_share = 0.62);

// Back (or, with `to_start`, Restart) in the visualizer: the session replays a fresh run and the
// views switch to it. What the panel's Back and Restart buttons do after the frame.
bool rewind_lesson(VisualizerState& state, LessonSession& session, bool to_start);

struct LessonPanel {
  std::string free_answer;  // the text field
  int choice = -1;          // the radio buttons
  std::optional<std::size_t> focused_step;  // the step whose focus record was last selected
  // How many pixels the step's text, question, answers or feedback reached past the panel's
  // right edge in the last frame (0: nothing was cut off). Tests walk lessons with it.
  float widest_overflow = 0;

  // The time bar (clock, step, Next step) and the lesson window. Actions go to state.after_frame.
  void draw_time_bar(VisualizerState& state, LessonSession& session, const Rect& area);
  void draw(VisualizerState& state, LessonSession& session, const Rect& area);

 private:
  // Tints the records the step ran in the event log and, once a step has run, selects where it
  // stopped.
  void follow_step(VisualizerState& state, const LessonSession& session);
  void draw_step(VisualizerState& state, LessonSession& session, const lessons::Step& step);
  void draw_question(VisualizerState& state, LessonSession& session, const lessons::Quiz& quiz);
  void draw_footer(VisualizerState& state, LessonSession& session);
};

}  // namespace maillab::viz
