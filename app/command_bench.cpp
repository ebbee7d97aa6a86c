// maillab bench hold --pending P --events N [--seed S] — the event-list "hold" benchmark
// (bench/hold.h). Benchmarks print figures; nothing here is a timed test.
#include <iostream>
#include <limits>

#include "app/arguments.h"
#include "app/commands.h"
#include "bench/hold.h"
#include "viz/visualizer.h"

namespace maillab::app {
namespace {

std::optional<std::uint64_t> whole_number(const std::string& text, std::uint64_t max) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  std::uint64_t value = std::stoull(text);
  if (value > max) return std::nullopt;
  return value;
}

}  // namespace

int command_bench(const Arguments& arguments) {
  std::string error;
  auto parsed = parse_arguments(arguments, {{"pending"}, {"events"}, {"seed"}, {"frames"}, {"packets"}, {"screenshot"}}, error);
  if (!parsed) return usage_error("bench", error);
  if (!parsed->help && parsed->positional.size() == 1 && parsed->positional.front() == "gui") {
    // Frame-time percentiles of the visualizer with many packets in flight (needs a display:
    // run under xvfb-run).
    viz::GuiBenchmarkOptions options;
    if (parsed->has("frames")) {
      auto frames = whole_number(parsed->options["frames"], 100'000);
      if (!frames || *frames == 0) return usage_error("bench", "bad --frames; expected a whole number above 0");
      options.frames = static_cast<int>(*frames);
    }
    if (parsed->has("packets")) {
      auto packets = whole_number(parsed->options["packets"], 1'000'000);
      if (!packets) return usage_error("bench", "bad --packets; expected a whole number");
      options.packets_in_flight = static_cast<int>(*packets);
    }
    if (parsed->has("screenshot")) options.screenshot = parsed->options["screenshot"];
    return viz::run_gui_benchmark(std::cout, std::cerr, options) == 0 ? 0 : 2;
  }
  if (parsed->help) {
    std::cout << "Usage: maillab bench hold [--pending P] [--events N] [--seed S]\n"
                 "       maillab bench gui [--frames N] [--packets P] [--screenshot FILE]   (under xvfb-run)\n"
                 "The classic hold model of event lists: P events stay pending (default 1000); each\n"
                 "of N events run (default 1000000) schedules one more. Prints one line of figures.\n"
                 "The gui benchmark renders P packets in flight (default 2000) for N frames (default\n"
                 "300) and prints frame-time percentiles; --screenshot saves the last frame measured.\n";
    return 0;
  }
  if (parsed->positional.size() != 1 || parsed->positional.front() != "hold")
    return usage_error("bench", "unknown benchmark; expected 'hold' or 'gui'");
  std::uint64_t values[3] = {1000, 1'000'000, 1};
  const char* names[3] = {"pending", "events", "seed"};
  for (int i = 0; i < 3; ++i) {
    if (!parsed->has(names[i])) continue;
    auto value = whole_number(parsed->options[names[i]], i == 0 ? 100'000'000 : std::numeric_limits<std::int64_t>::max());
    if (!value || (i < 2 && *value == 0))
      return usage_error("bench", "bad --" + std::string(names[i]) + " '" + parsed->options[names[i]] +
                                      "'; expected a whole number above 0");
    values[i] = *value;
  }
  int status = bench::run_hold_benchmark(static_cast<std::size_t>(values[0]), values[1], values[2], std::cout);
  return status == 0 ? 0 : 2;
}

}  // namespace maillab::app
