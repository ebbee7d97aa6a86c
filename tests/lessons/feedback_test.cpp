// Feedback on answers: numbers in words, a second try for part of the mark, why a wrong choice is
// wrong, predictions that are not graded; and the teacher's side: --key, --student variants and
// --result files.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/support/lesson_driver.h"
#include "lessons/lesson_command.h"
#include "lessons/quiz.h"
#include "lessons/result_file.h"
#include "lessons/terminal.h"
#include "lessons/variables.h"

using namespace maillab;
using namespace maillab::lessons;

namespace {

Quiz free_text(std::vector<std::string> accepted) {
  Quiz quiz;
  quiz.question = "?";
  quiz.accepted = std::move(accepted);
  return quiz;
}

// Three questions: a prediction that is not graded, a multiple-choice quiz with an explanation
// for one wrong choice, and a free-text number whose answer is a per-student variable.
const std::string lesson_text = "title: Feedback\n"
                                "second_try: 0.5\n"
                                "variables:\n"
                                "  hops: [\"2\"]\n"
                                "  port: [\"25\", \"587\", \"465\", \"2525\"]\n" +
                                testing::small_scenario +
                                "steps:\n"
                                "  - say: Guess first.\n"
                                "    predict: {question: 'Will it arrive?', choices: [yes, no], answer: a, graded: false}\n"
                                "    run_until: end\n"
                                "    quiz:\n"
                                "      question: 'How many routers?'\n"
                                "      choices: [none, {text: two, why: 'Count the routers list: there is one.'}, one]\n"
                                "      answer: c\n"
                                "  - say: The port is {{port}}.\n"
                                "    quiz: {id: port, question: 'Which port did the text name?', accept: [\"{{port}}\"]}\n";

struct Folder {
  std::filesystem::path path;
  Folder() {
    path = std::filesystem::temp_directory_path() /
           ("maillab-feedback-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~Folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream((path / name).string(), std::ios::binary) << text;
    return (path / name).string();
  }
};

using testing::command;

}  // namespace

TEST_CASE("numbers are accepted as digits, with a unit word, or spelled out", "[lessons][feedback]") {
  const Quiz three = free_text({"3"});
  for (const char* answer : {"3", "3.0", "3 servers", "three", "Three servers", " THREE "}) {
    INFO(answer);
    CHECK(check_answer(three, answer).correct);
  }
  for (const char* answer : {"4", "four", "30", "3.5s", "servers 3", "thirty", "3 s", "three seconds"}) {
    INFO(answer);
    CHECK_FALSE(check_answer(three, answer).correct);
  }
  CHECK(check_answer(free_text({"40"}), "forty hops").correct);
  CHECK(check_answer(free_text({"0"}), "zero").correct);
  // A text answer is still compared as text.
  CHECK(check_answer(free_text({"MX"}), "mx").correct);
  CHECK_FALSE(check_answer(free_text({"MX"}), "3").correct);
}

TEST_CASE("a wrong first answer gets a second try for the lesson's credit, interactively", "[lessons][feedback]") {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string(lesson_text, "feedback.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  CHECK(lesson->question_count() == 3);
  CHECK(lesson->graded_count() == 2);  // the prediction does not count
  auto run = LessonRun::start(std::move(*lesson), diagnostics);
  REQUIRE(run);
  // predict "no" (wrong, not graded); quiz "b" (wrong: explained, try again) then "c"; port "25".
  std::istringstream in("b\nb\nc\n\n25\n\n");
  std::ostringstream out;
  CHECK(run_interactive(*run, in, out, {}) == SessionEnd::completed);
  const std::string text = out.str();
  INFO(text);
  CHECK(text.find("Predict 1/3 (not graded)") != std::string::npos);
  CHECK(text.find("Not quite: the answer is a) yes. (not graded)") != std::string::npos);
  CHECK(text.find("Count the routers list: there is one.") != std::string::npos);
  CHECK(text.find("One more try, for 50% of the mark.") != std::string::npos);
  REQUIRE(run->answers().size() == 3);
  CHECK_FALSE(run->answers()[0].graded);
  CHECK(run->answers()[0].credit == 0);
  CHECK(run->answers()[1].tries == std::vector<std::string>{"b", "c"});
  CHECK(run->answers()[1].credit == 0.5);
  CHECK(run->answers()[2].credit == 1);
  CHECK(run->points() == 1.5);
  CHECK(run->score() == 1);  // right at the first try
  CHECK(text.find("score: 1.5/2") != std::string::npos);
}

TEST_CASE("with an answers file there is one answer per question and no second try", "[lessons][feedback]") {
  Folder folder;
  const std::string lesson = folder.write("feedback.yaml", lesson_text);
  const std::string answers = folder.write("answers.txt", "a\nb\n25\n");
  std::string out, err;
  CHECK(command({lesson, "--answers", answers}, out, err) == 0);
  INFO(out << err);
  CHECK(out.find("Count the routers list: there is one.") != std::string::npos);  // why b is wrong
  CHECK(out.find("score: 1/2") != std::string::npos);
}

TEST_CASE("students get their own variant, the key and the result file follow it", "[lessons][variants][gradebook]") {
  Folder folder;
  const std::string lesson = folder.write("feedback.yaml", lesson_text);
  std::set<std::string> ports;
  for (const std::string student : {"amy", "bo", "cy", "dana", "ed", "flo"}) {
    std::string key, err;
    REQUIRE(command({lesson, "--student", student, "--key"}, key, err) == 0);
    INFO(key << err);
    CHECK(key.find("for student " + student) != std::string::npos);
    // The key is an answers file: it scores full marks for this student...
    const std::string key_file = folder.write(student + ".key", key);
    const std::string result_file = (folder.path / (student + ".json")).string();
    std::string out;
    REQUIRE(command({lesson, "--student", student, "--answers", key_file, "--result", result_file}, out, err) == 0);
    CHECK(out.find("score: 2/2") != std::string::npos);
    // ...and its port line is this student's variant.
    std::istringstream lines(key);
    std::string line, port;
    while (std::getline(lines, line))
      if (line.find("# port:") != std::string::npos) port = line.substr(0, line.find(' '));
    ports.insert(port);
    std::string problem;
    auto result = read_result_file(result_file, problem);
    INFO(problem);
    REQUIRE(result);
    CHECK(result->student == student);
    CHECK(result->activity == "feedback");
    CHECK(result->kind == "lesson");
    REQUIRE(result->items.size() == 3);
    CHECK(result->items[0].id == "s1.predict");
    CHECK_FALSE(result->items[0].graded);
    CHECK(result->items[2].id == "port");
    CHECK(result->items[2].answer == port);
    CHECK(result->items[2].right);
    CHECK(result->items[2].attempts == 1);
    CHECK(result->score == 2);
    CHECK(result->max_score == 2);
  }
  CHECK(ports.size() == 3);  // six students, four ports: neighbours differ
  std::string out, err;
  CHECK(command({lesson, "--student", "a b", "--key"}, out, err) == 2);
  CHECK(err.find("--student wants an id of letters, digits") != std::string::npos);
}

TEST_CASE("variables: deterministic per student, located errors for unknown names", "[lessons][variants]") {
  const std::vector<Variable> variables = {{"user", {"bob", "carol", "dave", "erin"}},
                                           {"ttl", {"300", "600", "900", "1200", "1500"}}};
  CHECK(pick_variant(variables, "") == VariableValues{{"user", "bob"}, {"ttl", "300"}});
  CHECK(pick_variant(variables, "s17") == pick_variant(variables, "s17"));
  std::set<VariableValues> seen;
  for (const char* student : {"s1", "s2", "s3"}) seen.insert(pick_variant(variables, student));
  CHECK(seen.size() == 3);
  scenarios::Diagnostics diagnostics;
  CHECK(substitute_variables("a: {{user}}\nb: {{ttl}} {{tll}}\n", pick_variant(variables, ""), "f.yaml", diagnostics) ==
        "a: bob\nb: 300 {{tll}}\n");
  REQUIRE(diagnostics.count() == 1);
  CHECK(diagnostics.errors()[0].to_string().rfind("f.yaml:2:12: error: {{tll}} names no variable (did you mean 'ttl'?)", 0) == 0);
  CHECK(mask_templates("to: {{ user }}@x") == "to: __ user __@x");
  CHECK(testing::load_errors("title: t\nvariables: {x: {from: 5, to: 1}}\n" + testing::small_scenario +
                             "steps: [{say: hi}]\n")
            .find("test.yaml:2:30: error: variable x ends before it begins") != std::string::npos);
}
