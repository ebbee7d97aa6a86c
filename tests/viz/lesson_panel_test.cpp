// The lesson panel's screen split and, under Xvfb, screenshots of `maillab gui LESSON.yaml` at a
// step (the panel's model, LessonSession, is tested in tests/lessons/lesson_session_test.cpp).
#include <catch2/catch.hpp>
#include <unistd.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <SFML/Graphics/Image.hpp>

#include "viz/panels/lesson_panel.h"
#include "gui_run.h"

using namespace maillab;
using test::gui_build_directory;

namespace {

const char* lesson_file = "lessons/01-dns-lookup.yaml";  // tests run from the source tree

}  // namespace

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
  const std::string png = (std::filesystem::temp_directory_path() / ("maillab_lesson_panel_test." + std::to_string(::getpid()) + ".png")).string();
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
  const std::string png = (std::filesystem::temp_directory_path() / ("maillab_lesson_back_test." + std::to_string(::getpid()) + ".png")).string();
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
  // Names of this process's own: two checkouts testing at once shared one script and output before.
  const auto folder = std::filesystem::temp_directory_path();
  const std::string tag = std::to_string(::getpid());
  const std::string script = (folder / ("maillab_lesson_walks." + tag + ".sh")).string();
  const std::string out = (folder / ("maillab_lesson_walks." + tag + ".txt")).string();
  {
    std::ofstream sh(script, std::ios::trunc);
    for (const auto& walk : walks)
      sh << "echo 'walk: " << walk << "'; " << *build << "/maillab gui " << walk << " --lesson-walk --screenshot "
         << (folder / ("maillab_lesson_walk." + tag + ".png")).string() << " 2>&1\n";
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
  in.close();
  for (const auto& file : {script, out, (folder / ("maillab_lesson_walk." + tag + ".png")).string()})
    std::filesystem::remove(file);
}
