// Exercises: every shipped one fails its goals as given to a student and passes with the
// reference repair under tests/exercises/fixed/; per-student variants are graded as their own;
// a repair that looks right but behaves wrong (SPF +all) fails; errors point at their place.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "exercises/exercise.h"
#include "exercises/exercise_command.h"
#include "exercises/grader.h"
#include "exercises/work_file.h"
#include "lessons/result_file.h"
#include "maillab/source_dir.h"

using namespace maillab;
using namespace maillab::exercises;

namespace {

const std::string source = MAILLAB_SOURCE_DIR;
// Every exercises/*.yaml, so a new exercise is tested (and must come with its repair) at once.
std::vector<std::string> shipped_exercises() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(source + "/exercises"))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

struct Folder {
  std::filesystem::path path;
  Folder() {
    path = std::filesystem::temp_directory_path() /
           ("maillab-exercise-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~Folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

struct Outcome {
  int status;
  std::string out, err;
};

Outcome start(const std::string& exercise, const std::string& student, const std::string& out_path) {
  StartOptions options;
  options.exercise_path = source + "/exercises/" + exercise + ".yaml";
  options.student = student;
  options.out_path = out_path;
  std::ostringstream out, err;
  const int status = start_exercise(options, out, err);
  return {status, out.str(), err.str()};
}

Outcome check(const std::string& work, const std::optional<std::string>& result = std::nullopt) {
  CheckOptions options;
  options.work_path = work;
  options.result_path = result;
  std::ostringstream out, err;
  const int status = check_work(options, out, err);
  return {status, out.str(), err.str()};
}

// Replaces the one line of `text` that contains `find` with `replace_with`.
std::string replace_line(const std::string& text, const std::string& find, const std::string& replace_with) {
  const auto at = text.find(find);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(find, at + 1) == std::string::npos);
  const auto begin = text.rfind('\n', at) + 1;
  const auto end = text.find('\n', at);
  return text.substr(0, begin) + replace_with + text.substr(end);
}

}  // namespace

TEST_CASE("every shipped exercise: the broken start fails its goals, the reference repair meets them",
          "[exercises][shipped]") {
  Folder folder;
  const auto shipped = shipped_exercises();
  CHECK(shipped.size() >= 4);
  for (const auto& name : shipped) {
    INFO(name);
    const std::string work = folder.file(name + ".yaml");
    const Outcome started = start(name, "teacher", work);
    INFO(started.out << started.err);
    REQUIRE(started.status == 0);
    const Outcome broken = check(work);
    INFO(broken.out << broken.err);
    CHECK(broken.status == 1);
    CHECK(broken.out.find("\u2717 ") != std::string::npos);  // an unmet goal, named
    CHECK(broken.out.find("where to look: ") != std::string::npos);
    CHECK(broken.out.find("% complete") != std::string::npos);
    CHECK(broken.out.find("100% complete") == std::string::npos);
    const Outcome fixed = check(source + "/tests/exercises/fixed/" + name + ".yaml");
    INFO(fixed.out << fixed.err);
    CHECK(fixed.status == 0);
    CHECK(fixed.out.find("\u2717") == std::string::npos);
    CHECK(fixed.out.find("100% complete") != std::string::npos);
  }
}

TEST_CASE("a broken start names exactly the goals that are not met", "[exercises]") {
  Folder folder;
  const std::string work = folder.file("w.yaml");
  REQUIRE(start("spf-omits-server", "teacher", work).status == 0);
  const Outcome broken = check(work);
  INFO(broken.out << broken.err);
  CHECK(broken.out.find("\u2717 delivered: ") != std::string::npos);
  CHECK(broken.out.find("\u2717 spf-pass: ") != std::string::npos);
  CHECK(broken.out.find("\u2713 forger-refused: ") != std::string::npos);  // not broken: the forger is refused
  CHECK(broken.out.find("1 of 3 goals met: 33.3% complete") != std::string::npos);
}

TEST_CASE("graded by behaviour: an SPF record that lets everyone through does not pass", "[exercises]") {
  Folder folder;
  const std::string work = folder.file("w.yaml");
  REQUIRE(start("spf-omits-server", "teacher", work).status == 0);
  write(work, replace_line(read(work), "spf: \"v=spf1", "        spf: \"v=spf1 +all\""));
  const Outcome outcome = check(work);
  INFO(outcome.out << outcome.err);
  CHECK(outcome.status == 1);
  CHECK(outcome.out.find("\u2713 delivered: ") != std::string::npos);
  CHECK(outcome.out.find("\u2717 forger-refused: ") != std::string::npos);
  // Turning the listener off does not close an open relay either: the stranger must be refused.
  REQUIRE(start("open-relay", "teacher", work + ".relay").status == 0);
  write(work + ".relay", replace_line(read(work + ".relay"), "relay_domains:", "        relay: false"));
  const Outcome closed = check(work + ".relay");
  INFO(closed.out << closed.err);
  CHECK(closed.status == 1);
  CHECK(closed.out.find("\u2717 stranger-refused: ") != std::string::npos);
  CHECK(closed.out.find("\u2717 partner-mail: ") != std::string::npos);
}

TEST_CASE("three students get different variants, and each is graded as their own", "[exercises][variants]") {
  Folder folder;
  std::set<std::string> records;
  std::vector<std::pair<std::string, std::string>> repairs;  // work file, the MX line its student needs
  for (const std::string student : {"ana", "bo", "cy"}) {
    const std::string work = folder.file(student + ".yaml");
    REQUIRE(start("missing-mx", student, work).status == 0);
    scenarios::Diagnostics diagnostics;
    auto exercise = load_exercise(source + "/exercises/missing-mx.yaml", student, diagnostics);
    REQUIRE(exercise);
    const auto& values = exercise->variables;
    const std::string record = "@ " + values.at("ttl") + " IN MX " + values.at("pref") + " " + values.at("mx_host");
    records.insert(record + " " + values.at("user"));
    repairs.emplace_back(work, record);
    CHECK(read(work).find("student: \"" + student + "\"") != std::string::npos);
    CHECK(read(work).find(values.at("mx_host") + ".example.org") != std::string::npos);
  }
  CHECK(records.size() == 3);
  for (std::size_t i = 0; i < repairs.size(); ++i) {
    const auto& [work, record] = repairs[i];
    const std::string text = read(work);
    const std::string records = "            records:\n";
    REQUIRE(text.find(records) != std::string::npos);
    const auto check_with = [&](const std::string& line) {  // the zone's records with `line` added
      std::string repaired = text;
      repaired.insert(text.find(records) + records.size(), "              - \"" + line + "\"\n");
      write(work, repaired);
      return check(work);
    };
    // The student's own record: every goal met.
    const Outcome right = check_with(record);
    INFO(right.out << right.err);
    CHECK(right.status == 0);
    // A neighbour's record (another TTL and preference; the host may differ too): the MX goal fails.
    const Outcome wrong = check_with(repairs[(i + 1) % repairs.size()].second);
    INFO(wrong.out << wrong.err);
    CHECK(wrong.status == 1);
    CHECK(wrong.out.find("\u2717 mx-record: ") != std::string::npos);
  }
}

TEST_CASE("hints are revealed one at a time and cost points in the result", "[exercises][gradebook]") {
  Folder folder;
  const std::string work = folder.file("w.yaml");
  REQUIRE(start("missing-mx", "teacher", work).status == 0);
  std::ostringstream out, err;
  REQUIRE(reveal_hint(work, std::nullopt, out, err) == 0);
  CHECK(out.str().find("Hint 1/2 (costs 10% of the score)") != std::string::npos);
  CHECK(out.str().find("Hint 2/2") == std::string::npos);
  CHECK(read(work).find("hints: 1}") != std::string::npos);
  std::ostringstream second, ignored;
  REQUIRE(reveal_hint(work, std::nullopt, second, ignored) == 0);
  CHECK(second.str().find("Hint 1/2") != std::string::npos);  // the ones before are shown again
  CHECK(second.str().find("Hint 2/2 (costs 25% of the score)") != std::string::npos);
  CHECK(second.str().find("(that was the last hint)") != std::string::npos);
  REQUIRE(reveal_hint(work, std::nullopt, second, ignored) == 0);
  CHECK(read(work).find("hints: 2}") != std::string::npos);  // no third one to count
  // The reference repair, with one hint used.
  std::string fixed = read(source + "/tests/exercises/fixed/missing-mx.yaml");
  REQUIRE(fixed.find("hints: 0}") != std::string::npos);
  fixed.replace(fixed.find("hints: 0}"), 9, "hints: 1}");
  write(work, fixed);
  CheckOptions options;
  options.work_path = work;
  options.exercise_path = source + "/exercises/missing-mx.yaml";  // the copy moved away from tests/
  options.result_path = folder.file("r.json");
  std::ostringstream check_out, check_err;
  const Outcome fixed_copy{check_work(options, check_out, check_err), check_out.str(), check_err.str()};
  INFO(fixed_copy.out << fixed_copy.err);
  CHECK(fixed_copy.status == 0);  // complete, whatever the hints
  CHECK(fixed_copy.out.find("100% complete (1 hint used: score 90%)") != std::string::npos);
  std::string problem;
  auto result = lessons::read_result_file(folder.file("r.json"), problem);
  INFO(problem);
  REQUIRE(result);
  CHECK(result->kind == "exercise");
  CHECK(result->activity == "missing-mx");
  CHECK(result->student == "teacher");
  CHECK(result->hints_used == 1);
  CHECK(result->score == Approx(2.7));
  CHECK(result->max_score == 3);
  REQUIRE(result->items.size() == 3);
  CHECK(result->items[0].id == "mx-record");
  CHECK(result->items[0].right);
}

TEST_CASE("errors in a work file point into it, a probe that cannot apply points at the exercise", "[exercises][errors]") {
  Folder folder;
  const std::string work = folder.file("w.yaml");
  REQUIRE(start("open-relay", "teacher", work).status == 0);
  const std::string text = read(work);
  // A typo in the student's edit.
  write(work, replace_line(text, "relay_domains:", "        relay_domian: [partner.net]"));
  Outcome typo = check(work, folder.file("r.json"));
  INFO(typo.out << typo.err);
  CHECK(typo.status == 2);
  std::smatch match;
  CHECK(std::regex_search(typo.err, match, std::regex(std::regex_replace(work, std::regex("[.]"), "[.]") +
                                                      ":[0-9]+:9: error: unknown key 'relay_domian'")));
  // Still a gradebook row: nothing met.
  std::string problem;
  auto result = lessons::read_result_file(folder.file("r.json"), problem);
  REQUIRE(result);
  CHECK(result->score == 0);
  // The stranger removed: the grader's traffic from it cannot run.
  write(work, replace_line(text, "name: stranger", "    - {name: somebody, address: 203.0.113.66, role: client}"));
  Outcome removed = check(work);
  INFO(removed.out << removed.err);
  CHECK(removed.status == 2);
  CHECK(removed.err.find("exercises/open-relay.yaml:") != std::string::npos);
  CHECK(removed.err.find("the exercise's probe 1 (traffic the grader sends) cannot apply to this world") != std::string::npos);
  // Not a work file at all.
  write(work, "hosts: []\n");
  Outcome wrong = check(work);
  CHECK(wrong.status == 2);
  CHECK(wrong.err.find("w.yaml:1:1: error: the work file has no 'exercise'") != std::string::npos);
}

TEST_CASE("exercise files are validated with located errors", "[exercises][errors]") {
  const std::string exercise = read(source + "/exercises/missing-mx.yaml");
  auto errors = [](const std::string& text) {
    scenarios::Diagnostics diagnostics;
    auto loaded = load_exercise_from_string(text, "ex.yaml", "", diagnostics);
    return loaded ? std::string() : diagnostics.to_string();
  };
  CHECK(errors(exercise).empty());
  // A goal about a host the world does not have.
  std::string bad_goal = exercise;
  bad_goal.replace(bad_goal.find("{dns_answer: {from: alice-laptop"), 32, "{dns_answer: {from: alice-laptob");
  CHECK(errors(bad_goal).find("goal 'mx-record' cannot apply to this world") != std::string::npos);
  INFO(errors(bad_goal));
  CHECK(errors(bad_goal).find("ex.yaml:34:9: error:") != std::string::npos);
  // Traffic inside the world instead of under probes:.
  std::string with_events = exercise + "  events: []\n";
  CHECK(errors(with_events).find("the exercise's world has events:") != std::string::npos);
  // A variable that is not declared.
  std::string unknown = exercise;
  unknown.replace(unknown.find("{{user}}"), 8, "{{usr}}");
  CHECK(errors(unknown).find("{{usr}} names no variable (did you mean 'user'?)") != std::string::npos);
}
