// LessonSession: one student's lesson in the visualizer, without the drawing. The LessonRun
// (lesson_run.h, the object the terminal mode drives too) plus what the lesson panel shows about
// the last answer, the answers scripted from --lesson-answers, and Back / Restart, which replay a
// fresh run with the student's earlier actions. No ImGui here: viz/panels/lesson_panel.cpp draws
// it, and tests (tests/lessons/lesson_session_test.cpp) drive it directly.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/lesson_run.h"

namespace maillab::lessons {

class LessonSession {
 public:
  // Makes the same lesson afresh (same lesson file, same seed): going back replays a new run.
  using RunFactory = std::function<std::unique_ptr<LessonRun>()>;

  // `scripted_answers` (from --lesson-answers) answer questions in order as they come up.
  // Without `fresh_run`, back() and restart() are not available.
  LessonSession(std::unique_ptr<LessonRun> run, std::vector<std::string> scripted_answers = {},
                RunFactory fresh_run = {});

  LessonRun& run() { return *run_; }
  const LessonRun& run() const { return *run_; }

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
  void after_answer(const Quiz& quiz, bool prediction, bool correct, bool skipped);
  // Replays `actions` on a fresh run; what they record becomes actions_ again.
  void replay(const std::vector<Action>& actions);
  void apply_scripted();
  void remember_shown();

  std::unique_ptr<LessonRun> run_;
  std::vector<std::string> scripted_;
  std::size_t scripted_used_ = 0;
  std::optional<Feedback> feedback_;
  std::string problem_;
  std::vector<std::size_t> last_shown_;  // the last non-empty shown_records()
  RunFactory fresh_run_;
  std::vector<Action> actions_;
};

}  // namespace maillab::lessons
