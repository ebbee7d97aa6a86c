// LessonRun: one student's pass through a lesson over a live World. Pure logic, no terminal I/O:
// the terminal mode (terminal.h) and the visualizer's lesson panel both drive this object, so a
// lesson behaves the same in both.
//
// The life of a step (phase() tells which point it is at):
//   advance()                 enters the next step. If it has a `predict:` question the phase is
//                             `predict` and nothing has run yet; otherwise the step runs at once.
//   answer()/skip_question()  answers the pending question. Answering a prediction runs the step.
//   after the run             phase `quiz` if the step has a quiz, else `ready`.
//   ready                     advance() again; after the last step the phase is `finished`.
//
// What a step ran is its window: trace records [window_begin(), window_end()). A step that runs
// nothing keeps the previous step's window, so it can show the same records with another filter.
// A checkpoint (run_until: {pattern}) stops the clock at the event that recorded the matching
// record; the window ends just after that record, and records the same event appended after it
// open the next step's window.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/trace.h"
#include "lessons/lesson.h"
#include "lessons/quiz.h"
#include "scenarios/diagnostics.h"
#include "scenarios/world.h"

namespace maillab::lessons {

class LessonRun {
 public:
  enum class Phase { not_started, predict, quiz, ready, finished };

  struct Answer {
    std::size_t step = 0;     // 0-based
    bool prediction = false;  // a predict: question (else the step's quiz:)
    bool skipped = false;
    std::string given;        // as typed (the last try)
    std::optional<std::size_t> choice;
    bool correct = false;
    bool graded = true;       // the question counts for marks
    std::vector<std::string> tries;  // every answer typed, in order (1, or 2 with a second try)
    double credit = 0;        // marks earned: 1 right at once, the second-try credit, or 0
  };

  // Loads the lesson's scenario into a new World; nullptr (with diagnostics) if it fails.
  static std::unique_ptr<LessonRun> start(Lesson lesson, scenarios::Diagnostics& diagnostics,
                                          std::optional<std::uint64_t> seed_override = std::nullopt);

  // The World must be freshly loaded (clock at 0) and keep its trace records (the default).
  LessonRun(Lesson lesson, std::unique_ptr<scenarios::World> world);
  LessonRun(const LessonRun&) = delete;  // the trace listener points at this object
  LessonRun& operator=(const LessonRun&) = delete;

  const Lesson& lesson() const { return lesson_; }
  scenarios::World& world() { return *world_; }
  const scenarios::World& world() const { return *world_; }
  Phase phase() const { return phase_; }
  bool finished() const { return phase_ == Phase::finished; }

  // --- steps ---
  std::size_t step_count() const { return lesson_.steps.size(); }
  // 0-based index of the current step; nullopt before the first advance().
  std::optional<std::size_t> step_index() const { return step_; }
  const Step* current_step() const;
  // From not_started or ready: enters the next step (or finishes). False (nothing happens) when
  // a question is pending or the lesson is finished.
  bool advance();

  // --- questions ---
  // The predict: or quiz: waiting for an answer, nullptr if none.
  const Quiz* pending_question() const;
  bool pending_is_prediction() const { return phase_ == Phase::predict; }
  // 1-based number of the pending question among all the lesson's questions.
  std::size_t question_number() const { return answers_.size() + 1; }
  // Judges `text` against the pending question. An invalid answer (check.valid false) changes
  // nothing: ask again. A valid one is recorded and the lesson moves on (a prediction runs the
  // step). With no pending question the result is invalid.
  // With second tries allowed (allow_second_tries) a wrong first answer to a quiz whose lesson
  // (or the quiz itself) gives credit for a second try is not recorded yet: check.try_again is
  // set and the same question stays pending for one more answer.
  AnswerCheck answer(std::string_view text);
  // Off by default: an answers file and the visualizer give one answer per question.
  void allow_second_tries(bool allowed) { second_tries_ = allowed; }
  // The credit a right second answer to the pending question would earn (0: no second try).
  double second_try_credit() const;
  // Gives up on the pending question (scored wrong) and moves on as answer() would.
  void skip_question();
  // This step's answered prediction, for the reveal after the run; nullptr if none.
  const Answer* current_prediction() const;
  const std::vector<Answer>& answers() const { return answers_; }

  // --- what the current step ran ---
  std::size_t window_begin() const { return window_begin_; }
  std::size_t window_end() const { return window_end_; }
  // Indexes into world().simulator.trace().records() of the window's records the step's show:
  // selects (all of them, the limit is left to the display); empty when the step has no show:.
  std::vector<std::size_t> shown_records() const;
  // The record this step's checkpoint stopped at; nullptr when it has none or it never came.
  const engine::TraceRecord* checkpoint() const;
  // The step has a checkpoint and the run reached its limit without seeing it (a lesson bug,
  // or a seed that changed the story): the display says so instead of hanging.
  bool checkpoint_missed() const { return checkpoint_missed_; }
  engine::Time now() const { return world_->simulator.now(); }

  // --- score ---
  // Graded questions answered right at the first try.
  std::size_t score() const;
  // Marks earned, counting second tries at their credit (equal to score() without them).
  double points() const;
  // Graded questions (`graded: false` predictions do not count).
  std::size_t max_score() const { return lesson_.graded_count(); }

 private:
  void enter_step(std::size_t index);
  void run_step();
  void after_run();
  void record_answer(std::string_view text, const AnswerCheck& check, bool skipped);
  void run_to_checkpoint(const RunInstruction& run);
  double second_try_credit_for(const Quiz& quiz) const;

  Lesson lesson_;
  std::unique_ptr<scenarios::World> world_;
  Phase phase_ = Phase::not_started;
  std::optional<std::size_t> step_;
  std::vector<Answer> answers_;
  std::size_t window_begin_ = 0, window_end_ = 0;
  std::optional<std::size_t> checkpoint_;
  bool checkpoint_missed_ = false;
  // While running to a checkpoint: the pattern, how many matches are still wanted, and where the
  // wanted one was recorded. The trace listener reads these.
  const TracePattern* watching_ = nullptr;
  int matches_wanted_ = 0;
  std::optional<std::size_t> matched_at_;
  bool second_tries_ = false;
  std::vector<std::string> wrong_tries_;  // the pending question's wrong answers so far
};

std::string_view to_string(LessonRun::Phase phase);

}  // namespace maillab::lessons
