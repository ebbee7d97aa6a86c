// The one font the visualizer uses: DejaVu Sans from Debian's fonts-dejavu-core.
#pragma once

#include <optional>
#include <string>

namespace maillab::viz {

// The first DejaVuSans.ttf found in the usual places ($MAILLAB_FONT overrides); nullopt if none.
std::optional<std::string> find_font();

// What to tell a person when it is missing.
std::string missing_font_message();

}  // namespace maillab::viz
