// Edit mode (viz/exercise_session.h, viz/panels/exercise_panel.h): a student repairs an
// exercise's world through fields, saves it, and the re-run turns goals from unmet to met. The
// model headless; then the real window under Xvfb: `maillab gui WORK.yaml --edit ... --rerun`.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <SFML/Graphics/Image.hpp>

#include "exercises/exercise_command.h"
#include "viz/panels/exercise_panel.h"
#include "viz/world_scene.h"
#include "gui_run.h"

using namespace maillab;
using viz::ExerciseSession;

namespace {

// A student's work file for an exercise, in a folder of its own (tests run from the source tree).
struct Work {
  std::filesystem::path folder;
  std::string path;
  Work(const std::string& exercise, const std::string& student) {
    folder = std::filesystem::temp_directory_path() /
             ("maillab-edit-mode-" + exercise + "-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(folder);
    path = (folder / "work.yaml").string();
    exercises::StartOptions options{"exercises/" + exercise + ".yaml", student, path, false};
    std::ostringstream out, err;
    REQUIRE(exercises::start_exercise(options, out, err) == 0);
  }
  ~Work() {
    std::error_code ignored;
    std::filesystem::remove_all(folder, ignored);
  }
  std::string text() const {
    std::ifstream in(path);
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }
};

std::unique_ptr<ExerciseSession> open_session(const std::string& path) {
  std::string problems;
  auto session = ExerciseSession::open(path, problems);
  INFO(problems);
  REQUIRE(session);
  return session;
}

const exercises::GoalOutcome& goal(const ExerciseSession& session, const std::string& id) {
  REQUIRE(session.grade());
  for (const auto& outcome : session.grade()->goals)
    if (outcome.goal->id == id) return outcome;
  FAIL("no goal " << id);
  throw 0;
}

// The MX record student s17's note asks for (missing-mx: host smtp, preference 25, TTL 3600).
const std::string s17_mx = "@ 3600 IN MX 25 smtp";

}  // namespace

TEST_CASE("edit mode: add the missing MX record, save, reload, re-run: the goals turn met", "[viz][exercise][editor]") {
  Work work("missing-mx", "s17");
  auto session = open_session(work.path);
  CHECK(session->runs() == 1);
  CHECK_FALSE(goal(*session, "mx-record").met);
  CHECK_FALSE(goal(*session, "delivered").met);
  CHECK(viz::goals_summary(*session) == "0 of 3 goals met: 0% complete");

  std::string error;
  REQUIRE(viz::apply_edit(*session, "ns1.example.org: zone example.org+=" + s17_mx, error));
  CHECK(session->dirty());
  CHECK(work.text().find(s17_mx) == std::string::npos);  // nothing written before Save
  REQUIRE(session->save_and_rerun());
  CHECK(session->runs() == 2);
  CHECK_FALSE(session->dirty());
  CHECK(goal(*session, "mx-record").met);
  CHECK(goal(*session, "delivered").met);
  CHECK(goal(*session, "no-bounce").met);
  CHECK(viz::goals_summary(*session) == "3 of 3 goals met: 100% complete");

  // On disk: the record, the header and its comments; `maillab exercise check` agrees.
  const std::string saved = work.text();
  CHECK(saved.find(s17_mx) != std::string::npos);
  CHECK(saved.rfind("# maillab exercise missing-mx: ", 0) == 0);
  CHECK(saved.find("exercise: {id: missing-mx, version: 1, student: \"s17\"") != std::string::npos);
  exercises::CheckOptions check;
  check.work_path = work.path;
  std::ostringstream out, err;
  CHECK(exercises::check_work(check, out, err) == 0);

  // Reopened from the saved file, as a student coming back to it would.
  auto reopened = open_session(work.path);
  CHECK(goal(*reopened, "delivered").met);
  const auto& fields = reopened->fields();
  const auto zone = std::find_if(fields.begin(), fields.end(),
                                 [](const auto& field) { return field.label == "ns1.example.org: zone example.org"; });
  REQUIRE(zone != fields.end());
  CHECK(zone->value.find(s17_mx) != std::string::npos);

  // The canvas replays the graded run: the grader's probe mail is in its trace once run.
  auto scene = reopened->make_scene();
  scene->simulator().run_until(scene->until());
  bool delivered = false;
  for (const auto& record : scene->simulator().trace().records())
    delivered = delivered || (record.kind == engine::TraceKind::mail && record.summary.find("delivered to mailbox") != std::string::npos);
  CHECK(delivered);
}

TEST_CASE("edit mode: a link brought up, an MTA's relay domains and TLS policy, a client's port", "[viz][exercise][editor]") {
  SECTION("cut-link: the firewall's link is up again after the edit") {
    Work work("cut-link", "s3");
    auto session = open_session(work.path);
    REQUIRE(session->grade());
    CHECK_FALSE(session->grade()->complete());
    const auto& fields = session->fields();
    std::size_t down = 0;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].kind != exercises::EditableField::Kind::link_up || fields[i].value != "false") continue;
      std::string error;
      REQUIRE(session->set(i, "true", error));
      ++down;
    }
    CHECK(down == 1);
    REQUIRE(session->save_and_rerun());
    CHECK(session->grade()->complete());
  }
  SECTION("full-mailbox: the quota field, set as the note says") {
    Work work("full-mailbox", "s3");
    auto session = open_session(work.path);
    CHECK_FALSE(goal(*session, "photos-delivered").met);
    std::string error;
    CHECK_FALSE(viz::apply_edit(*session, "mx.example.org: quota of=ten thousand", error));
    REQUIRE(viz::apply_edit(*session, "mx.example.org: quota of=10000", error));
    REQUIRE(session->save_and_rerun());
    CHECK(session->grade()->complete());
  }
  SECTION("open-relay: the outside domain leaves relay_domains, and the policy and port fields check their text") {
    Work work("open-relay", "s3");
    auto session = open_session(work.path);
    CHECK_FALSE(session->grade()->complete());
    std::string error;
    CHECK_FALSE(viz::apply_edit(*session, "outbound TLS=sometimes", error));
    CHECK(error.find("may, encrypt or verify") != std::string::npos);
    CHECK_FALSE(viz::apply_edit(*session, "no such field=1", error));
    CHECK(error.find("no field") != std::string::npos);
    CHECK(viz::apply_edit(*session, "outbound TLS=may", error));
  }
}

