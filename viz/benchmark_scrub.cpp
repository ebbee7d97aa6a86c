#include "viz/benchmark_scrub.h"

#include <chrono>
#include <cstdio>
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

std::string figure(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

// One pass: load, run to the end, jump back to each fraction of the events. `label` prefixes every name.
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
  for (const double fraction : fractions) {
    const auto target = std::uint64_t(double(total) * fraction);
    const std::string at = std::to_string(int(fraction * 100 + 0.5));
    start = std::chrono::steady_clock::now();
    controller.replay_to_executed(target);
    out << label << "jump_to_" << at << "pct_s=" << figure(seconds_since(start)) << '\n'
        << label << "jump_to_" << at << "pct_events=" << controller.simulator().executed() << " (clock "
        << engine::format_seconds(controller.now()) << " s)\n"
        << label << "jump_to_" << at << "pct_records_held=" << log.size() - log.first() << " (from record "
        << log.first() << ")\n";
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
  // Now: fast-forward, a recorded window, a bounded log (the GUI's defaults).
  measure(out, factory, ReplayWindow{}, "", options.fractions);
  if (options.compare_keep_all) {
    // Before: every replay from time zero with every record made and kept.
    ReplayWindow keep_all;
    keep_all.events = std::numeric_limits<std::uint64_t>::max();
    keep_all.log_capacity = std::numeric_limits<std::size_t>::max();
    measure(out, factory, keep_all, "keep_all_", options.fractions);
  }
  return 0;
}

}  // namespace maillab::viz
