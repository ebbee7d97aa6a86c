// `maillab bench scrub`: what scrubbing a long run costs in the visualizer's model, headless (no
// window): a world run to its end through ReplayController as the GUI runs it, then jumps back to
// fractions of its length (90 %, 50 %, 30 %, 10 %), after a step back and a short jump back at the end.
// Each jump is a replay (viz/model/replay.h); it is measured three ways: from parked scenes
// (viz/model/checkpoint_ladder.h, refilled between jumps as the GUI does between frames, and that
// background work measured apart), from time zero with fast-forward (no checkpoints), and as
// replays first worked (every record made and kept from time zero).
// Benchmarks print figures; nothing here is a timed test (DESIGN.md, Conventions).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace maillab::viz {

struct ScrubBenchmarkOptions {
  std::string scenario_text;  // a scenario (bench mail's generated world, or a file's text)
  std::string name = "bench-scrub";
  std::vector<double> fractions = {0.9, 0.5, 0.3, 0.1};
  std::size_t checkpoints = 6;        // parked scenes (ReplayWindow::checkpoints)
  std::uint64_t checkpoint_spacing = 8192;
  bool compare_from_zero = true;      // also measure jumps with no checkpoints
  bool compare_keep_all = true;       // and the first way: replay from zero keeping everything
};

// Prints name=value lines (bench/README.md, "Scrubbing a long run"). 0, or 2 when the scenario
// does not load.
int run_scrub_benchmark(std::ostream& out, std::ostream& err, const ScrubBenchmarkOptions& options);

}  // namespace maillab::viz
