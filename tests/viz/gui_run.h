// Running `maillab gui` headless under Xvfb from a test (include after catch.hpp).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace maillab::test {

// The build directory holding `maillab`, when the gui can run here (xvfb-run installed and the
// harness said where the binary is); otherwise a warning says why the test is skipped.
inline std::optional<std::string> gui_build_directory() {
  if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
    WARN("xvfb-run is not installed: test skipped");
    return std::nullopt;
  }
  const char* build = std::getenv("MAILLAB_BUILD_DIR");
  if (!build || !std::filesystem::exists(std::string(build) + "/maillab")) {
    WARN("MAILLAB_BUILD_DIR unset or no maillab binary in it: test skipped");
    return std::nullopt;
  }
  return std::string(build);
}

// `maillab gui ARGUMENTS --screenshot PNG --frames 3` on a virtual screen of `size` (WxH); what
// it printed. Requires exit status 0 and the PNG written.
inline std::string run_gui(const std::string& build, const std::string& arguments, const std::string& png,
                           const std::string& size = "1280x800") {
  std::filesystem::remove(png);
  const std::string out = png + ".txt";
  const std::string command = "xvfb-run -a -s \"-screen 0 " + size + "x24\" " + build + "/maillab gui " + arguments +
                              " --screenshot " + png + " --frames 3 > " + out + " 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  INFO(text.str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  REQUIRE(std::filesystem::exists(png));
  return text.str();
}

}  // namespace maillab::test
