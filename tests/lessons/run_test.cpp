// LessonRun: stepping, checkpoints, windows, questions and score, over a small scenario.
#include <catch2/catch.hpp>

#include "tests/support/lesson_driver.h"
#include "lessons/lesson_run.h"

using namespace maillab;
using namespace maillab::lessons;
using engine::TraceKind;

namespace {

const std::string steps_text =
    "steps:\n"
    "  - say: one\n"
    "    run_until: 1.5s\n"
    "    show: all\n"
    "  - say: two\n"
    "    predict: {question: 'How many hops from a to b?', accept: [\"2\", two]}\n"
    "    run_until: {kind: hop, node: r, peer: b}\n"
    "    show: {kind: hop}\n"
    "    quiz: {question: 'Which?', choices: [x, y, z], answer: c, explain: because}\n"
    "  - say: three (no run, another look)\n"
    "    show: {kind: hop, node: a}\n"
    "  - say: four\n"
    "    run_until: {kind: hop, node: r, peer: b, count: 2}\n"
    "  - say: five\n"
    "    run_until: {kind: fault, within: 1s}\n"
    "  - say: six\n"
    "    run_until: end\n"
    "    quiz: {question: 'Free?', accept: [\"3\"]}\n";

std::unique_ptr<LessonRun> start(const std::string& steps = steps_text) {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string("title: T\n" + testing::small_scenario + steps, "run.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  auto run = LessonRun::start(std::move(*lesson), diagnostics);
  REQUIRE(run);
  return run;
}

const std::vector<engine::TraceRecord>& records(LessonRun& run) { return run.world().simulator.trace().records(); }

}  // namespace

TEST_CASE("a lesson steps through its scenario, checkpoints land on the first matching record", "[lessons][run]") {
  auto run = start();
  CHECK(run->phase() == LessonRun::Phase::not_started);
  CHECK_FALSE(run->step_index());
  CHECK(run->max_score() == 3);

  // Step 1: a time. The clock ends at 1.5 s and the window holds the scenario's 1 s note.
  REQUIRE(run->advance());
  CHECK(*run->step_index() == 0);
  CHECK(run->phase() == LessonRun::Phase::ready);
  CHECK(run->now() == engine::milliseconds(1500));
  auto shown = run->shown_records();
  REQUIRE(shown.size() == 1);
  CHECK(records(*run)[shown[0]].summary == "hello from the scenario");
  CHECK_FALSE(run->checkpoint());

  // Step 2: a prediction first; nothing has run yet.
  REQUIRE(run->advance());
  CHECK(run->phase() == LessonRun::Phase::predict);
  CHECK(run->pending_is_prediction());
  CHECK(run->pending_question()->question == "How many hops from a to b?");
  CHECK(run->question_number() == 1);
  CHECK(run->now() == engine::milliseconds(1500));
  CHECK(run->shown_records().empty());
  CHECK_FALSE(run->advance());  // a question is pending

  AnswerCheck predicted = run->answer(" Two ");
  CHECK(predicted.valid);
  CHECK(predicted.correct);
  // Answering the prediction ran the step to the checkpoint: the SYN leaving r for b, which
  // reached r after 10 ms of latency (unlimited bandwidth: no transmission time).
  const engine::TraceRecord* checkpoint = run->checkpoint();
  REQUIRE(checkpoint);
  CHECK(checkpoint->kind == TraceKind::hop);
  CHECK(checkpoint->node == "r");
  CHECK(checkpoint->peer == "b");
  CHECK(checkpoint->summary == "SYN");
  CHECK(checkpoint->time == engine::seconds(2) + engine::milliseconds(10));
  CHECK(checkpoint->arrive == engine::seconds(2) + engine::milliseconds(30));
  CHECK(run->now() == checkpoint->time);  // the clock stopped there
  CHECK(run->window_end() == checkpoint->sequence + 1);
  for (std::size_t i = run->window_begin(); i + 1 < run->window_end(); ++i) {
    const auto& r = records(*run)[i];
    CHECK_FALSE((r.kind == TraceKind::hop && r.node == "r" && r.peer == "b"));
  }
  shown = run->shown_records();
  REQUIRE(shown.size() == 2);  // a -> r, then r -> b
  CHECK(records(*run)[shown[0]].node == "a");
  CHECK(records(*run)[shown[1]].sequence == checkpoint->sequence);
  REQUIRE(run->current_prediction());
  CHECK(run->current_prediction()->correct);

  // The quiz after the run: an invalid answer changes nothing, a valid one moves on.
  CHECK(run->phase() == LessonRun::Phase::quiz);
  AnswerCheck invalid = run->answer("d");
  CHECK_FALSE(invalid.valid);
  CHECK(invalid.problem == "answer with a letter a-c or a number 1-3");
  CHECK(run->phase() == LessonRun::Phase::quiz);
  CHECK(run->answers().size() == 1);
  AnswerCheck right = run->answer("C");
  CHECK(right.valid);
  CHECK(right.correct);
  CHECK(run->phase() == LessonRun::Phase::ready);
  CHECK(run->score() == 2);

  // Step 3 runs nothing: same window and checkpoint, another filter.
  const std::size_t begin = run->window_begin(), end = run->window_end();
  const auto checkpoint_sequence = checkpoint->sequence;
  REQUIRE(run->advance());
  CHECK(run->window_begin() == begin);
  CHECK(run->window_end() == end);
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->sequence == checkpoint_sequence);
  shown = run->shown_records();
  REQUIRE(shown.size() == 1);
  CHECK(records(*run)[shown[0]].node == "a");

