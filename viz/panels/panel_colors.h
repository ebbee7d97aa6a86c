// Colours shared by the list panels (event log, journey): a record's text colour says what it is.
#pragma once

#include <imgui.h>

#include "engine/core/trace.h"
#include "viz/model/style.h"

namespace maillab::viz {

inline ImVec4 to_imgui(Rgba c) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, c.a / 255.0f); }

inline ImVec4 record_color(const engine::TraceRecord& record) {
  if (record.kind == engine::TraceKind::drop || record.kind == engine::TraceKind::fault) {
    return to_imgui(drop_color);
  }
  if (record.protocol.empty()) return ImVec4(0.92f, 0.92f, 0.94f, 1);
  return to_imgui(category_color(categorize_protocol(record.protocol)));
}

}  // namespace maillab::viz
