// The journey of one message: every trace record carrying its tracking id, with times.
#include <algorithm>

#include <imgui.h>

#include "viz/model/filters.h"
#include "viz/panels/event_log_panel.h"
#include "viz/panels/padlock_icon.h"
#include "viz/panels/panel_colors.h"
#include "viz/panels/wrapped_text.h"
#include "viz/panels/window_flags.h"

namespace maillab::viz {

void JourneyPanel::Draw(VisualizerState& state, const Rect& area) {
  begin_fixed_window("Message journey", area);
  const auto& records = state.records();
  if (generation != state.replay.generation()) {
    journeys.reset();
    generation = state.replay.generation();
  }
  journeys.sync(records);
  const auto& ids = journeys.ids();
  if (ids.empty()) {
    ImGui::TextDisabled("No message has been tracked yet.");
    ImGui::End();
    return;
  }
  if (state.selection.message.empty()) state.selection.message = ids.front();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::BeginCombo("message", state.selection.message.c_str())) {
    for (const auto& id : ids) {
      if (ImGui::Selectable(id.c_str(), id == state.selection.message)) state.selection.message = id;
    }
    ImGui::EndCombo();
  }
  // Records the log has let go of (a long run, a replay that fast-forwarded) are not listed.
  const auto& all_steps = journeys.journey(state.selection.message);
  const auto held = std::lower_bound(all_steps.begin(), all_steps.end(), records.first());
  const std::vector<std::size_t> steps(held, all_steps.end());
  ImGui::SameLine();
  ImGui::TextDisabled("%zu records", steps.size());
  if (ImGui::BeginTable("journey", 3,
                        ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 5.5f);
    ImGui::TableSetupColumn("where", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 6);
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const auto& record = records[steps[i]];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(int(i));
      const std::string time = engine::format_seconds(record.time);
      if (ImGui::Selectable(time.c_str(), state.selection.record == steps[i], ImGuiSelectableFlags_SpanAllColumns)) {
        state.selection.record = steps[i];
      }
      ImGui::PopID();
      // Both text columns wrap: a long summary ("deferred: queue entry Q1 (connect to ...)") must
      // be read whole on a projector, not cut at the panel's edge.
      ImGui::TableNextColumn();
      text_wrapped(record.node);
      ImGui::TableNextColumn();
      if (record.kind == engine::TraceKind::mail) {
        text_wrapped(record.summary);
      } else {
        if (const Padlock padlock = state.padlock(steps[i]); padlock != Padlock::none) padlock_icon(padlock);
        const std::string caption = record.kind == engine::TraceKind::hop ? hop_caption(record) : record.summary;
        ImGui::PushStyleColor(ImGuiCol_Text, record_color(record));
        ImGui::BeginGroup();  // lines after the first start under the first, right of the padlock
        text_wrapped(caption);
        ImGui::EndGroup();
        ImGui::PopStyleColor();
      }
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace maillab::viz