  // Step 4: the second r -> b hop after the previous checkpoint.
  REQUIRE(run->advance());
  REQUIRE(run->checkpoint());
  CHECK(run->window_begin() == end);
  int matches = 0;
  for (std::size_t i = run->window_begin(); i < run->window_end(); ++i) {
    const auto& r = records(*run)[i];
    if (r.kind == TraceKind::hop && r.node == "r" && r.peer == "b") ++matches;
  }
  CHECK(matches == 2);
  CHECK(run->checkpoint()->sequence + 1 == run->window_end());

  // Step 5: a checkpoint that never comes stops at `within` instead of hanging.
  const engine::Time before = run->now();
  REQUIRE(run->advance());
  CHECK_FALSE(run->checkpoint());
  CHECK(run->checkpoint_missed());
  CHECK(run->now() == before + engine::seconds(1));

  // Step 6: to the scenario's end; a free-text quiz answered wrong.
  REQUIRE(run->advance());
  CHECK_FALSE(run->checkpoint_missed());
  CHECK(run->now() == engine::seconds(10));
  AnswerCheck wrong = run->answer("4");
  CHECK(wrong.valid);
  CHECK_FALSE(wrong.correct);
  REQUIRE(run->advance());
  CHECK(run->finished());
  CHECK_FALSE(run->advance());
  CHECK(run->score() == 2);
  CHECK(run->max_score() == 3);
  CHECK(run->answers().size() == 3);
}

TEST_CASE("a checkpoint already recorded by the previous checkpoint's event is found without running", "[lessons][run]") {
  // "established" and the sender's "close" are recorded by the same event.
  auto run = start(
      "steps:\n"
      "  - say: connect\n"
      "    run_until: {kind: transport, node: a, summary_contains: established}\n"
      "  - say: close\n"
      "    run_until: {kind: transport, node: a, summary_contains: close}\n");
  REQUIRE(run->advance());
  REQUIRE(run->checkpoint());
  const engine::Time established_at = run->now();
  CHECK(run->checkpoint()->time == established_at);
  const auto established = run->checkpoint()->sequence;
  REQUIRE(run->advance());
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->summary == "close");
  CHECK(run->checkpoint()->sequence > established);
  CHECK(run->now() == established_at);
  CHECK(run->window_begin() == established + 1);
}

TEST_CASE("skipping scores zero, answers with nothing pending are refused", "[lessons][run]") {
  auto run = start();
  CHECK_FALSE(run->answer("a").valid);
  REQUIRE(run->advance());
  CHECK_FALSE(run->answer("a").valid);  // step 1 has no question
  REQUIRE(run->advance());
  run->skip_question();  // the prediction: the step still runs
  REQUIRE(run->checkpoint());
  CHECK(run->phase() == LessonRun::Phase::quiz);
  run->skip_question();
  CHECK(run->phase() == LessonRun::Phase::ready);
  CHECK(run->score() == 0);
  REQUIRE(run->answers().size() == 2);
  CHECK(run->answers()[0].skipped);
  CHECK(run->answers()[0].prediction);
  CHECK_FALSE(run->answers()[1].prediction);
}

TEST_CASE("two runs of the same lesson stop at the same records", "[lessons][run]") {
  auto first = start(), second = start();
  std::vector<std::uint64_t> a, b;
  for (auto* run : {first.get(), second.get()}) {
    auto& into = run == first.get() ? a : b;
    while (!run->finished()) {
      if (run->pending_question()) run->skip_question();
      else run->advance();
      into.push_back(run->window_end());
    }
  }
  CHECK(a == b);
  CHECK(first->world().simulator.trace().fingerprint() == second->world().simulator.trace().fingerprint());
}

TEST_CASE("a lesson seed overrides the scenario's", "[lessons][run]") {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string("title: T\nseed: 42\n" + testing::small_scenario + "steps:\n  - say: hi\n",
                                        "seed.yaml", diagnostics);
  REQUIRE(lesson);
  auto run = LessonRun::start(std::move(*lesson), diagnostics);
  REQUIRE(run);
  CHECK(run->world().simulator.seed() == 42);
}
