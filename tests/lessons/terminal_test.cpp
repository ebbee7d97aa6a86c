// The terminal mode driven by string streams, and `maillab lesson` through the library and (when
// MAILLAB_BUILD_DIR names a build with the binary) through the real maillab program.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/lesson_driver.h"
#include "lessons/lesson_command.h"
#include "lessons/terminal.h"
#include "lessons/text_layout.h"

using namespace maillab;
using namespace maillab::lessons;

namespace {

// Two questions: a prediction (free text, "2") and a quiz (multiple choice, c).
const std::string lesson_text = "title: A tiny lesson\n"
                                "description: Two hosts and a router.\n" +
                                testing::small_scenario +
                                "steps:\n"
                                "  - title: Connect\n"
                                "    say: The host a opens a connection to b.\n"
                                "    predict: {question: 'How many hops from a to b?', accept: [\"2\", two]}\n"
                                "    run_until: {kind: hop, node: r, peer: b}\n"
                                "    show: {kind: hop}\n"
                                "  - title: Done\n"
                                "    say: That was all.\n"
                                "    run_until: end\n"
                                "    quiz: {question: 'Which?', choices: [x, y, z], answer: c, explain: Because z.}\n";

std::unique_ptr<LessonRun> start() {
  scenarios::Diagnostics diagnostics;
  auto lesson = load_lesson_from_string(lesson_text, "tiny.yaml", diagnostics);
  INFO(diagnostics.to_string());
  REQUIRE(lesson);
  auto run = LessonRun::start(std::move(*lesson), diagnostics);
  REQUIRE(run);
  return run;
}

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  return trimmed.substr(trimmed.rfind('\n') + 1);
}

// A scratch folder with the lesson and an answers file.
struct Files {
  std::filesystem::path folder;
  std::string lesson, answers;
  explicit Files(const std::string& answers_text, const std::string& lesson_body = lesson_text) {
    folder = std::filesystem::temp_directory_path() /
             ("maillab-lesson-test-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(folder);
    lesson = (folder / "tiny.yaml").string();
    answers = (folder / "answers.txt").string();
    std::ofstream(lesson) << lesson_body;
    std::ofstream(answers) << answers_text;
  }
  ~Files() {
    std::error_code ignored;
    std::filesystem::remove_all(folder, ignored);
  }
};

using testing::command;

}  // namespace

TEST_CASE("interactive: narration, trace excerpt, re-asking on invalid input, score", "[lessons][terminal]") {
  auto run = start();
  // prediction "two"; Enter; an invalid "d", then "c"; Enter to finish.
  std::istringstream in("two\n\nd\nc\n\n");
  std::ostringstream out;
  CHECK(run_interactive(*run, in, out, {}) == SessionEnd::completed);
  const std::string text = out.str();
  INFO(text);
  CHECK(text.find("Lesson: A tiny lesson") != std::string::npos);
  CHECK(text.find("2 steps, 2 questions") != std::string::npos);
  CHECK(text.find("Step 1/2: Connect") != std::string::npos);
  CHECK(text.find("Step 2/2: Done") != std::string::npos);
  CHECK(text.find("Predict 1/2: How many hops from a to b?") != std::string::npos);
  CHECK(text.find("Noted. Let's run it and see.") != std::string::npos);
  CHECK(text.find("stopped at:") != std::string::npos);
  CHECK(text.find("r \u2192 b") != std::string::npos);            // the checkpoint hop
  CHECK(text.find("  20.000 ms\n") != std::string::npos);           // its crossing time
  CHECK(text.find("\u2713 Your prediction: Right.") != std::string::npos);
  CHECK(text.find("    a) x\n    b) y\n    c) z\n") != std::string::npos);
  CHECK(text.find("  [a-c] > d\n  Answer with a letter a-c or a number 1-3 (or q to quit).\n  [a-c] > c\n") ==
        std::string::npos);  // input is not echoed interactively (the terminal does that)
  CHECK(text.find("  [a-c] >   Answer with a letter a-c or a number 1-3 (or q to quit).\n  [a-c] > ") !=
        std::string::npos);
  CHECK(text.find("\u2713 Right.\n    Because z.\n") != std::string::npos);
  CHECK(text.find("You answered 2 of 2 questions right.") != std::string::npos);
  CHECK(last_line(text) == "score: 2/2");
}

