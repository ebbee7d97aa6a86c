// The lesson panel: `maillab gui LESSON.yaml` shows a lesson beside the network. The lesson's
// LessonRun (lessons/lesson_run.h, the same object the terminal mode drives) owns the World; the
// canvas, event log and inspector look at that World, and simulated time moves only when the
// lesson runs a step. The panel draws the step (narration, question, feedback, score) and queues
// the student's actions on VisualizerState::after_frame; LessonSession applies them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/lesson_run.h"
#include "viz/model/geometry.h"
#include "viz/model/scene.h"
#include "viz/model/screen_layout.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

// One student's lesson in the visualizer: the LessonRun plus what the panel shows about the last
// answer. No ImGui here, so tests drive it directly.
class LessonSession {
 public:
  // Makes the same lesson afresh (same lesson file, same seed): going back replays a new run.
  using RunFactory = std::function<std::unique_ptr<lessons::LessonRun>()>;

  // `scripted_answers` (from --lesson-answers) answer questions in order as they come up.
  // Without `fresh_run`, back() and restart() are not available.
  LessonSession(std::unique_ptr<lessons::LessonRun> run, std::vector<std::string> scripted_answers = {},
                RunFactory fresh_run = {});

  lessons::LessonRun& run() { return *run_; }
  const lessons::LessonRun& run() const { return *run_; }

  // What the student saw after answering: the verdict on the last answer.
  struct Feedback {
    bool prediction = false;
    bool correct = false;
    bool skipped = false;
    std::string right_answer;  // "b) ns1.example.org" or "3"
    std::string explanation;
  };
  const std::optional<Feedback>& feedback() const { return feedback_; }
  // Why the last submitted text was not an answer ("answer with a letter a-c ..."); empty if it was.
  const std::string& problem() const { return problem_; }

  // "Next step": enters the next step (or finishes). False while a question is pending.
  bool next_step();
  // Answers the pending question; false (and problem() says why) when the text is no answer.
  bool submit(std::string_view text);
  void skip();
  // Back to the start of the previous step (from the first step: the introduction), as if the
  // student had just entered it: the run is replayed from time zero with every action taken
  // before that point, so the world, the clock and the earlier answers are exactly as they were;
  // the answers given from that step on are forgotten, to be given again. The old run (and its
  // World) is destroyed: views of it must be rebuilt (the app restarts its ReplayController).
  // False when there is nothing to go back to or no RunFactory.
  bool back();
  bool can_go_back() const;
  // The lesson from the introduction, every answer forgotten. False without a RunFactory.
  bool restart();

  // Headless: advances `steps` times. Before each advance a pending question is answered from the
  // script, or skipped when the script has run out; after it, scripted answers are applied to the
  // new step's questions.
  void advance_steps(int steps);
  std::size_t scripted_left() const { return scripted_.size() - scripted_used_; }

  // "Introduction", "Step 3/9: Title", "Finished".
  std::string step_label() const;
  // The record to select on the canvas after a step ran: the checkpoint, else the last shown record.
  std::optional<std::size_t> focus_record() const;
  // The records the panel lists: the step's show:, or — for a step that neither runs nor shows,
  // whose narration talks about what the student just saw — the records shown last.
  // `from_earlier_step` tells which.
  std::vector<std::size_t> displayed_records(bool* from_earlier_step = nullptr) const;

 private:
  // What the student did, in order: replayed by back().
  struct Action {
    enum class Kind { advance, answer, skip } kind;
    std::string text;  // for answer
  };
  void after_answer(const lessons::Quiz& quiz, bool prediction, bool correct, bool skipped);
  // Replays `actions` on a fresh run; what they record becomes actions_ again.
  void replay(const std::vector<Action>& actions);
  void apply_scripted();
  void remember_shown();

  std::unique_ptr<lessons::LessonRun> run_;
  std::vector<std::string> scripted_;
  std::size_t scripted_used_ = 0;
  std::optional<Feedback> feedback_;
  std::string problem_;
  std::vector<std::size_t> last_shown_;  // the last non-empty shown_records()
  RunFactory fresh_run_;
  std::vector<Action> actions_;
};

// A step's `say:` split for a wrapping display: paragraphs reflowed into one line each, list
// items ("- ", "* ", "1. ") kept as items, lines indented by two spaces kept verbatim.
struct NarrationBlock {
  enum class Kind { paragraph, list_item, verbatim, blank };
  Kind kind = Kind::paragraph;
  std::string text;
};
std::vector<NarrationBlock> narration_blocks(std::string_view say);

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
};

}  // namespace maillab::viz
