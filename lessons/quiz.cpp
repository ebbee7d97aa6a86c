#include "lessons/quiz.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <iterator>
#include <set>

#include "protocols/common/ascii_case.h"

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

// "three" is 3: the numbers a student might spell out (zero to twenty, then the tens).
std::optional<double> number_word(const std::string& word) {
  static constexpr const char* small[] = {"zero",    "one",     "two",       "three",    "four",
                                          "five",    "six",     "seven",     "eight",    "nine",
                                          "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                          "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
  static constexpr const char* tens[] = {"thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
  for (std::size_t i = 0; i < std::size(small); ++i)
    if (word == small[i]) return static_cast<double>(i);
  for (std::size_t i = 0; i < std::size(tens); ++i)
    if (word == tens[i]) return static_cast<double>(30 + 10 * i);
  if (word == "hundred" || word == "a hundred" || word == "one hundred") return 100.0;
  return std::nullopt;
}

// A unit of measure: "12 s" is not "12 ms", so after a number a unit is part of the answer
// (compared as text), while any other word ("3 servers", "2 hops") only says what was counted.
bool is_unit(const std::string& word) {
  static const std::set<std::string> units = {
      "s",   "sec",  "secs",  "second", "seconds", "ms",    "millisecond", "milliseconds", "us",     "\u00b5s",
      "microsecond", "microseconds", "m",  "min",  "mins",  "minute", "minutes", "h",     "hour",        "hours",
      "d",   "day",  "days",  "b",      "byte",    "bytes", "octet",       "octets",       "kb",     "mb",
      "gb",  "bps",  "kbps",  "mbps",   "gbps",    "bit",   "bits",        "%",            "percent"};
  return units.count(word) != 0;
}

// The number an answer starts with, when the rest is words that are not a unit: "3 servers",
// "three hops", "3.0". "3.5s" is not 3 (a number glued to letters is read whole), "12 s" has a unit.
std::optional<double> leading_number(const std::string& given) {
  if (auto whole = as_number(given)) return whole;
  const auto space = given.find(' ');
  const std::string first = given.substr(0, space);
  std::optional<double> value = number_word(first);
  if (!value && space != std::string::npos) value = as_number(first);
  if (!value) return std::nullopt;
  if (space != std::string::npos) {
    const auto next = given.find(' ', space + 1);
    if (is_unit(given.substr(space + 1, next == std::string::npos ? std::string::npos : next - space - 1)))
      return std::nullopt;
  }
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
    out += common::to_lower(c);
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

std::string key_answer_text(const Quiz& quiz) {
  if (quiz.multiple_choice()) return std::string(1, static_cast<char>('a' + quiz.correct_choice));
  return quiz.accepted.empty() ? std::string() : quiz.accepted.front();
}

std::string choice_explanation(const Quiz& quiz, const AnswerCheck& check) {
  if (!check.choice || *check.choice >= quiz.choice_explanations.size()) return "";
  return quiz.choice_explanations[*check.choice];
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
  const auto given_number = leading_number(given);
  for (const auto& accepted : quiz.accepted) {
    const std::string want = normalize_answer(accepted);
    if (want == given || without_spaces(want) == without_spaces(given)) check.correct = true;  // "12ms" is "12 ms"
    // A number is compared by value, whatever words follow it: "3", "3 servers", "three".
    const auto want_number = as_number(want);
    if (given_number && want_number && *given_number == *want_number) check.correct = true;
  }
  return check;
}

}  // namespace maillab::lessons
