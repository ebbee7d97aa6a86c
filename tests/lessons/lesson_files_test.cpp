// The lessons shipped in lessons/*.yaml: each loads, reaches every checkpoint, and its answers
// file (tests/lessons/answers/<name>.txt) scores full marks. For lesson 00, the facts its questions
// and explanations quote are checked against the trace, so a change in the engine that makes
// the text wrong fails here instead of misleading a student.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "tests/support/lesson_driver.h"
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
    // Every lesson asks enough to be worth a mark (issue 16): 5+ questions, 2+ predictions.
    std::size_t predictions = 0;
    for (const auto& step : run->lesson().steps) predictions += step.predict ? 1 : 0;
    CHECK(run->lesson().question_count() >= 5);
    CHECK(predictions >= 2);
    const auto answers_path = std::filesystem::path(testing::source_dir()) / "tests" / "lessons" / "answers" / (path.stem().string() + ".txt");
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

TEST_CASE("lesson 05: the facts its questions rely on hold in the trace", "[lessons][files]") {
  auto run = start(testing::source_dir() + "/lessons/05-when-mail-waits.yaml");
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
  auto contains = [](const engine::TraceRecord* r, const std::string& text) {
    return r->summary.find(text) != std::string::npos;
  };
  // The first mail record from smtp.example.com in the window whose summary contains all of `parts`.
  auto find_mail = [&](std::initializer_list<std::string> parts) -> const engine::TraceRecord* {
    for (const auto* r : window()) {
      if (r->kind != TraceKind::mail || r->node != "smtp.example.com") continue;
      bool all = true;
      for (const auto& part : parts) all = all && contains(r, part);
      if (all) return r;
    }
    return nullptr;
  };

  // Step 1: one queue entry per destination domain.
  next_step();
  REQUIRE(run->checkpoint());
  CHECK(find_mail({"queued Q1 for example.org: bob@example.org"}));
  CHECK(find_mail({"queued Q2 for example.net: carol@example.net"}));

  // Step 2: connect at 1.261806 s, timeout at 16.261806 s (15 s), four SYNs dropped at about
  // 1.28, 2.28, 4.28 and 8.28 s by the switched-off host.
  next_step();
  const auto* connecting = find_mail({"connecting to mx.example.org", "for queue entry Q1"});
  const auto* failed = find_mail({"connection failed: connect to mx.example.org", "timeout"});
  REQUIRE(connecting);
  REQUIRE(failed);
  CHECK(connecting->time == engine::microseconds(1261806));
  CHECK(failed->time == engine::microseconds(16261806));
  CHECK(failed->time - connecting->time == engine::seconds(15));
  std::vector<engine::Time> syn_drops;
  for (const auto* r : window())
    if (r->kind == TraceKind::drop && r->node == "mx.example.org" && r->summary.rfind("host down: SYN", 0) == 0)
      syn_drops.push_back(r->time);
  REQUIRE(syn_drops.size() == 4);
  const engine::Time quoted_drops[] = {engine::milliseconds(1280), engine::milliseconds(2280),
                                       engine::milliseconds(4280), engine::milliseconds(8280)};
  for (int i = 0; i < 4; ++i) {
    CHECK(syn_drops[i] > quoted_drops[i] - engine::milliseconds(5));
    CHECK(syn_drops[i] < quoted_drops[i] + engine::milliseconds(5));
  }
  // No reply code and no reset came back: no SMTP line from mx.example.org.
  for (const auto* r : window()) CHECK_FALSE((r->kind == TraceKind::protocol && r->node == "mx.example.org"));
  REQUIRE(run->checkpoint());
  CHECK(contains(run->checkpoint(), "deferred: queue entry Q1"));
  CHECK(contains(run->checkpoint(), "attempt 1 failed, next retry at 76.261806 s (in 60 s)"));

  // Step 3 (same window): the deferral is what it shows.
  next_step();
  CHECK_FALSE(run->shown_records().empty());

  // Step 4: the waits double, 120 s, 240 s, then 480 s (the maximum) after attempt 4, at about 481 s.
  next_step();
  CHECK(find_mail({"deferred: queue entry Q1", "attempt 2 failed", "(in 120 s)"}));
  CHECK(find_mail({"deferred: queue entry Q1", "attempt 3 failed", "(in 240 s)"}));
  REQUIRE(run->checkpoint());
  CHECK(contains(run->checkpoint(), "deferred: queue entry Q1"));
  CHECK(contains(run->checkpoint(), "attempt 4 failed, next retry at 961.285950 s (in 480 s)"));
  CHECK(run->checkpoint()->time > engine::seconds(480));
  CHECK(run->checkpoint()->time < engine::seconds(482));

  // Step 5: attempt 5 fails at about 976 s; one warning per queue entry, to alice, Action:
  // delayed, 4.4.1, retried until 1801.051545 s; Q1's next attempt at 1456.293998 s.
  next_step();
  const auto* attempt5 = find_mail({"deferred: queue entry Q1", "attempt 5 failed, next retry at 1456.293998 s (in 480 s)"});
  REQUIRE(attempt5);
  CHECK(attempt5->time > engine::seconds(976));
  CHECK(attempt5->time < engine::seconds(977));
  for (const std::string entry : {"Q1", "Q2"}) {
    INFO(entry);
    const auto* warning = find_mail({"delay warning for " + entry + " sent to <alice@example.com>", "(4.4.1)",
                                     "DSN Action: delayed", "still trying until 1801.051545 s"});
    CHECK(warning);
  }
  REQUIRE(run->checkpoint());
  CHECK(contains(run->checkpoint(), "delay warning for Q2"));

  // Step 6: both warnings cross SMTP to mail.example.com with MAIL FROM:<>.
  next_step();
  int null_senders = 0;
  for (const auto* r : window())
    if (r->kind == TraceKind::protocol && r->node == "smtp.example.com" && r->peer == "mail.example.com" &&
        r->summary.rfind("MAIL FROM:<>", 0) == 0)
      ++null_senders;
  CHECK(null_senders == 2);
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->node == "mail.example.com");

  // Step 7: mx.example.org is back at 1200 s, bob's copy arrives at the scheduled attempt (~1456 s).
  next_step();
  bool restarted = false;
  for (const auto* r : window())
    if (r->kind == TraceKind::fault && r->summary == "host mx.example.org restarted") {
      restarted = true;
      CHECK(r->time == engine::seconds(1200));
    }
  CHECK(restarted);
  REQUIRE(run->checkpoint());
  CHECK(run->checkpoint()->node == "mx.example.org");
  CHECK(run->checkpoint()->time > engine::microseconds(1456293990));
  CHECK(run->checkpoint()->time < engine::seconds(1457));

  // Step 8: attempt 6 for Q2 fails at about 1471 s (next at 1951 s); the seventh, at about
  // 1966 s, finds the entry queued 1965 s > 1800 s: expired, 4.4.7 bounce to alice.
  next_step();
  const auto* attempt6 = find_mail({"deferred: queue entry Q2", "attempt 6 failed, next retry at 1951.342083 s (in 480 s)"});
  REQUIRE(attempt6);
  CHECK(attempt6->time > engine::seconds(1471));
  CHECK(attempt6->time < engine::seconds(1472));
  const auto* expired = find_mail({"expired: queue entry Q2 has been queued 1965.", "longer than the lifetime of 1800 s"});
  REQUIRE(expired);
  CHECK(expired->time > engine::seconds(1966));
  CHECK(expired->time < engine::seconds(1967));
  CHECK(find_mail({"bounced carol@example.net: 4.4.7"}));
  REQUIRE(run->checkpoint());
  CHECK(contains(run->checkpoint(), "DSN: bounce report (4.4.7) sent to <alice@example.com>"));

  // Step 9: to the end. Two warnings in all (no second one per entry), one bounce.
  next_step();
  int warnings = 0, bounces = 0;
  for (const auto& r : records) {
    if (r.kind != TraceKind::mail || r.node != "smtp.example.com") continue;
    if (r.summary.rfind("delay warning", 0) == 0) ++warnings;
    if (r.summary.rfind("DSN: bounce report", 0) == 0) ++bounces;
  }
  CHECK(warnings == 2);
  CHECK(bounces == 1);
}
