// Judging a student's answer to a quiz or prediction. The same rules serve the terminal, the
// --answers file and the visualizer's lesson panel.
//   multiple choice: a letter ("b", "B", "b)"), a number counting from 1 ("2"), or the exact
//                    text of a choice (case and spacing ignored);
//   free text:       equal to an accepted answer ignoring case and spacing ("12ms" is "12 ms"),
//                    or, when the accepted answer is a number, starting with that value:
//                    "3.0", "3 servers", "three" and "Three servers" are all "3" (a unit after
//                    the number is part of the answer: "12 s" is not "12 ms", nor "12").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lessons/lesson.h"

namespace maillab::lessons {

struct AnswerCheck {
  bool valid = false;    // false: not an answer to this question at all (ask again)
  bool correct = false;
  std::optional<std::size_t> choice;  // multiple choice: the 0-based choice picked
  std::string problem;   // when invalid: what to type instead ("answer with a letter a-c or a number 1-3")
  bool try_again = false;  // wrong, and a second try is allowed (LessonRun::answer says so)
};

AnswerCheck check_answer(const Quiz& quiz, std::string_view answer);

// Lower case, trimmed, inner runs of spaces and tabs made one space.
std::string normalize_answer(std::string_view answer);

// "a-c" style range of a multiple-choice quiz's letters, for prompts.
std::string choice_letters(const Quiz& quiz);

// The right answer for people: "b) 4 hops" or "3".
std::string right_answer_text(const Quiz& quiz);

// The right answer as a line of an answers file: "b" or "3".
std::string key_answer_text(const Quiz& quiz);

// Why the picked choice is wrong, when the author said ("" otherwise, and for free text).
std::string choice_explanation(const Quiz& quiz, const AnswerCheck& check);

}  // namespace maillab::lessons
