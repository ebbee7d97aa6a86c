// LessonSession, the lesson panel's model without the drawing: which step, question and feedback
// the panel shows after N steps with given answers, and Back / Restart replaying a fresh run.
#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "lessons/answers_file.h"
#include "lessons/lesson_loader.h"
#include "lessons/lesson_session.h"

using namespace maillab;
using lessons::LessonSession;
using Phase = lessons::LessonRun::Phase;

namespace {

const char* lesson_file = "lessons/01-dns-lookup.yaml";  // tests run from the source tree

std::vector<std::string> shipped_answers() {
  std::ifstream in("tests/lessons/answers/01-dns-lookup.txt");
  std::vector<std::string> out;
  for (const auto& line : lessons::read_answer_lines(in)) out.push_back(line.text);
  return out;
}

std::unique_ptr<LessonSession> start_session(std::vector<std::string> answers, bool rewindable = false) {
  scenarios::Diagnostics diagnostics;
  auto lesson = lessons::load_lesson(lesson_file, diagnostics);
  REQUIRE(lesson);
  LessonSession::RunFactory fresh;
  if (rewindable) {
    fresh = [copy = *lesson] {
      scenarios::Diagnostics ignored;
      return lessons::LessonRun::start(copy, ignored);
    };
  }
  auto run = lessons::LessonRun::start(std::move(*lesson), diagnostics);
  REQUIRE(run);
  return std::make_unique<LessonSession>(std::move(run), std::move(answers), std::move(fresh));
}

// What a student sees of the world and the lesson at this point.
struct Snapshot {
  std::string label;
  Phase phase;
  engine::Time now;
  std::size_t records;
  std::uint64_t fingerprint;
  std::size_t score;
  std::size_t answers;
};
Snapshot snapshot(LessonSession& session) {
  auto& run = session.run();
  return {session.step_label(), run.phase(), run.now(), run.world().simulator.trace().records().size(),
          run.world().simulator.trace().fingerprint(), run.score(), run.answers().size()};
}

}  // namespace

TEST_CASE("lesson session: before the first step the panel shows the introduction", "[lessons][lesson][session]") {
  auto session = start_session({});
  CHECK(session->step_label() == "Introduction");
  CHECK(session->run().phase() == Phase::not_started);
  CHECK(session->run().now() == 0);
  CHECK_FALSE(session->feedback());
  CHECK_FALSE(session->focus_record());  // nothing has run: nothing to point the canvas at
  CHECK(session->displayed_records().empty());
  CHECK_FALSE(session->submit("1"));  // no question yet
  CHECK(session->next_step());
  CHECK(session->step_label() == "Step 1/6: " + session->run().current_step()->title);
}

TEST_CASE("lesson session: without answers, step 1 waits on its prediction and time does not move",
          "[lessons][lesson][session]") {
  auto session = start_session({});
  session->advance_steps(1);
  CHECK(session->step_label().rfind("Step 1/6", 0) == 0);
  REQUIRE(session->run().pending_question());
  CHECK(session->run().pending_is_prediction());
  CHECK(session->run().now() == 0);  // a prediction comes before the run
  CHECK_FALSE(session->next_step());  // Next step is refused while a question waits

  SECTION("an answer that is no answer changes nothing and says why") {
    CHECK_FALSE(session->submit(""));
    CHECK_FALSE(session->problem().empty());
    CHECK(session->run().pending_is_prediction());
    CHECK(session->run().now() == 0);
    CHECK(session->run().answers().empty());
    CHECK_FALSE(session->feedback());
    // The next valid answer clears the complaint.
    REQUIRE(session->submit("three"));
    CHECK(session->problem().empty());
  }
  SECTION("skip gives up on the prediction: scored wrong, the right answer shown, the step runs") {
    session->skip();
    REQUIRE(session->feedback());
    CHECK(session->feedback()->skipped);
    CHECK(session->feedback()->prediction);
    CHECK_FALSE(session->feedback()->correct);
    CHECK(session->feedback()->right_answer == "3");
    CHECK(session->run().now() > 0);
    CHECK(session->run().score() == 0);
    REQUIRE(session->run().answers().size() == 1);
    CHECK(session->run().answers()[0].skipped);
  }
  SECTION("a right prediction runs the step and the feedback says right") {
    REQUIRE(session->submit("three"));
    REQUIRE(session->feedback());
    CHECK(session->feedback()->prediction);
    CHECK(session->feedback()->correct);
    CHECK(session->run().now() > 0);
    CHECK(session->run().score() == 1);
    CHECK(session->focus_record());  // the step stopped somewhere the canvas can point at
    bool earlier = true;
    CHECK_FALSE(session->displayed_records(&earlier).empty());  // step 1's show:
    CHECK_FALSE(earlier);
  }
  SECTION("a wrong prediction gives the right answer") {
    REQUIRE(session->submit("7"));
    REQUIRE(session->feedback());
    CHECK_FALSE(session->feedback()->correct);
    CHECK(session->feedback()->right_answer == "3");
    CHECK(session->run().score() == 0);
  }
}

