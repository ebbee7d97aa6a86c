// Judging answers, reading answers files, and laying out text.
#include <catch2/catch.hpp>

#include <sstream>

#include "tests/support/lesson_driver.h"
#include "lessons/answers_file.h"
#include "lessons/quiz.h"
#include "lessons/text_layout.h"

using namespace maillab;
using namespace maillab::lessons;

namespace {

Quiz choice_quiz() {
  Quiz quiz;
  quiz.question = "Which?";
  quiz.choices = {"east", "west", "both ways"};
  quiz.correct_choice = 1;
  return quiz;
}

Quiz text_quiz(std::vector<std::string> accepted) {
  Quiz quiz;
  quiz.question = "How many?";
  quiz.accepted = std::move(accepted);
  return quiz;
}

}  // namespace

TEST_CASE("multiple choice accepts a letter, a number or the choice's text", "[lessons][quiz]") {
  const Quiz quiz = choice_quiz();
  for (const char* right : {"b", "B", " b ", "b)", "(b)", "b.", "2", "west", "  WEST "}) {
    INFO(right);
    AnswerCheck check = check_answer(quiz, right);
    CHECK(check.valid);
    CHECK(check.correct);
    CHECK(check.choice == std::size_t{1});
  }
  for (const char* wrong : {"a", "3", "Both  Ways"}) {
    INFO(wrong);
    AnswerCheck check = check_answer(quiz, wrong);
    CHECK(check.valid);
    CHECK_FALSE(check.correct);
  }
  for (const char* invalid : {"d", "0", "4", "", "north", "bb", "12"}) {
    INFO(invalid);
    AnswerCheck check = check_answer(quiz, invalid);
    CHECK_FALSE(check.valid);
    CHECK(check.problem == "answer with a letter a-c or a number 1-3");
  }
  CHECK(right_answer_text(quiz) == "b) west");
}

TEST_CASE("free text ignores case and spacing, and compares numbers by value", "[lessons][quiz]") {
  const Quiz quiz = text_quiz({"12", "12 ms", "twelve"});
  for (const char* right : {"12", " 12 ", "12.0", "12ms", "12  MS", "Twelve"}) {
    INFO(right);
    CHECK(check_answer(quiz, right).correct);
  }
  for (const char* wrong : {"13", "1 2 s", "12 s", "twelve ms"}) {
    INFO(wrong);
    AnswerCheck check = check_answer(quiz, wrong);
    CHECK(check.valid);
    CHECK_FALSE(check.correct);
  }
  CHECK_FALSE(check_answer(quiz, "   ").valid);
  CHECK(right_answer_text(quiz) == "12");
}

TEST_CASE("answers files: one per line, comments and blank lines skipped", "[lessons][answers]") {
  std::istringstream in(
      "# answers for a lesson\n"
      "b\n"
      "\n"
      "  4   # four hops\n"
      "#c\n"
      "a#b\n"
      "12 ms\r\n");
  const auto answers = read_answer_lines(in);
  REQUIRE(answers.size() == 4);
  CHECK(answers[0].text == "b");
  CHECK(answers[0].line == 2);
  CHECK(answers[1].text == "4");
  CHECK(answers[1].line == 4);
  CHECK(answers[2].text == "a#b");  // '#' inside a word is not a comment
  CHECK(answers[3].text == "12 ms");
  CHECK(answers[3].line == 7);
}

TEST_CASE("answers files are checked against the lesson's questions", "[lessons][answers]") {
  Lesson lesson;
  Step first, second;
  first.predict = text_quiz({"4"});
  first.quiz = choice_quiz();
  second.quiz = choice_quiz();
  lesson.steps = {first, second};
  REQUIRE(lesson.question_count() == 3);

  CHECK(check_answer_lines({{"4", 1}, {"b", 2}, {"west", 3}}, lesson, "a.txt").empty());

  auto problems = check_answer_lines({{"4", 1}, {"b", 2}}, lesson, "a.txt");
  REQUIRE(problems.size() == 1);
  CHECK(problems[0] ==
        "a.txt: too few answers: 2 answers for 3 questions; the first without an answer is question 3 (step 2 quiz: "
        "\"Which?\")");

  problems = check_answer_lines({{"4", 1}, {"z", 5}, {"b", 6}, {"b", 9}}, lesson, "a.txt");
  REQUIRE(problems.size() == 2);
  CHECK(problems[0] ==
        "a.txt:5: 'z' is not an answer to question 2 (step 1 quiz: \"Which?\"); answer with a letter a-c or a number 1-3");
  CHECK(problems[1] == "a.txt:9: too many answers: 4 answers for 3 questions (is this the answers file of another lesson?)");
}

TEST_CASE("narration is reflowed to the width, lists and indented lines kept", "[lessons][layout]") {
  const std::string text =
      "The quick brown fox jumps over\nthe lazy dog again and again.\n"
      "\n"
      "- a list item that is long enough\n"
      "  to wrap around\n"
      "- short\n"
      "    laptop --- home --- isp\n";
  CHECK(wrap_text(text, 24, "  ") ==
        "  The quick brown fox\n"
        "  jumps over the lazy\n"
        "  dog again and again.\n"
        "\n"
        "  - a list item that is\n"
        "    long enough to wrap\n"
        "    around\n"
        "  - short\n"
        "      laptop --- home --- isp\n");
  CHECK(wrap_text("", 20) == "");
  CHECK(wrap_text("averyveryverylongword x", 10) == "averyveryverylongword\nx\n");
  // Proportional widths (the visualizer's font): breaks at spaces only, never after a dot.
  const auto pixels = [](std::string_view word) { return 7.0 * double(word.size()); };
  CHECK(break_at_spaces("relay smtp.example.com status 4.4.1", 7.0 * 22, pixels) ==
        std::vector<std::string>{"relay smtp.example.com", "status 4.4.1"});
  CHECK(break_at_spaces("a-word-wider-than-the-line b", 7.0 * 5, pixels) ==
        std::vector<std::string>{"a-word-wider-than-the-line", "b"});
  CHECK(break_at_spaces("   ", 100, pixels).empty());
  CHECK(heading("Step 1/2", 16) == "\u2500\u2500 Step 1/2 \u2500\u2500\u2500\u2500");
  CHECK(display_width("a\u2192b") == 3);
}
