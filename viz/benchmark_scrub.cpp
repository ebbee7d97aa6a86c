#include "viz/benchmark_scrub.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <limits>

#include "bench/run_stats.h"
#include "scenarios/diagnostics.h"
#include "scenarios/loader.h"
#include "viz/model/replay.h"
#include "viz/world_scene.h"

namespace maillab::viz {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double cpu_seconds_since(std::clock_t start) { return double(std::clock() - start) / CLOCKS_PER_SEC; }

std::string figure(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

double megabytes(std::uint64_t kb) { return double(kb) / 1024; }

// Background work until the ladder is complete for where the controller is, in the slices the
// GUI runs (a frame's budget); prints what it took. Nothing when the window keeps no checkpoints.
void settle(std::ostream& out, ReplayController& controller, const std::string& name) {
  if (controller.checkpoints().capacity() == 0) return;
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu = std::clock();
  const std::uint64_t before = controller.checkpoints().events_run();
  while (controller.refill_checkpoints(2048) > 0) {
  }
  out << name << "_refill_s=" << figure(seconds_since(start)) << " (cpu " << figure(cpu_seconds_since(cpu)) << ")\n"
      << name << "_refill_events=" << controller.checkpoints().events_run() - before << '\n';
}

// One jump back to `target` events, with what it cost and where it landed.
void jump(std::ostream& out, ReplayController& controller, std::uint64_t target, const std::string& name) {
  const RecordLog& log = controller.records();
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu = std::clock();
  controller.replay_to_executed(target);
  out << name << "_s=" << figure(seconds_since(start)) << " (cpu " << figure(cpu_seconds_since(cpu)) << ")\n"
      << name << "_events=" << controller.simulator().executed() << " (clock "
      << engine::format_seconds(controller.now()) << " s, from event " << controller.last_replay_origin() << ": "
      << controller.simulator().executed() - controller.last_replay_origin() << " events run)\n"
      << name << "_records_held=" << log.size() - log.first() << " (from record " << log.first() << ")\n";
  settle(out, controller, name);
}

// One pass: load, run to the end, (park scenes), step back at the end, jump back 1 % of the
// events, then to each fraction of them. `label` prefixes every name.
void measure(std::ostream& out, const SceneFactory& factory, const ReplayWindow& window, const std::string& label,
             const std::vector<double>& fractions) {
  auto start = std::chrono::steady_clock::now();
  ReplayController controller(factory, window);
  out << label << "load_s=" << figure(seconds_since(start)) << '\n';
  start = std::chrono::steady_clock::now();
  controller.run_to(controller.scene().until());
  const RecordLog& log = controller.records();
  // The jumps are to fractions of the events run (a busy world's events crowd its first seconds;
  // a fraction of its clock would mostly land in the quiet tail).
  const std::uint64_t total = controller.simulator().executed();
  out << label << "run_to_end_s=" << figure(seconds_since(start)) << '\n'
      << label << "events=" << controller.simulator().executed() << '\n'
      << label << "records=" << controller.simulator().trace().count() << '\n'
      << label << "records_held=" << log.size() - log.first() << '\n'
      << label << "peak_rss_mb=" << bench::peak_rss_kb() / 1024 << '\n';
  if (controller.checkpoints().capacity() > 0) {
    const std::uint64_t rss_before = bench::current_rss_kb();
    settle(out, controller, label + "park");
    const std::size_t parked = controller.checkpoints().size();
    out << label << "parked_scenes=" << parked << '\n' << label << "parked_at=";
    for (const std::uint64_t point : controller.checkpoints().points()) out << point << ' ';
    out << '\n';
    if (parked > 0) {
      const double each = megabytes(bench::current_rss_kb() - std::min(bench::current_rss_kb(), rss_before)) / double(parked);
      out << label << "rss_per_parked_scene_mb=" << figure(each) << '\n';
    }
  }
  jump(out, controller, total - 1, label + "step_back_at_end");
  jump(out, controller, total - total / 100, label + "jump_back_1pct");
  for (const double fraction : fractions) {
    const std::string at = std::to_string(int(fraction * 100 + 0.5));
    jump(out, controller, std::uint64_t(double(total) * fraction), label + "jump_to_" + at + "pct");
  }
  out << label << "peak_rss_mb=" << bench::peak_rss_kb() / 1024 << '\n';
}

}  // namespace

int run_scrub_benchmark(std::ostream& out, std::ostream& err, const ScrubBenchmarkOptions& options) {
  {
    scenarios::Diagnostics diagnostics;
    if (!scenarios::load_world_from_string(options.scenario_text, options.name, std::nullopt, diagnostics) ||
        diagnostics.has_errors()) {
      err << diagnostics.to_string();
      return 2;
    }
  }
  const std::string text = options.scenario_text, name = options.name;
  const SceneFactory factory = [text, name]() -> std::unique_ptr<Scene> {
    scenarios::Diagnostics diagnostics;
    auto world = scenarios::load_world_from_string(text, name, std::nullopt, diagnostics);
    if (!world) return make_empty_scene("could not load " + name);
    return std::make_unique<WorldScene>(std::move(world));
  };
  // Now: parked scenes, fast-forward, a recorded window, a bounded log (the GUI's defaults).
  ReplayWindow window;
  window.checkpoints = options.checkpoints;
  window.checkpoint_spacing = options.checkpoint_spacing;
  measure(out, factory, window, "", options.fractions);
  if (options.compare_from_zero && options.checkpoints > 0) {
    // Before the checkpoints: every jump replays from time zero (fast-forward, window, bounded log).
    ReplayWindow from_zero;
    from_zero.checkpoints = 0;
    measure(out, factory, from_zero, "from_zero_", options.fractions);
  }
  if (options.compare_keep_all) {
    // Before: every replay from time zero with every record made and kept.
    ReplayWindow keep_all;
    keep_all.events = std::numeric_limits<std::uint64_t>::max();
    keep_all.log_capacity = std::numeric_limits<std::size_t>::max();
    keep_all.checkpoints = 0;
    measure(out, factory, keep_all, "keep_all_", options.fractions);
  }
  return 0;
}

}  // namespace maillab::viz
