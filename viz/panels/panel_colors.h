// Colours shared by the panels: a record's text colour in the lists (event log, journey) says what it is.
#pragma once

#include <imgui.h>

#include "engine/core/trace.h"
#include "viz/model/style.h"

namespace maillab::viz {

// Every colour the panels choose themselves (the rest is ImGui's dark style), so a panel never
// writes a colour of its own: right and wrong answers, headings and status lines, a host that is
// up, the event log's tint on what the lesson's step ran, and an exercise's unsaved edits.
inline const ImVec4 good_color(0.45f, 0.85f, 0.45f, 1.0f);
inline const ImVec4 bad_color(1.0f, 0.45f, 0.40f, 1.0f);
inline const ImVec4 accent_color(1.0f, 0.80f, 0.30f, 1.0f);
inline const ImVec4 up_color(0.4f, 0.9f, 0.5f, 1.0f);
inline const ImVec4 step_tint_color(1.0f, 0.80f, 0.30f, 0.16f);  // accent_color, faint behind text
inline const ImVec4 unsaved_button_color(0.20f, 0.50f, 0.25f, 1.0f);

inline ImVec4 to_imgui(Rgba c) { return ImVec4(c.r / 255.0f, c.g / 255.0f, c.b / 255.0f, c.a / 255.0f); }

inline ImVec4 record_color(const engine::TraceRecord& record) {
  if (record.kind == engine::TraceKind::drop || record.kind == engine::TraceKind::fault) {
    return to_imgui(drop_color);
  }
  if (record.protocol.empty()) return ImVec4(0.92f, 0.92f, 0.94f, 1);
  return to_imgui(category_color(categorize_protocol(record.protocol)));
}

}  // namespace maillab::viz
