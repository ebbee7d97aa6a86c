// The --answers file: one answer per line, in the order the lesson asks its questions (each
// step's predict: before its quiz:). Blank lines are skipped; '#' starts a comment when it
// begins a line or follows a space, so "b   # 4 hops" is the answer "b".
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "lessons/lesson.h"

namespace maillab::lessons {

struct AnswerLine {
  std::string text;
  int line = 0;  // 1-based line in the file
};

std::vector<AnswerLine> read_answer_lines(std::istream& in);

// Checks the answers against the lesson before anything runs: as many answers as questions,
// each one a valid answer to its question (a letter in range, a non-empty text). Returns the
// problems as "FILE:LINE: ..." messages; empty when the file fits the lesson.
std::vector<std::string> check_answer_lines(const std::vector<AnswerLine>& answers, const Lesson& lesson,
                                            const std::string& file);

}  // namespace maillab::lessons
