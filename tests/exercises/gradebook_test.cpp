// The gradebook: result files of several students and activities merged into one CSV and a
// summary; result files written and read back; broken ones refused with their place.
#include <catch2/catch.hpp>

#include <sstream>

#include "exercises/gradebook.h"
#include "lessons/result_file.h"

using namespace maillab;
using namespace maillab::exercises;

namespace {

lessons::ResultItem item(const std::string& id, const std::string& answer, bool right, double points = -1) {
  lessons::ResultItem one;
  one.id = id;
  one.text = "question " + id;
  one.answer = answer;
  one.right = right;
  one.attempts = 1;
  one.points = points >= 0 ? points : (right ? 1 : 0);
  return one;
}

lessons::Result result(const std::string& student, const std::string& activity, std::vector<lessons::ResultItem> items,
                       const std::string& finished = "2026-12-06T10:00:00Z") {
  lessons::Result one;
  one.kind = activity == "missing-mx" ? "exercise" : "lesson";
  one.student = student;
  one.activity = activity;
  one.started = "2026-12-06T09:50:00Z";
  one.finished = finished;
  for (auto& each : items) {
    one.score += each.points;
    one.max_score += each.max_points;
  }
  one.items = std::move(items);
  return one;
}

// Through the JSON files, as `maillab grade` reads them.
lessons::Result round_trip(const lessons::Result& original) {
  std::ostringstream json;
  lessons::write_result_json(original, json);
  std::string error;
  auto back = lessons::read_result_json(json.str(), "r.json", error);
  INFO(error << json.str());
  REQUIRE(back);
  return *back;
}

}  // namespace

TEST_CASE("result files round-trip, awkward text included", "[exercises][gradebook]") {
  auto original = result("s\u00e9b", "02-smtp-journey", {item("s1.predict", "say \"587\",\nthen\ttab \x01", false)});
  original.hints_used = 2;
  original.hint_penalty = 0.25;
  const auto back = round_trip(original);
  CHECK(back.student == "s\u00e9b");
  CHECK(back.items.at(0).answer == "say \"587\",\nthen\ttab \x01");
  CHECK(back.hints_used == 2);
  CHECK(back.hint_penalty == 0.25);
  CHECK(back.finished == "2026-12-06T10:00:00Z");
}

TEST_CASE("a gradebook merges students and activities into one CSV row per student", "[exercises][gradebook]") {
  std::vector<lessons::Result> results = {
      round_trip(result("s2", "02-smtp-journey", {item("s1.predict", "587", true), item("s1.quiz", "b", false)})),
      round_trip(result("s1", "02-smtp-journey", {item("s1.predict", "25", false), item("s1.quiz", "c", true)})),
      round_trip(result("s1", "missing-mx", {item("mx-record", "seen: NOERROR, no records", false), item("delivered", "ok", true)})),
      // s3's first try, then a later, better one: the later counts.
      round_trip(result("s3", "02-smtp-journey", {item("s1.predict", "25", false), item("s1.quiz", "a", false)}, "2026-12-06T10:00:00Z")),
      round_trip(result("s3", "02-smtp-journey", {item("s1.predict", "587", true), item("s1.quiz", "b, then c", true, 0.5)}, "2026-12-06T11:00:00Z")),
  };
  const auto book = merge_results(results);
  std::ostringstream csv;
  write_gradebook_csv(book, csv);
  CHECK(csv.str() ==
        "student,02-smtp-journey:s1.predict,02-smtp-journey:s1.quiz,02-smtp-journey:percent,missing-mx:mx-record,"
        "missing-mx:delivered,missing-mx:percent\r\n"
        "s1,0,1,50,0,1,50\r\n"
        "s2,1,0,50,,,\r\n"
        "s3,1,0.5,75,,,\r\n");
  std::ostringstream summary;
  write_gradebook_summary(book, summary);
  INFO(summary.str());
  CHECK(summary.str().find("gradebook: 3 students, 4 results") != std::string::npos);
  CHECK(summary.str().find("02-smtp-journey:s1.predict: 2/3 right (66.67%); most common wrong answer: \"25\" (1)") !=
        std::string::npos);
  CHECK(summary.str().find("02-smtp-journey:s1.quiz: 2/3 right") != std::string::npos);
  CHECK(summary.str().find("missing-mx:mx-record: 0/1 right (0%); most common wrong answer: \"seen: NOERROR, no records\"") !=
        std::string::npos);
  CHECK(summary.str().find("02-smtp-journey: mean 58.33% over 3 students") != std::string::npos);
}

TEST_CASE("mixed versions are warned about, CSV fields are quoted when they need it", "[exercises][gradebook]") {
  auto one = result("s1", "lesson-a", {item("q", "x", true)});
  auto two = result("s2", "lesson-a", {item("q", "y", false)});
  two.version = 2;
  const auto book = merge_results({one, two});
  REQUIRE(book.warnings.size() == 1);
  CHECK(book.warnings[0] == "results for lesson-a come from versions 1 and 2 (questions may differ)");
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
}

TEST_CASE("files that are not result files are refused with their place", "[exercises][gradebook]") {
  std::string error;
  CHECK_FALSE(lessons::read_result_json("{\"maillab_result\": 1, \"kind\": \"lesson\"", "bad.json", error));
  CHECK(error.rfind("bad.json:1:", 0) == 0);
  CHECK_FALSE(lessons::read_result_json("{\"score\": 3}", "other.json", error));
  CHECK(error == "other.json: error: not a maillab result file (no \"maillab_result\" key; write one with --result)");
  CHECK_FALSE(lessons::read_result_json("{\"maillab_result\": 1, \"kind\": \"lesson\", \"student\": \"s\", \"activity\": \"a\", "
                                        "\"version\": \"one\", \"items\": [], \"score\": 1, \"max_score\": 1}",
                                        "typed.json", error));
  CHECK(error.find("typed.json:") == 0);
  CHECK(error.find("a key is missing or has the wrong type") != std::string::npos);
}