TEST_CASE("edit mode: a zone broken by an edit is not graded, and the panel says where the error is", "[viz][exercise][editor]") {
  Work work("missing-mx", "s17");
  auto session = open_session(work.path);
  std::string error;
  REQUIRE(viz::apply_edit(*session, "zone example.org=@ 3600 IN MX twenty-five smtp", error));
  REQUIRE(session->save_and_rerun());  // saved: the student's file, even when it is wrong
  CHECK_FALSE(session->grade());
  CHECK(session->world_errors().find(work.path + ":") != std::string::npos);
  CHECK(viz::goals_summary(*session) == "not graded: the world does not load");
  CHECK(session->make_scene()->topology().nodes.empty());
}

TEST_CASE("edit mode in the window: maillab gui WORK.yaml --edit --rerun turns the goals green", "[viz][exercise][editor][screenshot]") {
  const auto build = test::gui_build_directory();
  if (!build) return;
  Work work("missing-mx", "s17");
  // Pixels of the panel's "met" green in the right-hand column (the exercise panel).
  auto green_pixels = [](const std::string& png) {
    sf::Image image;
    REQUIRE(image.loadFromFile(png));
    std::size_t count = 0;
    for (unsigned y = 70; y < 520; ++y)
      for (unsigned x = 812; x < 1270; ++x) {
        const sf::Color c = image.getPixel(x, y);
        count += (c.g > 190 && c.r < 140 && c.b < 140) ? 1 : 0;
      }
    return count;
  };
  auto run = [&](const std::string& extra, const std::string& png) {
    return test::run_gui(*build, work.path + " " + extra + " --at 3", png);
  };
  const std::string before_png = (work.folder / "before.png").string();
  const std::string after_png = (work.folder / "after.png").string();
  CHECK(run("", before_png).find("(0 of 3 goals met: 0% complete)") != std::string::npos);
  CHECK(run("--edit 'zone example.org+=" + s17_mx + "' --rerun", after_png).find("(3 of 3 goals met: 100% complete)") !=
        std::string::npos);
  CHECK(work.text().find(s17_mx) != std::string::npos);
  const std::size_t green_before = green_pixels(before_png), green_after = green_pixels(after_png);
  INFO("green pixels before " << green_before << ", after " << green_after);
  CHECK(green_after > green_before + 200);
}
