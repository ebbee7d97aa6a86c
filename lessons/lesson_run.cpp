#include "lessons/lesson_run.h"

#include <algorithm>
#include <cassert>

#include "lessons/lesson_loader.h"

namespace maillab::lessons {

std::string_view to_string(LessonRun::Phase phase) {
  switch (phase) {
    case LessonRun::Phase::not_started: return "not_started";
    case LessonRun::Phase::predict: return "predict";
    case LessonRun::Phase::quiz: return "quiz";
    case LessonRun::Phase::ready: return "ready";
    case LessonRun::Phase::finished: return "finished";
  }
  return "?";
}

std::unique_ptr<LessonRun> LessonRun::start(Lesson lesson, scenarios::Diagnostics& diagnostics,
                                            std::optional<std::uint64_t> seed_override) {
  auto world = load_lesson_world(lesson, seed_override, diagnostics);
  if (!world) return nullptr;
  return std::make_unique<LessonRun>(std::move(lesson), std::move(world));
}

LessonRun::LessonRun(Lesson lesson, std::unique_ptr<scenarios::World> world)
    : lesson_(std::move(lesson)), world_(std::move(world)) {
  assert(world_);
  world_->simulator.trace().set_keep_records(true);
  window_begin_ = window_end_ = world_->simulator.trace().records().size();
  // One listener for the run's whole life (a Trace cannot unsubscribe): it acts only while a
  // checkpoint is being watched, and stops the simulator after the event that recorded the match.
  world_->simulator.trace().subscribe([this](const engine::TraceRecord& record) {
    if (!watching_ || matched_at_ || !watching_->matches(record)) return;
    if (--matches_wanted_ > 0) return;
    matched_at_ = static_cast<std::size_t>(record.sequence);
    world_->simulator.stop();
  });
}

const Step* LessonRun::current_step() const {
  if (!step_ || *step_ >= lesson_.steps.size()) return nullptr;
  return &lesson_.steps[*step_];
}

bool LessonRun::advance() {
  if (phase_ != Phase::not_started && phase_ != Phase::ready) return false;
  const std::size_t next = step_ ? *step_ + 1 : 0;
  if (next >= lesson_.steps.size()) {
    step_ = lesson_.steps.size();
    phase_ = Phase::finished;
    return true;
  }
  enter_step(next);
  return true;
}

void LessonRun::enter_step(std::size_t index) {
  step_ = index;
  const Step& step = lesson_.steps[index];
  if (step.run) {
    // A fresh window; until the step runs (after a prediction) it is empty.
    window_begin_ = window_end_;
    checkpoint_.reset();
    checkpoint_missed_ = false;
  }
  if (step.predict) {
    phase_ = Phase::predict;
    return;
  }
  run_step();
}

void LessonRun::run_step() {
  const Step& step = lesson_.steps[*step_];
  if (step.run) {
    engine::Simulator& simulator = world_->simulator;
    const RunInstruction& run = *step.run;
    switch (run.mode) {
      case RunInstruction::Mode::until_time:
        if (run.time > simulator.now()) simulator.run_until(run.time);
        break;
      case RunInstruction::Mode::for_duration: simulator.run_until(simulator.now() + run.time); break;
      case RunInstruction::Mode::until_end:
        if (world_->until > simulator.now()) simulator.run_until(world_->until);
        break;
      case RunInstruction::Mode::until_checkpoint: run_to_checkpoint(run); break;
    }
    if (run.mode != RunInstruction::Mode::until_checkpoint) window_end_ = simulator.trace().records().size();
  }
  after_run();
}

void LessonRun::run_to_checkpoint(const RunInstruction& run) {
  engine::Simulator& simulator = world_->simulator;
  const auto& records = simulator.trace().records();
  // Records already made (after the previous checkpoint, by the same event) come first.
  int wanted = run.count;
  for (std::size_t i = window_begin_; i < records.size(); ++i) {
    if (run.pattern.matches(records[i]) && --wanted == 0) {
      checkpoint_ = i;
      window_end_ = i + 1;
      return;
    }
  }
  const engine::Time limit = run.within ? simulator.now() + *run.within : std::max(world_->until, simulator.now());
  watching_ = &run.pattern;
  matches_wanted_ = wanted;
  matched_at_.reset();
  simulator.run_until(limit);
  watching_ = nullptr;
  if (matched_at_) {
    checkpoint_ = *matched_at_;
    window_end_ = *matched_at_ + 1;
  } else {
    checkpoint_missed_ = true;
    window_end_ = records.size();
  }
}

void LessonRun::after_run() {
  const Step& step = lesson_.steps[*step_];
  phase_ = step.quiz ? Phase::quiz : Phase::ready;
}

const Quiz* LessonRun::pending_question() const {
  const Step* step = current_step();
  if (!step) return nullptr;
  if (phase_ == Phase::predict) return &*step->predict;
  if (phase_ == Phase::quiz) return &*step->quiz;
  return nullptr;
}

void LessonRun::record_answer(std::string_view text, const AnswerCheck& check, bool skipped) {
  const Quiz& quiz = *pending_question();
  Answer answer;
  answer.step = *step_;
  answer.prediction = phase_ == Phase::predict;
  answer.skipped = skipped;
  answer.given = std::string(text);
  answer.choice = check.choice;
  answer.correct = !skipped && check.correct;
  answer.graded = quiz.graded;
  answer.tries = std::move(wrong_tries_);
  wrong_tries_.clear();
  if (!skipped) answer.tries.push_back(answer.given);
  if (answer.correct && answer.graded) answer.credit = answer.tries.size() <= 1 ? 1.0 : second_try_credit_for(quiz);
  answers_.push_back(std::move(answer));
  if (phase_ == Phase::predict) run_step();
  else phase_ = Phase::ready;
}

AnswerCheck LessonRun::answer(std::string_view text) {
  const Quiz* quiz = pending_question();
  if (!quiz) {
    AnswerCheck none;
    none.problem = "there is no question to answer now";
    return none;
  }
  AnswerCheck check = check_answer(*quiz, text);
  if (!check.valid) return check;
  if (!check.correct && wrong_tries_.empty() && second_try_credit() > 0) {
    wrong_tries_.push_back(std::string(text));
    check.try_again = true;
    return check;
  }
  record_answer(text, check, false);
  return check;
}

double LessonRun::second_try_credit_for(const Quiz& quiz) const {
  return quiz.second_try ? *quiz.second_try : lesson_.second_try;
}

double LessonRun::second_try_credit() const {
  const Quiz* quiz = pending_question();
  // A prediction is about what comes next: once told it is wrong, the student knows the answer.
  if (!quiz || !second_tries_ || phase_ == Phase::predict || !quiz->graded) return 0;
  return second_try_credit_for(*quiz);
}

void LessonRun::skip_question() {
  if (!pending_question()) return;
  record_answer("", AnswerCheck{}, true);
}

const LessonRun::Answer* LessonRun::current_prediction() const {
  if (!step_) return nullptr;
  for (const auto& answer : answers_)
    if (answer.step == *step_ && answer.prediction) return &answer;
  return nullptr;
}

std::vector<std::size_t> LessonRun::shown_records() const {
  std::vector<std::size_t> shown;
  const Step* step = current_step();
  if (!step || !step->show || phase_ == Phase::predict) return shown;
  const auto& records = world_->simulator.trace().records();
  for (std::size_t i = window_begin_; i < window_end_ && i < records.size(); ++i)
    if (step->show->selects(records[i])) shown.push_back(i);
  return shown;
}

const engine::TraceRecord* LessonRun::checkpoint() const {
  if (!checkpoint_) return nullptr;
  return &world_->simulator.trace().records()[*checkpoint_];
}

std::size_t LessonRun::score() const {
  return static_cast<std::size_t>(std::count_if(answers_.begin(), answers_.end(), [](const Answer& a) {
    return a.correct && a.graded && a.tries.size() <= 1;
  }));
}

double LessonRun::points() const {
  double total = 0;
  for (const auto& answer : answers_) total += answer.credit;
  return total;
}

}  // namespace maillab::lessons
