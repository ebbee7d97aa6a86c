// `maillab bench gui`: frame times with 2,000 packets in flight (DESIGN.md: benchmarks print
// figures, tests never assert them).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <utility>
#include <vector>

#include <sys/resource.h>

#include "viz/canvas/font.h"
#include "viz/model/synthetic_scene.h"
#include "viz/visualizer.h"
#include "viz/visualizer_app.h"

namespace maillab::viz {

namespace {
// CPU seconds of the whole process (every thread: Mesa's software renderer rasterizes on its own
// threads). On a machine shared with other work, wall time per frame includes waiting for a core;
// CPU time per frame is what the frame cost.
double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1e-6 * double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}
}  // namespace

int run_gui_benchmark(std::ostream& out, std::ostream& err, const GuiBenchmarkOptions& options) {
  const auto font = find_font();
  if (!font) {
    err << missing_font_message() << '\n';
    return 1;
  }
  TrafficOptions traffic;
  traffic.hop_duration = engine::seconds(1);
  traffic.packets_per_second = std::max(1, options.packets_in_flight);
  traffic.until = engine::seconds(3600);
  AppSettings settings;
  settings.width = options.width;
  settings.height = options.height;
  settings.vsync = false;
  settings.title = "maillab - gui benchmark";
  VisualizerApp app([traffic] { return make_traffic_scene(traffic); }, settings, *font);
  if (!app.ok()) {
    err << app.error() << '\n';
    return 1;
  }
  // Warm up to the steady state: one full hop duration of traffic already in the air.
  app.replay().run_to(engine::seconds(2));
  app.state().clock.speed = 1.0;
  app.state().clock.playing = true;
  for (int i = 0; i < 5; ++i) app.frame(1.0 / 60.0);

  std::vector<double> milliseconds;
  std::vector<std::pair<double, FrameTimes>> frames;  // each frame's time and its parts, for the slow ones
  std::size_t in_flight_total = 0;
  FrameTimes sum;
  const double cpu_start = process_cpu_seconds();
  for (int i = 0; i < options.frames && app.open(); ++i) {
    const auto start = std::chrono::steady_clock::now();
    app.frame(1.0 / 60.0);
    const auto end = std::chrono::steady_clock::now();
    milliseconds.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    in_flight_total += app.state().flights_in_view;
    const FrameTimes& t = app.last_frame_times();
    frames.emplace_back(milliseconds.back(), t);
    sum.simulate += t.simulate;
    sum.panels += t.panels;
    sum.canvas += t.canvas;
    sum.imgui_render += t.imgui_render;
    sum.present += t.present;
    sum.checkpoints += t.checkpoints;
  }
  const double cpu_ms_per_frame = (process_cpu_seconds() - cpu_start) * 1e3 / double(std::max<std::size_t>(1, milliseconds.size()));
  if (milliseconds.empty()) {
    err << "gui benchmark: no frames rendered\n";
    return 1;
  }
  if (!options.screenshot.empty() && !app.frame(1.0 / 60.0, options.screenshot)) {
    err << "gui benchmark: cannot write " << options.screenshot << '\n';
    return 1;
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  auto percentile = [&](double p) {
    const std::size_t index = std::min(milliseconds.size() - 1, std::size_t(p / 100.0 * double(milliseconds.size())));
    return milliseconds[index];
  };
  char line[256];
  std::snprintf(line, sizeof line,
                "gui frame time: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms (%zu frames, %zu packets in flight "
                "on average, %ux%u)\n",
                percentile(50), percentile(90), percentile(99), milliseconds.back(), milliseconds.size(),
                in_flight_total / milliseconds.size(), options.width, options.height);
  out << line;
  const double n = double(milliseconds.size());
  std::snprintf(line, sizeof line,
                "  mean per part: simulate %.2f ms, panels %.2f ms, canvas %.2f ms, imgui draw %.2f ms, "
                "present %.2f ms, checkpoints %.2f ms; process CPU %.2f ms a frame (all threads)\n",
                sum.simulate / n, sum.panels / n, sum.canvas / n, sum.imgui_render / n, sum.present / n,
                sum.checkpoints / n,
                cpu_ms_per_frame);
  out << line;
  // What the slowest 1 % of frames spent their time on: spikes show here, not in the means.
  std::sort(frames.begin(), frames.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  const std::size_t slow = std::max<std::size_t>(1, frames.size() / 100);
  FrameTimes worst;
  for (std::size_t i = 0; i < slow; ++i) {
    worst.simulate += frames[i].second.simulate / double(slow);
    worst.panels += frames[i].second.panels / double(slow);
    worst.canvas += frames[i].second.canvas / double(slow);
    worst.imgui_render += frames[i].second.imgui_render / double(slow);
    worst.present += frames[i].second.present / double(slow);
  }
  std::snprintf(line, sizeof line,
                "  slowest 1 %% (%zu frames), mean per part: simulate %.2f ms, panels %.2f ms, canvas %.2f ms, "
                "imgui draw %.2f ms, present %.2f ms\n",
                slow, worst.simulate, worst.panels, worst.canvas, worst.imgui_render, worst.present);
  out << line;
  return 0;
}

}  // namespace maillab::viz
