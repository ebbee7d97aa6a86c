#include "lessons/answers_file.h"

#include "lessons/quiz.h"

namespace maillab::lessons {
namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string shorten(const std::string& text, std::size_t limit) {
  std::string one_line;
  for (char c : text) one_line += (c == '\n') ? ' ' : c;
  one_line = trim(one_line);
  if (one_line.size() <= limit) return one_line;
  return one_line.substr(0, limit - 3) + "...";
}

}  // namespace

std::vector<AnswerLine> read_answer_lines(std::istream& in) {
  std::vector<AnswerLine> answers;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line.erase(i);
        break;
      }
    }
    line = trim(line);
    if (!line.empty()) answers.push_back({line, number});
  }
  return answers;
}

std::vector<std::string> check_answer_lines(const std::vector<AnswerLine>& answers, const Lesson& lesson,
                                            const std::string& file) {
  std::vector<std::string> problems;
  std::vector<std::pair<const Quiz*, std::string>> questions;  // and "step 2 quiz" for messages
  for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
    const Step& step = lesson.steps[i];
    if (step.predict) questions.push_back({&*step.predict, "step " + std::to_string(i + 1) + " predict"});
    if (step.quiz) questions.push_back({&*step.quiz, "step " + std::to_string(i + 1) + " quiz"});
  }
  for (std::size_t i = 0; i < answers.size() && i < questions.size(); ++i) {
    const AnswerCheck check = check_answer(*questions[i].first, answers[i].text);
    if (!check.valid)
      problems.push_back(file + ":" + std::to_string(answers[i].line) + ": '" + answers[i].text +
                         "' is not an answer to question " + std::to_string(i + 1) + " (" + questions[i].second +
                         ": \"" + shorten(questions[i].first->question, 60) + "\"); " + check.problem);
  }
  auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (answers.size() < questions.size()) {
    const auto& missing = questions[answers.size()];
    problems.push_back(file + ": too few answers: " + plural(answers.size(), "answer") + " for " +
                       plural(questions.size(), "question") + "; the first without an answer is question " +
                       std::to_string(answers.size() + 1) + " (" + missing.second + ": \"" +
                       shorten(missing.first->question, 60) + "\")");
  } else if (answers.size() > questions.size()) {
    problems.push_back(file + ":" + std::to_string(answers[questions.size()].line) + ": too many answers: " +
                       plural(answers.size(), "answer") + " for " + plural(questions.size(), "question") +
                       " (is this the answers file of another lesson?)");
  }
  return problems;
}

}  // namespace maillab::lessons
