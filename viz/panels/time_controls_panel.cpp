#include "viz/panels/time_controls_panel.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "viz/panels/panel_colors.h"
#include "viz/panels/window_flags.h"

namespace maillab::viz {

using engine::TraceKind;

void queue_step_event(VisualizerState& state) {
  state.clock.playing = false;
  state.after_frame.push_back([&state] {
    state.status = state.replay.step_event() ? "" : "no more events";
  });
}

void queue_step_back(VisualizerState& state) {
  state.clock.playing = false;
  state.after_frame.push_back([&state] {
    if (!state.replay.step_back()) {
      state.status = "at the start";
    } else if (const std::uint64_t origin = state.replay.last_replay_origin(); origin > 0) {
      state.status = "stepped back (replayed from a checkpoint at event " + std::to_string(origin) + ")";
    } else {
      state.status = "stepped back (replayed from the start)";
    }
  });
}

void queue_step_to_next(VisualizerState& state, TraceKind kind, const char* what) {
  state.clock.playing = false;
  state.after_frame.push_back([&state, kind, what] {
    const bool found = state.replay.step_until([kind](const engine::TraceRecord& r) { return r.kind == kind; });
    state.status = found ? "" : std::string("no further ") + what;
    if (found) {
      const auto& records = state.records();
      for (std::size_t i = records.size(); i-- > records.first();) {
        if (records[i].kind == kind) {
          state.selection.record = i;
          break;
        }
      }
    }
  });
}

void TimeControlsPanel::Draw(VisualizerState& state, const Rect& area) {
  begin_fixed_window("Time", area, fixed_bar);

  if (ImGui::Button(state.clock.playing ? "Pause" : "Play", ImVec2(70 * state.ui_scale, 0))) {
    state.clock.playing = !state.clock.playing;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space");
  ImGui::SameLine();
  if (ImGui::Button("<< Back")) queue_step_back(state);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Step back one event (Left arrow): replays the run from the latest checkpoint before it");
  ImGui::SameLine();
  if (ImGui::Button("Event >")) queue_step_event(state);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run exactly one simulator event (Right arrow)");
  ImGui::SameLine();
  if (ImGui::Button("Hop >")) queue_step_to_next(state, TraceKind::hop, "hops");
  ImGui::SameLine();
  if (ImGui::Button("Message >")) queue_step_to_next(state, TraceKind::protocol, "protocol messages");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Run to the next protocol message (a DNS query, an SMTP line, ...)");
  ImGui::SameLine();
  if (ImGui::Button("Mail event >")) queue_step_to_next(state, TraceKind::mail, "mail events");
  ImGui::SameLine();
  if (ImGui::Button("Restart")) {
    state.clock.playing = false;
    state.after_frame.push_back([&state] {
      state.replay.restart();
      state.status = "restarted";
    });
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Back to time 0 and forget the faults injected from here");
  ImGui::SameLine();
  ImGui::TextUnformatted("|");
  ImGui::SameLine();
  ImGui::Text("t = %s s", engine::format_seconds(state.now()).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("events %llu, in flight %zu", static_cast<unsigned long long>(state.replay.simulator().executed()),
                      state.flights_in_view);
  if (!state.status.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(accent_color, "%s", state.status.c_str());
  }

  // Second row: timeline, speed, what to show.
  const double until = std::max<double>(double(state.replay.scene().until()), double(state.now())) / 1e6;
  if (!dragging_timeline) timeline_seconds = float(double(state.now()) / 1e6);
  ImGui::SetNextItemWidth(float(area.width * 0.45));
  ImGui::SliderFloat("##timeline", &timeline_seconds, 0.0f, float(until), "%.3f s");
  if (ImGui::IsItemActivated()) state.clock.playing = false;
  dragging_timeline = ImGui::IsItemActive();
  if (ImGui::IsItemDeactivatedAfterEdit()) {
    const engine::Time target = engine::Time(double(timeline_seconds) * 1e6);
    state.after_frame.push_back([&state, target] {
      state.replay.run_to(target);
      state.status = "";
    });
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Timeline: drag to jump (backwards replays the run)");
  ImGui::SameLine();
  float slider = float(slider_from_speed(state.clock.speed));
  char speed_text[32];
  std::snprintf(speed_text, sizeof speed_text, state.clock.speed < 0.1 ? "speed %.3fx" : "speed %.2fx",
                state.clock.speed);
  ImGui::SetNextItemWidth(float(area.width * 0.2));
  if (ImGui::SliderFloat("##speed", &slider, 0.0f, 1.0f, speed_text)) {
    state.clock.speed = speed_from_slider(slider);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Simulated seconds per real second (0.01x .. 1000x)");
  ImGui::SameLine();
  ImGui::Checkbox("Legend", &state.show_legend);
  ImGui::SameLine();
  ImGui::Checkbox("Log", &state.show_log);
  ImGui::SameLine();
  ImGui::Checkbox("Inspector", &state.show_inspector);
  ImGui::End();
}

}  // namespace maillab::viz
