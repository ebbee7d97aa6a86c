#include "lessons/lesson_result.h"

namespace maillab::lessons {

std::vector<const Quiz*> questions_in_order(const Lesson& lesson) {
  std::vector<const Quiz*> questions;
  for (const auto& step : lesson.steps) {
    if (step.predict) questions.push_back(&*step.predict);
    if (step.quiz) questions.push_back(&*step.quiz);
  }
  return questions;
}

Result lesson_result(const LessonRun& run, const std::string& started, const std::string& finished) {
  const Lesson& lesson = run.lesson();
  Result result = new_result("lesson", lesson.student, lesson.id, lesson.version, started, finished);
  const auto questions = questions_in_order(lesson);
  // Questions are asked in order, so the i-th answer is to the i-th question.
  for (std::size_t i = 0; i < questions.size(); ++i) {
    ResultItem item;
    item.id = questions[i]->id;
    item.text = questions[i]->question;
    item.graded = questions[i]->graded;
    item.max_points = item.graded ? 1 : 0;
    if (i < run.answers().size()) {
      const LessonRun::Answer& answer = run.answers()[i];
      item.answer = answer.given;
      item.right = answer.correct;
      item.attempts = static_cast<int>(answer.tries.size());
      item.points = answer.credit;
    }
    result.items.push_back(std::move(item));
  }
  result.score = run.points();
  result.max_score = static_cast<double>(run.max_score());
  return result;
}

}  // namespace maillab::lessons
