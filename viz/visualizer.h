// The visualizer's entry points, called by the `maillab` command (app/):
//   maillab gui [SCENARIO] [--seed N] [--screenshot FILE --frames N] [--at SECONDS] [--large-fonts] ...
//   maillab bench gui
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace maillab::viz {

struct VisualizerOptions {
  std::string scenario_path;            // empty: the built-in demo scene
  std::optional<std::uint64_t> seed;    // overrides the scenario's seed
  std::string screenshot_path;          // write a PNG after `frames` frames and exit
  int frames = 0;                       // frames to render headless (0 with a screenshot means 2)
  std::optional<double> at_seconds;     // run the world to this time first (then hold it there)
  bool large_fonts = false;             // projector mode: everything about 1.5x
  std::optional<double> speed;          // simulated seconds per real second (default: from link latencies)
  bool play = false;                    // start playing (screenshots without --at always play)
  unsigned width = 1280, height = 800;  // window size
  std::string select;                   // select at start: a host name, "link:ID" or "record:N"
  std::string message;                  // show this message's journey at start (e.g. "M1")
  std::string geometry_path;            // tests: write the screen positions of what was drawn
  // A lesson (viz/panels/lesson_panel.h) instead of a scenario: its LessonRun owns the World.
  std::string lesson_path;
  std::string lesson_answers_path;      // answers applied in order as questions come (like --answers)
  int lesson_steps = 0;                 // advance this many steps first (headless screenshots)
  int lesson_back = 0;                  // then go back this many steps (as the Back button)
  int back = 0;                         // after --at: step back this many events (as the Back button)
  // Headless: every view of the lesson in turn (each step, each question skipped to show its
  // answer), two frames each; prints the widest the lesson panel's text reached past its edge.
  bool lesson_walk = false;
  // Exercise mode (viz/exercise_session.h): SCENARIO is a work file, or an exercise file with a
  // --student id (the work file is then `work_path`, default <exercise id>-<student>.yaml).
  std::string student;
  std::string work_path;
  std::vector<std::string> edits;       // --edit LABEL=VALUE / LABEL+=LINE, applied as the fields would
  bool rerun = false;                   // then Save and re-run, as the button does (headless screenshots)
};

// Runs the visualizer. Returns 0 on success, 1 when it cannot run (no display, no font, PNG not
// written), 2 for bad input (the scenario's diagnostics or bad options are printed to `err`).
int run_visualizer(const VisualizerOptions& options, std::ostream& out, std::ostream& err);

// Parses the arguments after `maillab gui` into options (positional SCENARIO, --seed N,
// --screenshot FILE, --frames N, --at SECONDS, --large-fonts, --speed X, --play, --size WxH,
// --select WHAT, --message ID, --geometry FILE, --lesson-answers FILE, --lesson-steps N, --student ID,
// --work FILE, --edit LABEL=VALUE, --rerun; a lesson
// file is recognised by the caller, which moves it to lesson_path). On a mistake returns nullopt and sets `error`.
std::optional<VisualizerOptions> parse_visualizer_arguments(const std::vector<std::string>& arguments,
                                                            std::string& error);
// One paragraph per option, for --help.
std::string visualizer_usage();

struct GuiBenchmarkOptions {
  int frames = 300;
  int packets_in_flight = 2000;
  unsigned width = 1280, height = 800;
  std::string screenshot;  // when set, the frame after the measured ones is saved here (PNG)
};

// Renders a synthetic scene with `packets_in_flight` packets in the air for `frames` frames
// (panels included) and prints frame-time percentiles: "gui frame time: p50 X ms, p90 Y ms,
// p99 Z ms (...)". Needs a display (use xvfb-run). Returns 0, or 1 when it cannot run.
int run_gui_benchmark(std::ostream& out, std::ostream& err, const GuiBenchmarkOptions& options = {});

}  // namespace maillab::viz