TEST_CASE("interactive: q quits with the partial score, end of input too", "[lessons][terminal]") {
  SECTION("q at a question") {
    auto run = start();
    std::istringstream in("1\n\nq\n");
    std::ostringstream out;
    CHECK(run_interactive(*run, in, out, {}) == SessionEnd::quit);
    CHECK(out.str().find("Stopped at step 2/2, 1 of 2 questions answered.") != std::string::npos);
    CHECK(last_line(out.str()) == "score: 0/2");  // "1" was a wrong prediction
  }
  SECTION("q between steps") {
    auto run = start();
    std::istringstream in("2\nquit\n");
    std::ostringstream out;
    CHECK(run_interactive(*run, in, out, {}) == SessionEnd::quit);
    CHECK(last_line(out.str()) == "score: 1/2");
  }
  SECTION("input ends") {
    auto run = start();
    std::istringstream in("");
    std::ostringstream out;
    CHECK(run_interactive(*run, in, out, {}) == SessionEnd::quit);
    CHECK(out.str().find("(end of input)") != std::string::npos);
    CHECK(last_line(out.str()) == "score: 0/2");
  }
}

TEST_CASE("answers mode echoes the answers, never pauses, and ends with the score", "[lessons][terminal]") {
  auto run = start();
  std::ostringstream out;
  CHECK(run_with_answers(*run, {{"2", 1}, {"a", 2}}, out, {}) == SessionEnd::completed);
  const std::string text = out.str();
  INFO(text);
  CHECK(text.find("[type your answer] > 2\n") != std::string::npos);
  CHECK(text.find("[a-c] > a\n") != std::string::npos);
  CHECK(text.find("\u2717 Not quite: the answer is c) z.") != std::string::npos);
  CHECK(text.find("[Enter]") == std::string::npos);
  CHECK(text.find("q quits") == std::string::npos);
  CHECK(last_line(text) == "score: 1/2");
}

TEST_CASE("trace records are formatted for students within the width", "[lessons][terminal]") {
  engine::TraceRecord hop;
  hop.time = engine::milliseconds(1063) + 988;
  hop.arrive = hop.time + engine::milliseconds(22);
  hop.kind = engine::TraceKind::hop;
  hop.node = "home";
  hop.peer = "isp";
  hop.protocol = "TCP";
  hop.summary = "maillab transfer data. maillab transfer data. maillab transf... (data, 1460 bytes)";
  const std::string line = format_record_for_student(hop, 12, 76);
  CHECK(line == " 1.063988  hop   home \u2192 isp    TCP maillab tr\u2026 (data, 1460 bytes)  22.000 ms");
  CHECK(display_width(line) <= 76);
  // When room is short, the summary's "(...)" tail is kept whole: it says what the packet is.
  hop.summary = "lost on link: ansfer data. maillab transfer data. maillab... (retransmission, 1460 bytes)";
  hop.kind = engine::TraceKind::drop;
  CHECK(format_record_for_student(hop, 12, 70) ==
        " 1.063988  DROP  home \u2192 isp    TCP lost\u2026 (retransmission, 1460 bytes)");
  engine::TraceRecord message;
  message.time = engine::seconds(1);
  message.kind = engine::TraceKind::protocol;
  message.node = "a.root-servers.net";
  message.peer = "resolver1";
  message.protocol = "DNS";
  message.summary = "R referral org. NS a0.org-servers.net (glue 1)";
  CHECK(format_record_for_student(message, 30, 78) ==
        " 1.000000  msg   a.root-servers.net \u2192 resolver1  DNS R referral org. NS\n"
        "                                                 a0.org-servers.net (glue 1)");
  CHECK(format_record_for_student(message, 30, 60) ==
        " 1.000000  msg   a.root-servers.net \u2192 resolver1  DNS R\n"
        "           referral org. NS a0.org-servers.net (glue 1)");
  engine::TraceRecord note;
  note.time = engine::seconds(5);
  note.summary = "The link fails.";
  CHECK(format_record_for_student(note, 4, 76) == " 5.000000  note        The link fails.");
}

