#include "viz/panels/inspector_panel.h"

#include <imgui.h>

#include "viz/panels/window_flags.h"

namespace maillab::viz {

void InspectorPanel::Draw(VisualizerState& state, const Rect& area) {
  begin_fixed_window("Inspector", area);
  const bool has_object = !state.selection.node.empty() || state.selection.link_id.has_value();
  const bool has_record = state.selection.record.has_value() && state.records().contains(*state.selection.record);
  if (!has_object && !has_record) {
    ImGui::TextWrapped("Click a host, a link or a packet on the canvas, or a row of the event log.");
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Right-click a host or link to take it down or bring it up.");
    ImGui::TextWrapped("Drag to pan, mouse wheel to zoom, Home to re-frame.");
    ImGui::TextWrapped("Space: play/pause, Right: step, Left: step back.");
    ImGui::PopStyleColor();
  }
  if (!state.selection.node.empty()) {
    host.Draw(state, state.selection.node);
  } else if (state.selection.link_id) {
    link.Draw(state, *state.selection.link_id);
  }
  if (has_record) {
    if (has_object) ImGui::Separator();
    record.Draw(state, *state.selection.record);
  }
  ImGui::End();
}

}  // namespace maillab::viz
