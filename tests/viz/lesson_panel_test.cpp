// The lesson panel's model (LessonSession: which step, question and feedback the panel shows
// after N steps with given answers; the narration split for wrapping; the screen split) and,
// under Xvfb, a screenshot of `maillab gui LESSON.yaml` at a step.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <SFML/Graphics/Image.hpp>

#include "lessons/answers_file.h"
#include "lessons/lesson_loader.h"
#include "viz/panels/lesson_panel.h"
#include "gui_run.h"

using namespace maillab;
using viz::LessonSession;
using Phase = lessons::LessonRun::Phase;
using test::gui_build_directory;

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

TEST_CASE("lesson session: before the first step the panel shows the introduction", "[viz][lesson]") {
  auto session = start_session({});
  CHECK(session->step_label() == "Introduction");
  CHECK(session->run().phase() == Phase::not_started);
  CHECK(session->run().now() == 0);
  CHECK_FALSE(session->feedback());
}

TEST_CASE("lesson session: without answers, step 1 waits on its prediction and time does not move",
          "[viz][lesson]") {
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

TEST_CASE("lesson session: two steps with the shipped answers", "[viz][lesson]") {
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
          "[viz][lesson]") {
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

TEST_CASE("lesson session: all the way with the shipped answers ends with full marks", "[viz][lesson]") {
  auto session = start_session(shipped_answers());
  session->advance_steps(100);
  CHECK(session->run().finished());
  CHECK(session->step_label() == "Finished");
  CHECK(session->run().score() == session->run().max_score());
  CHECK(session->run().max_score() == 5);
}

TEST_CASE("lesson session: Back returns to the start of the previous step exactly as it was", "[viz][lesson]") {
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

TEST_CASE("lesson session: Back from the end shows the last step again", "[viz][lesson]") {
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

TEST_CASE("lesson session: without a way to make a fresh run there is no Back", "[viz][lesson]") {
  auto session = start_session({});
  session->advance_steps(1);
  CHECK_FALSE(session->can_go_back());
  CHECK_FALSE(session->back());
  CHECK_FALSE(session->restart());
  CHECK(session->step_label().rfind("Step 1/6", 0) == 0);
}

TEST_CASE("narration blocks: paragraphs joined, lists and indented lines kept", "[viz][lesson]") {
  const auto blocks = viz::narration_blocks(
      "One line\nand its continuation.\n\n  laptop   asks\n  resolver answers\n- first item\n  still?\n- second\n"
      "1. numbered\nafter\n\n\n");
  using Kind = viz::NarrationBlock::Kind;
  REQUIRE(blocks.size() == 8);
  CHECK(blocks[0].kind == Kind::paragraph);
  CHECK(blocks[0].text == "One line and its continuation.");
  CHECK(blocks[1].kind == Kind::blank);
  CHECK(blocks[2].kind == Kind::verbatim);
  CHECK(blocks[2].text == "  laptop   asks");
  CHECK(blocks[3].kind == Kind::verbatim);
  CHECK(blocks[4].kind == Kind::list_item);
  CHECK(blocks[4].text == "- first item");
  CHECK(blocks[5].kind == Kind::verbatim);  // two-space indent is verbatim even under an item
  CHECK(blocks[6].kind == Kind::list_item);
  CHECK(blocks[7].kind == Kind::list_item);
  CHECK(blocks[7].text == "1. numbered after");
}

TEST_CASE("lesson screen: the lesson panel never covers the canvas", "[viz][lesson]") {
  for (bool inspector : {true, false}) {
    const auto layout = viz::lesson_screen_layout(1280, 800, 1.0, true, inspector);
    CHECK(layout.lesson.width > 300);
    CHECK(layout.lesson.height > 300);
    CHECK(layout.lesson.x >= layout.screen.canvas.x + layout.screen.canvas.width);
    CHECK(layout.lesson.y >= layout.screen.time_bar.height);
    if (inspector) CHECK(layout.screen.inspector.y >= layout.lesson.y + layout.lesson.height);
  }
}

TEST_CASE("maillab gui LESSON: a screenshot at step 2 shows the lesson panel", "[viz][lesson][screenshot]") {
  const auto build = gui_build_directory();
  if (!build) return;
  const std::string png = (std::filesystem::temp_directory_path() / "maillab_lesson_panel_test.png").string();
  std::filesystem::remove(png);
  const std::string command = "xvfb-run -a -s \"-screen 0 1280x800x24\" " + *build + "/maillab gui " +
                              lesson_file + " --lesson-steps 2 --screenshot " + png + " --frames 3 > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  sf::Image image;
  REQUIRE(image.loadFromFile(png));
  REQUIRE(image.getSize().x == 1280);
  // Not blank: the right-hand column (the lesson panel) has many distinct colours (text, buttons).
  std::set<std::uint32_t> colours;
  for (unsigned y = 80; y < 500; y += 3)
    for (unsigned x = 900; x < 1270; x += 3) colours.insert(image.getPixel(x, y).toInteger());
  CHECK(colours.size() > 8);
  std::filesystem::remove(png);
}

TEST_CASE("maillab gui LESSON --lesson-back: Back in the visualizer replays to the earlier step",
          "[viz][lesson][screenshot]") {
  const auto build = gui_build_directory();
  if (!build) return;
  // Steps 1-4 with the shipped answers, then Back twice: step 2 again, its quiz waiting, only
  // step 1's point kept; the clock where step 2 first left it. The views switch to the new run
  // (the frames after it draw it without crashing, and the screenshot is written).
  const std::string png = (std::filesystem::temp_directory_path() / "maillab_lesson_back_test.png").string();
  auto run = [&](const std::string& extra) {
    return test::run_gui(*build, std::string(lesson_file) + " --lesson-answers tests/lessons/answers/01-dns-lookup.txt " + extra, png);
  };
  const std::string forward = run("--lesson-steps 2");
  const std::string back = run("--lesson-steps 4 --lesson-back 2");
  CHECK(forward.find("(Step 2/6: Referrals, score 2/5)") != std::string::npos);
  CHECK(back.find("(Step 2/6: Referrals, score 1/5)") != std::string::npos);
  // Same moment of the same world.
  CHECK(forward.substr(0, forward.find(" (")) == back.substr(0, back.find(" (")));
  std::filesystem::remove(png);
  std::filesystem::remove(png + ".txt");
}

// On a projector (#16): every step, question, answer and feedback of every lesson fits the lesson
// panel's width at 1280x800, and with --large-fonts at 1920x1080 (the same column in ems, so a
// few of the wordiest lessons there). --lesson-walk measures how far any of that text reached
// past the panel's right edge, view by view.
TEST_CASE("maillab gui LESSON --lesson-walk: no lesson text is cut off at 1280x800 or 1920x1080 with large fonts",
          "[viz][lesson][screenshot][projector]") {
  const auto build = gui_build_directory();
  if (!build) return;
  std::vector<std::string> walks;  // maillab gui arguments, one walk each
  std::vector<std::string> lessons;
  for (const auto& entry : std::filesystem::directory_iterator("lessons"))
    if (entry.path().extension() == ".yaml") lessons.push_back(entry.path().string());
  std::sort(lessons.begin(), lessons.end());
  REQUIRE(lessons.size() >= 11);
  for (const auto& lesson : lessons) walks.push_back(lesson + " --size 1280x800");
  for (const char* lesson : {"lessons/02-smtp-journey.yaml", "lessons/05-when-mail-waits.yaml", "lessons/06-push-and-big-answers.yaml"})
    walks.push_back(std::string(lesson) + " --size 1920x1080 --large-fonts");
  // One virtual screen for all the walks (starting Xvfb costs more than a walk).
  const auto folder = std::filesystem::temp_directory_path();
  const std::string script = (folder / "maillab_lesson_walks.sh").string();
  const std::string out = (folder / "maillab_lesson_walks.txt").string();
  {
    std::ofstream sh(script, std::ios::trunc);
    for (const auto& walk : walks)
      sh << "echo 'walk: " << walk << "'; " << *build << "/maillab gui " << walk << " --lesson-walk --screenshot "
         << (folder / "maillab_lesson_walk.png").string() << " 2>&1\n";
  }
  const int status =
      std::system(("xvfb-run -a -s \"-screen 0 1920x1080x24\" sh " + script + " > " + out + " 2>&1").c_str());
  REQUIRE(WIFEXITED(status));
  std::ifstream in(out);
  std::string line, walk;
  std::size_t walked = 0;
  while (std::getline(in, line)) {
    if (line.rfind("walk: ", 0) == 0) walk = line.substr(6);
    if (line.rfind("lesson walk: ", 0) != 0) continue;
    INFO(walk << ": " << line);
    int views = 0;
    REQUIRE(std::sscanf(line.c_str(), "lesson walk: %d views", &views) == 1);
    CHECK(views >= 10);  // steps and questions were shown, not just the introduction
    CHECK(line.find("widest overflow 0 px") != std::string::npos);
    ++walked;
  }
  CHECK(walked == walks.size());
}