TEST_CASE("maillab lesson through the library: --answers, --check and exit codes", "[lessons][command]") {
  std::string out, err;
  SECTION("a complete run exits 0 whatever the score") {
    Files files("# tiny lesson\n2\nb   # wrong on purpose\n");
    CHECK(command({files.lesson, "--answers", files.answers}, out, err) == 0);
    CHECK(err.empty());
    CHECK(last_line(out) == "score: 1/2");
    CHECK(command({files.lesson, "--answers=" + files.answers}, out, err) == 0);
  }
  SECTION("interactive through the command") {
    Files files("");
    CHECK(command({files.lesson}, out, err, "2\n\nc\n\n") == 0);
    CHECK(last_line(out) == "score: 2/2");
    CHECK(command({files.lesson}, out, err, "q\n") == 0);
    CHECK(last_line(out) == "score: 0/2");
  }
  SECTION("too few answers: exit 2, a clear message, nothing run") {
    Files files("2\n");
    CHECK(command({files.lesson, "--answers", files.answers}, out, err) == 2);
    CHECK(out.empty());
    CHECK(err.find(files.answers + ": too few answers: 1 answer for 2 questions") == 0);
    CHECK(err.find("nothing was run") != std::string::npos);
  }
  SECTION("an answer that fits no choice: exit 2 with its line") {
    Files files("2\n\n# the quiz\n7\n");
    CHECK(command({files.lesson, "--answers", files.answers}, out, err) == 2);
    CHECK(err.find(files.answers + ":4: '7' is not an answer to question 2") == 0);
  }
  SECTION("a bad lesson file: exit 2 with file:line:column") {
    std::string broken = lesson_text;
    broken.replace(broken.find("run_until: end"), 14, "run_until: later");
    Files files("2\nc\n", broken);
    CHECK(command({files.lesson, "--answers", files.answers}, out, err) == 2);
    CHECK(out.empty());
    CHECK(err.find(files.lesson + ":25:16: error: bad run_until: ") == 0);
    CHECK(err.find("1 error; nothing was run") != std::string::npos);
  }
  SECTION("--seed runs the scenario with that seed and says so; a bad one is refused") {
    Files files("2\nc\n");
    CHECK(command({files.lesson, "--answers", files.answers, "--seed", "7"}, out, err) == 0);
    CHECK(out.find("  Seed 7 (--seed): ") != std::string::npos);
    CHECK(command({files.lesson, "--answers", files.answers, "--seed=12"}, out, err) == 0);
    CHECK(out.find("  Seed 12 (--seed): ") != std::string::npos);
    CHECK(command({files.lesson, "--answers", files.answers}, out, err) == 0);
    CHECK(out.find("(--seed)") == std::string::npos);
    CHECK(command({files.lesson, "--seed", "soon"}, out, err) == 2);
    CHECK(err.find("maillab lesson: bad --seed 'soon'; expected a whole number >= 0") != std::string::npos);
    CHECK(command({files.lesson, "--seed"}, out, err) == 2);
    CHECK(command({files.lesson, "--seed", "1", "--seed", "2"}, out, err) == 2);
  }
  SECTION("--check validates only") {
    Files files("2\nc\n");
    CHECK(command({files.lesson, "--check", "--answers", files.answers}, out, err) == 0);
    CHECK(out == files.lesson + ": ok (2 steps, 2 questions, answers file fits)\n");
  }
  SECTION("command-line mistakes") {
    CHECK(command({}, out, err) == 2);
    CHECK(err.find("no lesson file given") != std::string::npos);
    CHECK(command({"a.yaml", "b.yaml"}, out, err) == 2);
    CHECK(command({"a.yaml", "--answer", "x"}, out, err) == 2);
    CHECK(err.find("unknown option '--answer'") != std::string::npos);
    CHECK(command({"a.yaml", "--answers"}, out, err) == 2);
    CHECK(command({"/nonexistent.yaml"}, out, err) == 2);
    CHECK(err.find("/nonexistent.yaml: error: cannot open the file") == 0);
    Files files("2\nc\n");
    CHECK(command({files.lesson, "--answers", "/nonexistent/answers.txt"}, out, err) == 2);
    CHECK(err.find("cannot read the answers file") != std::string::npos);
    CHECK(command({"--help"}, out, err) == 0);
    CHECK(out.find("Usage: maillab lesson LESSON.yaml [--answers FILE]") == 0);
  }
}

TEST_CASE("maillab lesson through the maillab binary", "[lessons][command][binary]") {
  const char* build = std::getenv("MAILLAB_BUILD_DIR");
  const std::filesystem::path binary = build ? std::filesystem::path(build) / "maillab" : std::filesystem::path();
  if (!build || !std::filesystem::exists(binary)) {
    WARN("MAILLAB_BUILD_DIR unset or no maillab binary in it: skipping the end-to-end run");
    return;
  }
  const std::string source = testing::source_dir();
  auto run = [&](const std::string& arguments, std::string& output) {
    const std::string line = binary.string() + " lesson " + arguments + " 2>&1 </dev/null";
    FILE* pipe = popen(line.c_str(), "r");
    REQUIRE(pipe);
    output.clear();
    char buffer[4096];
    while (std::size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  std::string output;
  CHECK(run(source + "/lessons/00-packets-and-links.yaml --answers " + source +
                "/tests/lessons/answers/00-packets-and-links.txt",
            output) == 0);
  INFO(output);
  CHECK(last_line(output) == "score: 11/11");

  Files files("2\n");
  CHECK(run(files.lesson + " --answers " + files.answers, output) == 2);
  CHECK(output.find("too few answers") != std::string::npos);
}
