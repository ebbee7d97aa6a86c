#include "lessons/lesson_session.h"

#include <utility>

namespace maillab::lessons {

LessonSession::LessonSession(std::unique_ptr<LessonRun> run, std::vector<std::string> scripted_answers,
                             RunFactory fresh_run)
    : run_(std::move(run)), scripted_(std::move(scripted_answers)), fresh_run_(std::move(fresh_run)) {}

void LessonSession::remember_shown() {
  if (auto shown = run_->shown_records(); !shown.empty()) last_shown_ = std::move(shown);
}

bool LessonSession::next_step() {
  remember_shown();
  if (!run_->advance()) return false;
  actions_.push_back({Action::Kind::advance, ""});
  feedback_.reset();
  problem_.clear();
  return true;
}

bool LessonSession::can_go_back() const { return fresh_run_ && run_->step_index().has_value(); }

bool LessonSession::back() {
  if (!can_go_back()) return false;
  // Entering step k is the (k+1)-th advance; finishing is one advance past the last step.
  const std::size_t current = run_->finished() ? run_->step_count() : *run_->step_index();
  const std::size_t advances_wanted = current;  // enters step current-1; 0 = the introduction
  std::vector<Action> keep;
  std::size_t advances = 0;
  if (advances_wanted > 0) {
    for (const Action& action : actions_) {
      keep.push_back(action);
      if (action.kind == Action::Kind::advance && ++advances == advances_wanted) break;
    }
  }
  replay(keep);
  return true;
}

bool LessonSession::restart() {
  if (!fresh_run_) return false;
  replay({});
  return true;
}

void LessonSession::replay(const std::vector<Action>& actions) {
  auto fresh = fresh_run_();
  if (!fresh) return;  // the lesson loaded once; a failure now leaves the current run in place
  run_ = std::move(fresh);
  actions_.clear();
  last_shown_.clear();
  for (const Action& action : actions) {
    switch (action.kind) {
      case Action::Kind::advance: next_step(); break;
      case Action::Kind::answer: submit(action.text); break;
      case Action::Kind::skip: skip(); break;
    }
  }
  feedback_.reset();
  problem_.clear();
}

std::vector<std::size_t> LessonSession::displayed_records(bool* from_earlier_step) const {
  if (from_earlier_step) *from_earlier_step = false;
  const Step* step = run_->current_step();
  if (!step || run_->phase() == LessonRun::Phase::predict) return {};
  if (step->show) return run_->shown_records();
  if (step->run) return {};
  if (from_earlier_step) *from_earlier_step = !last_shown_.empty();
  return last_shown_;
}

void LessonSession::after_answer(const Quiz& quiz, bool prediction, bool correct, bool skipped) {
  Feedback feedback;
  feedback.prediction = prediction;
  feedback.correct = correct;
  feedback.skipped = skipped;
  feedback.right_answer = right_answer_text(quiz);
  feedback.explanation = quiz.explanation;
  feedback_ = std::move(feedback);
  problem_.clear();
}

bool LessonSession::submit(std::string_view text) {
  const Quiz* quiz = run_->pending_question();
  if (!quiz) return false;
  const Quiz asked = *quiz;  // answer() moves on to the next question
  const bool prediction = run_->pending_is_prediction();
  const AnswerCheck check = run_->answer(text);
  if (!check.valid) {
    problem_ = check.problem.empty() ? "that is not an answer to this question" : check.problem;
    return false;
  }
  actions_.push_back({Action::Kind::answer, std::string(text)});
  after_answer(asked, prediction, check.correct, false);
  return true;
}

void LessonSession::skip() {
  const Quiz* quiz = run_->pending_question();
  if (!quiz) return;
  const Quiz asked = *quiz;
  const bool prediction = run_->pending_is_prediction();
  run_->skip_question();
  actions_.push_back({Action::Kind::skip, ""});
  after_answer(asked, prediction, false, true);
}

void LessonSession::apply_scripted() {
  while (run_->pending_question() && scripted_used_ < scripted_.size()) {
    // An answer that does not fit counts as skipped: a script must never stall the lesson.
    if (!submit(scripted_[scripted_used_++])) skip();
  }
}

void LessonSession::advance_steps(int steps) {
  apply_scripted();
  for (int i = 0; i < steps && !run_->finished(); ++i) {
    while (run_->pending_question()) {
      apply_scripted();
      if (run_->pending_question()) skip();
    }
    next_step();
    apply_scripted();
  }
}

std::string LessonSession::step_label() const {
  if (run_->finished()) return "Finished";
  const auto index = run_->step_index();
  if (!index) return "Introduction";
  std::string label = "Step " + std::to_string(*index + 1) + "/" + std::to_string(run_->step_count());
  if (const Step* step = run_->current_step(); step && !step->title.empty()) label += ": " + step->title;
  return label;
}

std::optional<std::size_t> LessonSession::focus_record() const {
  const auto& records = run_->world().simulator.trace().records();
  if (const engine::TraceRecord* checkpoint = run_->checkpoint()) {
    return std::size_t(checkpoint - records.data());
  }
  const auto shown = run_->shown_records();
  if (!shown.empty()) return shown.back();
  return std::nullopt;
}

}  // namespace maillab::lessons
