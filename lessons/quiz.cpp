#include "lessons/quiz.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>

namespace maillab::lessons {
namespace {

std::optional<double> as_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (*end != '\0' || errno == ERANGE) return std::nullopt;
  return value;
}

std::string without_spaces(const std::string& text) {
  std::string out;
  for (char c : text)
    if (c != ' ') out += c;
  return out;
}

}  // namespace

std::string normalize_answer(std::string_view answer) {
  std::string out;
  bool pending_space = false;
  for (char c : answer) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string choice_letters(const Quiz& quiz) {
  return std::string("a-") + static_cast<char>('a' + quiz.choices.size() - 1);
}

std::string right_answer_text(const Quiz& quiz) {
  if (quiz.multiple_choice())
    return std::string(1, static_cast<char>('a' + quiz.correct_choice)) + ") " + quiz.choices[quiz.correct_choice];
  return quiz.accepted.empty() ? std::string() : quiz.accepted.front();
}

AnswerCheck check_answer(const Quiz& quiz, std::string_view answer) {
  AnswerCheck check;
  const std::string given = normalize_answer(answer);
  if (quiz.multiple_choice()) {
    const std::size_t count = quiz.choices.size();
    check.problem = "answer with a letter " + choice_letters(quiz) + " or a number 1-" + std::to_string(count);
    std::string core = given;
    // "b)", "(b)", "b." are the same letter.
    if (core.size() >= 2 && (core.back() == ')' || core.back() == '.')) core.pop_back();
    if (core.size() >= 2 && core.front() == '(') core.erase(0, 1);
    if (core.size() == 1 && core[0] >= 'a' && core[0] < static_cast<char>('a' + count)) {
      check.choice = static_cast<std::size_t>(core[0] - 'a');
    } else if (!core.empty() && core.size() <= 2 && core.find_first_not_of("0123456789") == std::string::npos) {
      std::size_t number = std::stoul(core);
      if (number >= 1 && number <= count) check.choice = number - 1;
    } else {
      for (std::size_t i = 0; i < count && !check.choice; ++i)
        if (!given.empty() && normalize_answer(quiz.choices[i]) == given) check.choice = i;
    }
    if (!check.choice) return check;
    check.valid = true;
    check.problem.clear();
    check.correct = *check.choice == quiz.correct_choice;
    return check;
  }
  if (given.empty()) {
    check.problem = "type an answer";
    return check;
  }
  check.valid = true;
  const auto given_number = as_number(given);
  for (const auto& accepted : quiz.accepted) {
    const std::string want = normalize_answer(accepted);
    if (want == given || without_spaces(want) == without_spaces(given)) check.correct = true;  // "12ms" is "12 ms"
    const auto want_number = as_number(want);
    if (given_number && want_number && *given_number == *want_number) check.correct = true;
  }
  return check;
}

}  // namespace maillab::lessons
