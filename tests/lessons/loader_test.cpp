// Lesson file validation: every mistake is reported at its exact file:line:column.
#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "tests/support/lesson_driver.h"

using namespace maillab;
using namespace maillab::lessons;
using maillab::lessons::testing::load_errors;
using maillab::lessons::testing::small_scenario;

namespace {

// "test.yaml:LINE:COLUMN" where COLUMN is where `token` starts on 1-based line `line` of `text`.
std::string at(const std::string& text, int line, const std::string& token, const std::string& file = "test.yaml") {
  std::istringstream in(text);
  std::string current;
  for (int i = 0; i < line; ++i) std::getline(in, current);
  const auto column = current.find(token);
  REQUIRE(column != std::string::npos);
  return file + ":" + std::to_string(line) + ":" + std::to_string(column + 1);
}

// The lesson "title: T", the small scenario (lines 2-15), then `steps` from line 16.
std::string lesson_with(const std::string& steps) { return "title: T\n" + small_scenario + steps; }

}  // namespace

TEST_CASE("a valid lesson loads with every field read", "[lessons][loader]") {
  const std::string text = lesson_with(
      "steps:\n"
      "  - title: First\n"
      "    say: hello\n"
      "    predict: {question: 'How many?', accept: [\"3\", three]}\n"
      "    run_until: {kind: [hop, drop], node: r, protocol: TCP, summary_contains: SYN, count: 2, within: 3s}\n"
      "    show: {kind: hop, peer: b, acks: true, limit: 5}\n"
      "    quiz: {question: 'Which?', choices: [x, y, z], answer: 3, explain: because}\n"
      "  - say: second\n"
      "    run_for: 1.5s\n"
      "  - say: third\n"
      "    run_until: end\n"
      "    show: all\n");
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string(text, "test.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  REQUIRE(lesson->steps.size() == 3);
  const Step& first = lesson->steps[0];
  CHECK(first.title == "First");
  CHECK(first.say == "hello");
  REQUIRE(first.predict);
  CHECK(first.predict->accepted == std::vector<std::string>{"3", "three"});
  REQUIRE(first.run);
  CHECK(first.run->mode == RunInstruction::Mode::until_checkpoint);
  CHECK(first.run->pattern.kinds == std::vector<engine::TraceKind>{engine::TraceKind::hop, engine::TraceKind::drop});
  CHECK(first.run->pattern.node == "r");
  CHECK(first.run->pattern.summary_contains == std::vector<std::string>{"SYN"});
  CHECK(first.run->count == 2);
  CHECK(first.run->within == engine::seconds(3));
  REQUIRE(first.show);
  CHECK(first.show->acknowledgements);
  CHECK(first.show->limit == 5);
  REQUIRE(first.quiz);
  CHECK(first.quiz->correct_choice == 2);
  CHECK(first.quiz->explanation == "because");
  CHECK(lesson->steps[1].run->mode == RunInstruction::Mode::for_duration);
  CHECK(lesson->steps[1].run->time == engine::milliseconds(1500));
  CHECK(lesson->steps[2].run->mode == RunInstruction::Mode::until_end);
  CHECK(lesson->question_count() == 2);
  CHECK(lesson->scenario_path.empty());
  CHECK_FALSE(lesson->inline_scenario_text.empty());
}

TEST_CASE("unknown keys are errors with did-you-mean", "[lessons][loader]") {
  const std::string text = lesson_with(
      "steps:\n"
      "  - say: hello\n"
      "    shw: all\n");
  const std::string errors = load_errors(text);
  CHECK(errors == at(text, 18, "shw") + ": error: unknown key 'shw' in step 1 (did you mean 'show'?); expected one of: "
                                        "say, title, predict, run_until, run_for, show, quiz\n");

  const std::string top = "title: T\ntitel: U\n" + small_scenario.substr(0) + "steps:\n  - say: hi\n";
  CHECK(load_errors(top).find(at(top, 2, "titel") + ": error: unknown key 'titel' in the lesson (did you mean 'title'?)") !=
        std::string::npos);
}

TEST_CASE("missing say, question and answer are reported where the map starts", "[lessons][loader]") {
  SECTION("a step without say") {
    const std::string text = lesson_with(
        "steps:\n"
        "  - title: x\n"
        "    run_until: 1s\n");
    CHECK(load_errors(text) == at(text, 17, "title") + ": error: step 1 has no 'say'; expected a 'say:' entry\n");
  }
  SECTION("a quiz without question") {
    const std::string text = lesson_with(
        "steps:\n"
        "  - say: hi\n"
        "    quiz:\n"
        "      choices: [x, y]\n"
        "      answer: a\n");
    CHECK(load_errors(text) ==
          at(text, 19, "choices") + ": error: step 1 quiz has no 'question'; expected a 'question:' entry\n");
  }
  SECTION("choices without answer") {
    const std::string text = lesson_with(
        "steps:\n"
        "  - say: hi\n"
        "    quiz:\n"
        "      question: Q?\n"
        "      choices: [x, y]\n");
    CHECK(load_errors(text).find(at(text, 19, "question") + ": error: step 1 quiz has choices but no 'answer'") == 0);
  }
  SECTION("neither choices nor accept") {
    const std::string text = lesson_with(
        "steps:\n"
        "  - say: hi\n"
        "    predict: {question: 'Q?'}\n"
        "    run_for: 1s\n");
    CHECK(load_errors(text).find(at(text, 18, "{question") + ": error: step 1 predict has neither 'choices' nor 'accept'") ==
          0);
  }
}

TEST_CASE("a choice index out of range points at the answer", "[lessons][loader]") {
  for (const std::string answer : {"d", "4", "0", "D"}) {
    const std::string text = lesson_with(
        "steps:\n"
        "  - say: hi\n"
        "    quiz:\n"
        "      question: Q?\n"
        "      choices: [x, y, z]\n"
        "      answer: " + answer + "\n");
    const std::string errors = load_errors(text);
    INFO(errors);
    CHECK(errors.find(at(text, 21, answer) + ": error: quiz answer") == 0);
    CHECK(errors.find("out of range: there are 3 choices; expected a letter a-c or a number 1-3") != std::string::npos);
  }
  const std::string word = lesson_with(
      "steps:\n"
      "  - say: hi\n"
      "    quiz: {question: 'Q?', choices: [x, y], answer: yes}\n");
  CHECK(load_errors(word).find(at(word, 18, "yes") + ": error: quiz answer 'yes' is not a letter or a number") == 0);
}

TEST_CASE("choice counts outside 2..6 and mixed forms are errors", "[lessons][loader]") {
  const std::string one = lesson_with("steps:\n  - say: hi\n    quiz: {question: 'Q?', choices: [x], answer: a}\n");
  CHECK(load_errors(one).find(at(one, 18, "[x]") + ": error: step 1 quiz has 1 choice; expected 2 to 6 choices") == 0);
  const std::string seven =
      lesson_with("steps:\n  - say: hi\n    quiz: {question: 'Q?', choices: [a, b, c, d, e, f, g], answer: a}\n");
  CHECK(load_errors(seven).find(at(seven, 18, "[a, b") + ": error: step 1 quiz has 7 choices") == 0);
  const std::string both =
      lesson_with("steps:\n  - say: hi\n    quiz: {question: 'Q?', choices: [x, y], answer: a, accept: [x]}\n");
  CHECK(load_errors(both).find(at(both, 18, "[x]}") + ": error: step 1 quiz has both choices and accept") == 0);
}

TEST_CASE("bad durations and run instructions are located", "[lessons][loader]") {
  const std::string text = lesson_with(
      "steps:\n"
      "  - say: hi\n"
      "    run_until: 5 parsecs\n");
  CHECK(load_errors(text).find(at(text, 18, "5 parsecs") + ": error: bad run_until: ") == 0);

  const std::string for_text = lesson_with("steps:\n  - say: hi\n    run_for: -2s\n");
  CHECK(load_errors(for_text).find(at(for_text, 18, "-2s") + ": error: bad step 1 run_for") == 0);

  const std::string within = lesson_with("steps:\n  - say: hi\n    run_until: {kind: hop, within: soon}\n");
  CHECK(load_errors(within).find(at(within, 18, "soon") + ": error: bad run_until within") == 0);

  const std::string kind = lesson_with("steps:\n  - say: hi\n    run_until: {kind: hops}\n");
  CHECK(load_errors(kind) == at(kind, 18, "hops") +
                                 ": error: unknown trace kind 'hops' (did you mean 'hop'?); expected one of: hop, drop, "
                                 "transport, protocol, mail, cache, fault, note\n");

  const std::string empty = lesson_with("steps:\n  - say: hi\n    run_until: {count: 2}\n");
  CHECK(load_errors(empty).find(at(empty, 18, "{count") + ": error: run_until has no pattern") == 0);

  const std::string both = lesson_with("steps:\n  - say: hi\n    run_until: 1s\n    run_for: 1s\n");
  CHECK(load_errors(both).find(at(both, 19, "1s") + ": error: step 1 has both run_until and run_for") == 0);

  const std::string predict = lesson_with("steps:\n  - say: hi\n    predict: {question: 'Q?', accept: [x]}\n");
  CHECK(load_errors(predict).find(at(predict, 18, "{question") + ": error: step 1 asks to predict but runs nothing") == 0);
}

TEST_CASE("checkpoint and show nodes must exist in the scenario", "[lessons][loader]") {
  const std::string text = lesson_with(
      "steps:\n"
      "  - say: hi\n"
      "    run_until: {kind: hop, node: rr}\n"
      "    show: {node: bb}\n");
  const std::string errors = load_errors(text);
  CHECK(errors.find(at(text, 18, "rr") + ": error: node 'rr' is not in the scenario (run_until node) (did you mean 'r'?)") ==
        0);
  CHECK(errors.find(at(text, 19, "bb") + ": error: node 'bb' is not in the scenario (show node)") != std::string::npos);
}

TEST_CASE("between names two nodes of the scenario, summary_contains takes a list", "[lessons][loader]") {
  const std::string good = lesson_with(
      "steps:\n"
      "  - say: hi\n"
      "    run_until: {kind: hop, between: [a, r], summary_contains: [SYN, FIN]}\n");
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string(good, "lesson.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  const TracePattern& pattern = lesson->steps[0].run->pattern;
  REQUIRE(pattern.between);
  CHECK(pattern.between->first == "a");
  CHECK(pattern.between->second == "r");
  CHECK(pattern.summary_contains == std::vector<std::string>{"SYN", "FIN"});

  const std::string bad = lesson_with(
      "steps:\n"
      "  - say: hi\n"
      "    run_until: {kind: hop, between: [a, rr]}\n"
      "    show: {between: [a]}\n");
  const std::string errors = load_errors(bad);
  CHECK(errors.find("show between needs exactly two names") != std::string::npos);
  const std::string unknown = lesson_with(
      "steps:\n"
      "  - say: hi\n"
      "    run_until: {kind: hop, between: [a, rr]}\n");
  CHECK(load_errors(unknown).find("node 'rr' is not in the scenario (run_until between) (did you mean 'r'?)") !=
        std::string::npos);
}

TEST_CASE("a pattern's between matches both directions, a summary list matches any of its texts", "[lessons][loader]") {
  TracePattern pattern;
  pattern.between = std::make_pair(std::string("laptop"), std::string("server"));
  pattern.summary_contains = {"EHLO", "250"};
  engine::TraceRecord record;
  record.node = "laptop";
  record.peer = "server";
  record.summary = "EHLO laptop";
  CHECK(pattern.matches(record));
  record.node = "server";
  record.peer = "laptop";
  record.summary = "250-server greets laptop";
  CHECK(pattern.matches(record));  // the other direction
  record.summary = "354 go ahead";
  CHECK_FALSE(pattern.matches(record));  // none of the texts
  record.node = "server";
  record.peer = "resolver";
  record.summary = "EHLO";
  CHECK_FALSE(pattern.matches(record));  // another conversation
}

TEST_CASE("scenario paths are resolved next to the lesson, a missing one is an error", "[lessons][loader]") {
  const std::string missing = "title: T\nscenario: nowhere.yaml\nsteps:\n  - say: hi\n";
  const std::string file = testing::source_dir() + "/lessons/x.yaml";
  CHECK(load_errors(missing, file).find(at(missing, 2, "nowhere", file) + ": error: scenario file 'nowhere.yaml' not found") ==
        0);

  const std::string found = "title: T\nscenario: scenarios/packets-and-links.yaml\nsteps:\n  - say: hi\n";
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string(found, file, diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  CHECK(lesson->scenario_path == testing::source_dir() + "/lessons/scenarios/packets-and-links.yaml");

  const std::string list = "title: T\nscenario: [a, b]\nsteps:\n  - say: hi\n";
  CHECK(load_errors(list).find(at(list, 2, "[a, b]") + ": error: scenario is a list") == 0);
}

TEST_CASE("errors inside an inline scenario point into the lesson file", "[lessons][loader]") {
  std::string scenario = small_scenario;
  scenario.replace(scenario.find("latency: 20ms"), 13, "latency: fast");
  const std::string text = "title: T\n" + scenario + "steps:\n  - say: hi\n";
  const std::string errors = load_errors(text);
  INFO(errors);
  CHECK(errors.find(at(text, 10, "fast") + ": error: bad link latency") == 0);
}

TEST_CASE("every error in a file is reported in one load", "[lessons][loader]") {
  const std::string text =
      "title: T\n"
      "scenario: nowhere.yaml\n"
      "steps:\n"
      "  - say: hi\n"
      "    run_until: 5 parsecs\n"
      "  - shw: x\n"
      "    quiz: {question: 'Q?', choices: [x, y], answer: c}\n";
  scenarios::Diagnostics diagnostics;
  CHECK_FALSE(load_lesson_from_string(text, "test.yaml", diagnostics));
  INFO(diagnostics.to_string());
  CHECK(diagnostics.count() == 5);  // scenario path, duration, unknown key, missing say, answer range
}

TEST_CASE("the lesson's own shape is checked", "[lessons][loader]") {
  CHECK(load_errors("just text").find("test.yaml:1:1: error: the lesson is 'just text'") == 0);
  CHECK(load_errors("title: [unclosed\n").find("test.yaml:") == 0);
  CHECK(load_errors("title: [unclosed\n").find("YAML syntax error") != std::string::npos);
  const std::string no_steps = "title: T\n" + small_scenario;
  CHECK(load_errors(no_steps).find("test.yaml:1:1: error: the lesson has no 'steps'") == 0);
  const std::string empty = "title: T\n" + small_scenario + "steps: []\n";
  CHECK(load_errors(empty).find(at(empty, 16, "[]") + ": error: steps is an empty list") == 0);
  scenarios::Diagnostics diagnostics;
  CHECK_FALSE(load_lesson("/nonexistent/lesson.yaml", diagnostics));
  CHECK(diagnostics.to_string() == "/nonexistent/lesson.yaml: error: cannot open the file; expected a readable lesson file\n");
}
