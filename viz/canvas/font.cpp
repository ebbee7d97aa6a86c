#include "viz/canvas/font.h"

#include <cstdlib>
#include <filesystem>

namespace maillab::viz {

std::optional<std::string> find_font() {
  if (const char* chosen = std::getenv("MAILLAB_FONT"); chosen && *chosen) {
    if (std::filesystem::exists(chosen)) return std::string(chosen);
  }
  for (const char* path : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                           "/usr/share/fonts/dejavu/DejaVuSans.ttf",
                           "/usr/share/fonts/TTF/DejaVuSans.ttf"}) {
    if (std::filesystem::exists(path)) return std::string(path);
  }
  return std::nullopt;
}

std::string missing_font_message() {
  return "maillab gui: cannot find the font DejaVuSans.ttf (looked in /usr/share/fonts/truetype/dejavu/).\n"
         "Install it with: sudo apt-get install fonts-dejavu-core  (or set MAILLAB_FONT=/path/to/font.ttf)";
}

}  // namespace maillab::viz
