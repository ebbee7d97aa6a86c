// The lessons shipped in lessons/*.yaml: each loads, reaches every checkpoint, and its answers
// file (lessons/answers/<name>.txt) scores full marks. For lesson 00, the facts its questions
// and explanations quote are checked against the trace, so a change in the engine that makes
// the text wrong fails here instead of misleading a student.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "lesson_test_support.h"
#include "lessons/answers_file.h"
#include "lessons/lesson_run.h"

using namespace maillab;
using namespace maillab::lessons;
using engine::TraceKind;

namespace {

std::vector<std::filesystem::path> lesson_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(testing::source_dir() + "/lessons"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::unique_ptr<LessonRun> start(const std::filesystem::path& path) {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson(path.string(), diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  auto run = LessonRun::start(std::move(*lesson), diagnostics);
  REQUIRE(run);
  return run;
}

}  // namespace

TEST_CASE("every shipped lesson loads, reaches its checkpoints and its answers score full marks", "[lessons][files]") {
  const auto files = lesson_files();
  REQUIRE_FALSE(files.empty());
  for (const auto& path : files) {
    INFO(path.string());
    auto run = start(path);
    const auto answers_path = path.parent_path() / "answers" / (path.stem().string() + ".txt");
    std::ifstream answers_file(answers_path);
    REQUIRE(answers_file);
    const auto answers = read_answer_lines(answers_file);
    CHECK(check_answer_lines(answers, run->lesson(), answers_path.string()).empty());
    std::size_t next = 0;
    run->advance();
    while (!run->finished()) {
      INFO("step " << *run->step_index() + 1);
      if (const Quiz* quiz = run->pending_question()) {
        REQUIRE(next < answers.size());
        INFO("question: " << quiz->question << " answer: " << answers[next].text);
        CHECK(run->answer(answers[next++].text).correct);
        continue;
      }
      CHECK_FALSE(run->checkpoint_missed());
      const Step& step = *run->current_step();
      if (step.show) CHECK_FALSE(run->shown_records().empty());
      run->advance();
    }
    CHECK(run->score() == run->max_score());
  }
}

TEST_CASE("lesson 00: the facts its questions rely on hold in the trace", "[lessons][files]") {
  auto run = start(testing::source_dir() + "/lessons/00-packets-and-links.yaml");
  const auto& records = run->world().simulator.trace().records();
  auto window = [&] {
    std::vector<const engine::TraceRecord*> in;
    for (std::size_t i = run->window_begin(); i < run->window_end(); ++i) in.push_back(&records[i]);
    return in;
  };
  auto next_step = [&] {
    while (run->pending_question()) run->skip_question();
    REQUIRE(run->advance());
    while (run->pending_is_prediction()) run->skip_question();
  };

  // Step 1: the SYN crosses four links.
  next_step();
  int syn_hops = 0;
  for (const auto* r : window())
    if (r->kind == TraceKind::hop && r->summary == "SYN") ++syn_hops;
  CHECK(syn_hops == 4);

  // Step 2: established about 62 ms after 1 s.
  next_step();
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->time > engine::milliseconds(1060));
  CHECK(run->checkpoint()->time < engine::milliseconds(1065));

  // Step 3: on home -> isp a SYN takes about 10.3 ms, a full segment 22 ms.
  next_step();
  std::vector<const engine::TraceRecord*> full_segments;
  for (const auto* r : window())
    if (r->kind == TraceKind::hop && r->node == "home" && r->peer == "isp" &&
        r->summary.find("(data, 1460 bytes)") != std::string::npos)
      full_segments.push_back(r);
  REQUIRE(full_segments.size() == 2);
  CHECK(full_segments[0]->arrive - full_segments[0]->time == engine::milliseconds(22));
  for (const auto& r : records)
    if (r.kind == TraceKind::hop && r.node == "home" && r.peer == "isp" && r.summary == "SYN") {
      CHECK(r.arrive - r.time == engine::microseconds(10320));
      break;
    }

  // Step 4 (same window): the two full segments left 12 ms apart, at the times quoted.
  next_step();
  CHECK(full_segments[0]->time == engine::microseconds(1063988));
  CHECK(full_segments[1]->time == engine::microseconds(1075988));

  // Step 5: exactly two drops because the link went down, shown from isp's point of view.
  next_step();
  int link_down_drops = 0;
  for (const auto* r : window())
    if (r->kind == TraceKind::drop && r->summary.find("link down") != std::string::npos) {
      ++link_down_drops;
      CHECK(r->node == "isp");
    }
  CHECK(link_down_drops == 2);

  // Step 6: the retransmissions from isp go west.
  next_step();
  int west = 0;
  for (const auto* r : window())
    if (r->kind == TraceKind::hop && r->node == "isp" && r->summary.find("retransmission") != std::string::npos) {
      CHECK(r->peer == "west");
      ++west;
    }
  CHECK(west > 0);

  // Step 7: the radio loses eight packets during the phone's transfer, and all bytes arrive.
  next_step();
  int drops = 0;
  std::string listed;
  for (const auto* r : window())
    if (r->kind == TraceKind::drop) {
      ++drops;
      listed += engine::format_seconds(r->time) + " " + r->node + " -> " + r->peer + " " + r->summary + "\n";
    }
  INFO(listed);
  CHECK(drops == 8);
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->summary.find("received 20000 bytes") != std::string::npos);

  // Step 8 (same window): the "ansfer data" segment is resent at about 12.19, 12.41, 12.87, 13.77 s.
  next_step();
  std::vector<engine::Time> resent;
  for (const auto* r : window())
    if (r->kind == TraceKind::hop && r->node == "phone" && r->summary.rfind("ansfer data", 0) == 0 &&
        r->summary.find("retransmission") != std::string::npos)
      resent.push_back(r->time);
  REQUIRE(resent.size() >= 4);
  const engine::Time quoted[] = {engine::milliseconds(12190), engine::milliseconds(12410), engine::milliseconds(12870),
                                 engine::milliseconds(13770)};
  for (int i = 0; i < 4; ++i) CHECK(std::abs(resent[i] - quoted[i]) < engine::milliseconds(10));
}
