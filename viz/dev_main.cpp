// maillab_viz_dev: the visualizer without the rest of the command line, for developing viz/.
//   maillab_viz_dev [gui arguments...]      e.g. maillab_viz_dev --screenshot out.png --at 0.5
//   maillab_viz_dev bench [FRAMES [PACKETS [WIDTH HEIGHT]]]
#include <iostream>
#include <string>
#include <vector>

#include "viz/visualizer.h"

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  if (!arguments.empty() && arguments[0] == "bench") {
    maillab::viz::GuiBenchmarkOptions options;
    if (arguments.size() > 1) options.frames = std::stoi(arguments[1]);
    if (arguments.size() > 2) options.packets_in_flight = std::stoi(arguments[2]);
    if (arguments.size() > 4) {
      options.width = unsigned(std::stoi(arguments[3]));
      options.height = unsigned(std::stoi(arguments[4]));
    }
    return maillab::viz::run_gui_benchmark(std::cout, std::cerr, options);
  }
  if (!arguments.empty() && (arguments[0] == "--help" || arguments[0] == "-h")) {
    std::cout << maillab::viz::visualizer_usage();
    return 0;
  }
  std::string error;
  const auto options = maillab::viz::parse_visualizer_arguments(arguments, error);
  if (!options) {
    std::cerr << "maillab gui: " << error << '\n' << maillab::viz::visualizer_usage();
    return 2;
  }
  return maillab::viz::run_visualizer(*options, std::cout, std::cerr);
}