TEST_CASE("lesson session: two steps with the shipped answers", "[lessons][lesson][session]") {
  auto session = start_session(shipped_answers());
  session->advance_steps(2);
  CHECK(session->step_label().rfind("Step 2/6", 0) == 0);
  CHECK_FALSE(session->run().pending_question());
  CHECK(session->run().phase() == Phase::ready);
  REQUIRE(session->feedback());
  CHECK_FALSE(session->feedback()->prediction);  // step 2's quiz was the last question answered
  CHECK(session->feedback()->correct);
  CHECK(session->run().score() == 2);
  CHECK(session->scripted_left() == 3);
  // Step 2 neither runs nor shows; its narration talks about the lines step 1 showed.
  bool earlier = false;
  const auto listed = session->displayed_records(&earlier);
  CHECK(earlier);
  CHECK_FALSE(listed.empty());
  const auto& records = session->run().world().simulator.trace().records();
  for (auto index : listed) CHECK(index < records.size());
}

TEST_CASE("lesson session: two steps without answers skip step 1's prediction and wait on step 2's quiz",
          "[lessons][lesson][session]") {
  auto session = start_session({});
  session->advance_steps(2);
  CHECK(session->step_label().rfind("Step 2/6", 0) == 0);
  const lessons::Quiz* quiz = session->run().pending_question();
  REQUIRE(quiz);
  CHECK_FALSE(session->run().pending_is_prediction());
  CHECK(quiz->multiple_choice());
  CHECK(session->run().score() == 0);
  REQUIRE(session->run().answers().size() == 1);
  CHECK(session->run().answers()[0].skipped);
}

TEST_CASE("lesson session: all the way with the shipped answers ends with full marks", "[lessons][lesson][session]") {
  auto session = start_session(shipped_answers());
  session->advance_steps(100);
  CHECK(session->run().finished());
  CHECK(session->step_label() == "Finished");
  CHECK(session->run().score() == session->run().max_score());
  CHECK(session->run().max_score() == 5);
}

TEST_CASE("lesson session: Back returns to the start of the previous step exactly as it was", "[lessons][lesson][session]") {
  auto session = start_session({}, true);
  const auto answers = shipped_answers();
  // Step 1: prediction (answered), step 2: quiz (answered), step 3 entered.
  session->next_step();
  REQUIRE(session->submit(answers[0]));
  session->next_step();
  const Snapshot entering_step_2 = snapshot(*session);
  REQUIRE(session->run().pending_question());
  REQUIRE(session->submit(answers[1]));
  CHECK(session->run().score() == 2);
  session->next_step();
  CHECK(session->step_label().rfind("Step 3/6", 0) == 0);

  REQUIRE(session->can_go_back());
  REQUIRE(session->back());
  const Snapshot after_back = snapshot(*session);
  CHECK(after_back.label == entering_step_2.label);
  CHECK(after_back.phase == Phase::quiz);  // its question waits again
  CHECK(after_back.now == entering_step_2.now);
  CHECK(after_back.records == entering_step_2.records);
  CHECK(after_back.fingerprint == entering_step_2.fingerprint);  // the same world, event for event
  CHECK(after_back.score == 1);    // step 1's prediction is kept, step 2's answer forgotten
  CHECK(after_back.answers == 1);
  CHECK_FALSE(session->feedback());

  // Answering again and going on works as the first time.
  REQUIRE(session->submit(answers[1]));
  CHECK(session->run().score() == 2);
  CHECK(session->next_step());

  SECTION("back from step 1 is the introduction, at time zero") {
    REQUIRE(session->back());  // step 2
    REQUIRE(session->back());  // step 1, its prediction waiting again (nothing has run)
    CHECK(session->step_label().rfind("Step 1/6", 0) == 0);
    CHECK(session->run().pending_is_prediction());
    CHECK(session->run().now() == 0);
    REQUIRE(session->back());
    CHECK(session->step_label() == "Introduction");
    CHECK_FALSE(session->can_go_back());
    CHECK_FALSE(session->back());
  }
  SECTION("restart forgets everything") {
    REQUIRE(session->restart());
    CHECK(session->step_label() == "Introduction");
    CHECK(session->run().now() == 0);
    CHECK(session->run().answers().empty());
  }
}

TEST_CASE("lesson session: Back from the end shows the last step again", "[lessons][lesson][session]") {
  auto session = start_session(shipped_answers(), true);
  session->advance_steps(100);
  REQUIRE(session->run().finished());
  const std::size_t last = session->run().step_count();
  REQUIRE(session->back());
  CHECK(session->step_label().rfind("Step " + std::to_string(last) + "/", 0) == 0);
  CHECK_FALSE(session->run().finished());
  CHECK(session->run().step_index() == last - 1);
  CHECK(session->run().score() + 1 >= session->run().max_score());  // only the last step's answer, if any, is gone
}

TEST_CASE("lesson session: without a way to make a fresh run there is no Back", "[lessons][lesson][session]") {
  auto session = start_session({});
  session->advance_steps(1);
  CHECK_FALSE(session->can_go_back());
  CHECK_FALSE(session->back());
  CHECK_FALSE(session->restart());
  CHECK(session->step_label().rfind("Step 1/6", 0) == 0);
}
