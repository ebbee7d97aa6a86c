#include "viz/panels/event_log_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "viz/model/style.h"
#include "viz/panels/padlock_icon.h"
#include "viz/panels/panel_colors.h"
#include "viz/panels/window_flags.h"

namespace maillab::viz {

namespace {

constexpr engine::TraceKind all_kinds_list[] = {
    engine::TraceKind::hop,  engine::TraceKind::drop,  engine::TraceKind::transport, engine::TraceKind::protocol,
    engine::TraceKind::mail, engine::TraceKind::cache, engine::TraceKind::fault,     engine::TraceKind::note};

// A popup of one checkbox per trace kind, with "all" and "no hops" shortcuts.
void draw_kinds_popup(RecordFilter& filter) {
  if (ImGui::Button("Kinds")) ImGui::OpenPopup("kinds");
  if (!ImGui::BeginPopup("kinds")) return;
  for (auto kind : all_kinds_list) {
    bool on = filter.kinds & kind_bit(kind);
    if (ImGui::Checkbox(std::string(engine::to_string(kind)).c_str(), &on)) filter.kinds ^= kind_bit(kind);
  }
  if (ImGui::SmallButton("all")) filter.kinds = all_kinds;
  ImGui::SameLine();
  if (ImGui::SmallButton("no hops")) filter.kinds = all_kinds & ~kind_bit(engine::TraceKind::hop);
  ImGui::EndPopup();
}

// A popup of one checkbox per protocol category, and one for records of no protocol.
void draw_protocols_popup(RecordFilter& filter) {
  if (ImGui::Button("Protocols")) ImGui::OpenPopup("protocols");
  if (!ImGui::BeginPopup("protocols")) return;
  for (auto category : all_packet_categories) {
    bool on = filter.categories & category_bit(category);
    if (ImGui::Checkbox(std::string(category_name(category)).c_str(), &on)) {
      filter.categories ^= category_bit(category);
    }
  }
  ImGui::Checkbox("(no protocol)", &filter.without_protocol);
  ImGui::EndPopup();
}

}  // namespace

void EventLogPanel::Draw(VisualizerState& state, const Rect& area) {
  begin_fixed_window("Event log", area);
  const float unit = ImGui::GetFontSize();
  draw_filters(state, unit);
  draw_table(state, unit);
  ImGui::End();
}

void EventLogPanel::draw_filters(VisualizerState& state, float unit) {
  draw_kinds_popup(filter);
  ImGui::SameLine();
  draw_protocols_popup(filter);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(unit * 8);
  ImGui::InputTextWithHint("##host", "host", &filter.host);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(unit * 5);
  ImGui::InputTextWithHint("##message", "message id", &filter.message);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(unit * 8);
  ImGui::InputTextWithHint("##text", "text", &filter.text);
  ImGui::SameLine();
  ImGui::Checkbox("follow", &follow);
  ImGui::SameLine();
  if (generation != state.replay.generation()) {
    view.reset();
    generation = state.replay.generation();
  }
  const auto& records = state.records();
  view.sync(records, filter);
  ImGui::TextDisabled("%zu of %zu", view.rows().size(), records.size() - records.first());
  if (records.first() > 0) {
    ImGui::SameLine();
    ImGui::TextDisabled("(from record %zu)", records.first());
  }
  if (state.marked_records) {
    ImGui::SameLine();
    ImGui::TextColored(accent_color, "tinted: this step (%zu)",
                       state.marked_records->second - state.marked_records->first);
  }
}

void EventLogPanel::draw_table(VisualizerState& state, float unit) {
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("log", 6, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("time", ImGuiTableColumnFlags_WidthFixed, unit * 4.6f);
  ImGui::TableSetupColumn("kind", ImGuiTableColumnFlags_WidthFixed, unit * 4.0f);
  ImGui::TableSetupColumn("where", ImGuiTableColumnFlags_WidthFixed, unit * 13);
  ImGui::TableSetupColumn("proto", ImGuiTableColumnFlags_WidthFixed, unit * 3.2f);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, unit * 0.9f);  // padlock
  ImGui::TableSetupColumn("summary", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(int(view.rows().size()));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row)
      draw_row(state, view.rows()[std::size_t(row)], row);
  }
  if (follow && view.rows().size() != last_rows) ImGui::SetScrollHereY(1.0f);
  last_rows = view.rows().size();
  ImGui::EndTable();
}

// Record `index` as table row `row`: time (selects it), kind, where, protocol, padlock, summary.
void EventLogPanel::draw_row(VisualizerState& state, std::size_t index, int row) {
  const auto& record = state.records()[index];
  ImGui::TableNextRow();
  if (state.marked_records && index >= state.marked_records->first && index < state.marked_records->second) {
    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(step_tint_color));
  }
  ImGui::TableNextColumn();
  ImGui::PushID(row);
  const bool selected = state.selection.record && *state.selection.record == index;
  const std::string time = engine::format_seconds(record.time);
  if (ImGui::Selectable(time.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
    state.selection.record = index;
    if (!record.message.empty()) state.selection.message = record.message;
  }
  ImGui::PopID();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(std::string(engine::to_string(record.kind)).c_str());
  ImGui::TableNextColumn();
  if (record.peer.empty()) {
    ImGui::TextUnformatted(record.node.c_str());
  } else {
    ImGui::Text("%s -> %s", record.node.c_str(), record.peer.c_str());
  }
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(record.protocol.c_str());
  ImGui::TableNextColumn();
  const Padlock padlock = state.padlock(index);
  if (padlock != Padlock::none) {
    padlock_icon(padlock);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", padlock_meaning(padlock));
  }
  ImGui::TableNextColumn();
  const std::string caption = record.kind == engine::TraceKind::hop ? hop_caption(record) : record.summary;
  ImGui::TextColored(record_color(record), "%s%s%s", caption.c_str(), record.message.empty() ? "" : "   ",
                     record.message.c_str());
}

}  // namespace maillab::viz
