// Lesson 11 (lessons/11-troubleshooting.yaml), built on the exercise wrong-a-record: the facts
// its questions and explanations quote, checked against its own run; and, for a student id,
// that the lesson runs the very world `maillab exercise start` gives that student.
#include <catch2/catch.hpp>

#include "exercises/exercise.h"
#include "tests/support/lesson_walk.h"
#include "lessons/lesson_loader.h"

using namespace maillab::lessons;
using namespace maillab::lessons::testing;
using maillab::engine::TraceKind;
namespace exercises = maillab::exercises;
namespace scenarios = maillab::scenarios;
namespace engine = maillab::engine;

TEST_CASE("lesson 11: the trail its questions follow is in the trace", "[lessons][files][troubleshooting]") {
  const std::string server = "mail.example.com";
  std::string errors;
  auto run = start_shipped_lesson("11-troubleshooting", errors);
  REQUIRE((run && errors.empty()));
  // Step 1: alice's program reports 'submitted' after mail.example.com accepted and queued Q1.
  REQUIRE(next_step(*run));
  CHECK(select(window(*run), TraceKind::mail, "alice-laptop", server, "submitted:").size() == 1);
  CHECK(select(window(*run), TraceKind::mail, server, "alice-laptop", "queued as Q1").size() == 1);
  // Step 2: the MX answer, the connection to the typo'd address (author's variant: 10.0.2.120),
  // unreachable, and a deferral with the next retry 300 s later; no bounce.
  REQUIRE(next_step(*run));
  auto records = window(*run);
  CHECK(select(records, TraceKind::mail, server, "", "MX for example.org: 10 mx.example.org [10.0.2.120]").size() == 1);
  CHECK(select(records, TraceKind::mail, server, "10.0.2.120", "connecting to mx.example.org [10.0.2.120]:25").size() == 1);
  CHECK(select(records, TraceKind::mail, server, "", "deferred: queue entry Q1").size() == 1);
  CHECK(select(records, TraceKind::mail, server, "", "(in 300 s)").size() == 1);
  // Steps 3 and 4 (same window): the A record came from the resolver's cache, 299 s of TTL left.
  const auto cached = select(records, TraceKind::cache, "resolver.example.com", "", "cache hit A mx.example.org");
  REQUIRE(cached.size() == 1);
  CHECK(contains(cached[0].summary, "(TTL 299 left)"));
  REQUIRE(next_step(*run));
  REQUIRE(next_step(*run));
  // Step 5: to 60 s nothing more happens to the message: no bounce, no second attempt.
  REQUIRE(next_step(*run));
  CHECK(select(window(*run), TraceKind::mail, server, "", "").empty());
  CHECK(run->now() == engine::seconds(60));
}

TEST_CASE("lesson 11: a student's lesson runs the world of that student's exercise", "[lessons][troubleshooting][variants]") {
  for (const std::string student : {"s17", "s18", "ana.lopez"}) {
    scenarios::Diagnostics diagnostics;
    auto lesson = load_lesson(source_dir() + "/lessons/11-troubleshooting.yaml", diagnostics, student);
    auto exercise = exercises::load_exercise(source_dir() + "/exercises/wrong-a-record.yaml", student, diagnostics);
    INFO(diagnostics.to_string());
    REQUIRE(lesson);
    REQUIRE(exercise);
    CHECK(lesson->exercise_path.find("exercises/wrong-a-record.yaml") != std::string::npos);
    for (const auto& [name, value] : exercise->variables) CHECK(lesson->variables.at(name) == value);
    // The typo'd address this student's exercise ships is the one the lesson's world connects to.
    auto run = LessonRun::start(std::move(*lesson), diagnostics);
    REQUIRE(run);
    REQUIRE(next_step(*run));
    REQUIRE(next_step(*run));
    const std::string typo = "10.0.2." + exercise->variables.at("typo");
    CHECK(select(window(*run), TraceKind::mail, "mail.example.com", typo, "connecting to mx.example.org [" + typo + "]").size() == 1);
  }
}

TEST_CASE("a lesson built on an exercise: its variables must be the exercise's, a missing exercise is located",
          "[lessons][troubleshooting][loader]") {
  const std::string exercise = source_dir() + "/exercises/wrong-a-record.yaml";
  auto load = [&](const std::string& variables, const std::string& path, scenarios::Diagnostics& diagnostics) {
    const std::string text = "title: t\n" + variables + "scenario: {exercise: " + path +
                             "}\nsteps:\n  - say: hello\n    run_until: end\n";
    return load_lesson_from_string(text, "lesson.yaml", diagnostics, scenarios::builtin_registry(), "s17");
  };
  scenarios::Diagnostics ok;
  CHECK(load("", exercise, ok));
  INFO(ok.to_string());
  scenarios::Diagnostics different;
  CHECK_FALSE(load("variables:\n  typo: {from: 1, to: 9}\n", exercise, different));
  CHECK(contains(different.to_string(), "lesson.yaml:4:"));
  CHECK(contains(different.to_string(), "the lesson's variable 'typo'"));
  scenarios::Diagnostics missing;
  CHECK_FALSE(load("", source_dir() + "/exercises/no-such.yaml", missing));
  CHECK(contains(missing.to_string(), "lesson.yaml:2:"));
  CHECK(contains(missing.to_string(), "not found"));
}
