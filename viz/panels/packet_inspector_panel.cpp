// Inspector for one trace record: a packet (hop or drop) with its decoded IPv4/TCP/UDP/DNS
// headers, its application bytes and a hex dump; or any other event with its fields.
#include <cstdio>

#include <imgui.h>

#include "viz/imgui_sfml.h"
#include "viz/model/style.h"
#include "viz/panels/panel_colors.h"
#include "viz/panels/inspector_panel.h"
#include "viz/panels/padlock_icon.h"
#include "viz/panels/tls_inspector_section.h"
#include "engine/hosts/tls/world_pki.h"
#include "engine/net/network.h"

namespace maillab::viz {

namespace {

// Record number and kind, times, ends, protocol, packet and connection ids, message id.
void draw_record_fields(const engine::TraceRecord& record) {
  if (!ImGui::BeginTable("record", 2, ImGuiTableFlags_SizingFixedFit)) return;
  auto row = [](const char* key, const std::string& value) {
    if (value.empty()) return;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", key);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(value.c_str());
  };
  row("record", "#" + std::to_string(record.sequence) + " " + std::string(engine::to_string(record.kind)));
  row("time", engine::format_seconds(record.time) + " s");
  if (record.kind == engine::TraceKind::hop) {
    char on_link[48];
    std::snprintf(on_link, sizeof on_link, " s (%.3f ms on the link)", double(record.arrive - record.time) / 1000.0);
    row("arrives", engine::format_seconds(record.arrive) + on_link);
  }
  row(record.kind == engine::TraceKind::hop ? "from" : "node", record.node);
  row(record.kind == engine::TraceKind::hop ? "to" : "peer", record.peer);
  row("protocol", record.protocol);
  if (record.packet) row("packet id", std::to_string(record.packet));
  if (record.connection) row("connection", std::to_string(record.connection));
  row("message", record.message);
  ImGui::EndTable();
}

// "Show this message's journey" and "Go to this moment", queued to run after the frame.
void draw_record_actions(VisualizerState& state, const engine::TraceRecord& record) {
  if (!record.message.empty()) {
    if (ImGui::SmallButton("Show this message's journey")) state.selection.message = record.message;
    ImGui::SameLine();
  }
  if (record.time != state.now() && ImGui::SmallButton("Go to this moment")) {
    const engine::Time target = record.time;
    state.clock.playing = false;
    state.after_frame.push_back([&state, target] { state.replay.run_to(target); });
  }
}

// A packet's decoded header fields, layer by layer, and its application data.
void draw_packet_headers(const DecodedPacket& decoded, bool start_open) {
  if (!ImGui::CollapsingHeader("Headers", start_open ? ImGuiTreeNodeFlags_DefaultOpen : 0)) return;
  if (!decoded.problem.empty()) ImGui::TextColored(to_imgui(drop_color), "%s", decoded.problem.c_str());
  if (ImGui::BeginTable("fields", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    for (const auto& field : decoded.fields) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", field.layer.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(field.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(field.value.c_str());
    }
    ImGui::EndTable();
  }
  if (!decoded.application_text.empty()) {
    ImGui::TextDisabled("application data (%zu bytes):", decoded.application_length);
    ImGui::TextWrapped("%s", decoded.application_text.c_str());
  } else if (decoded.application_length) {
    ImGui::TextDisabled("application data: %zu bytes (binary)", decoded.application_length);
  }
}

void draw_hex_dump(const std::vector<std::string>& dump) {
  if (!ImGui::CollapsingHeader("Bytes")) return;
  ImFont* mono = monospace_font();
  if (mono) ImGui::PushFont(mono);
  ImGuiListClipper clipper;
  clipper.Begin(int(dump.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) ImGui::TextUnformatted(dump[std::size_t(i)].c_str());
  }
  if (mono) ImGui::PopFont();
}

}  // namespace

void RecordInspectorPanel::refresh(VisualizerState& state, std::size_t index) {
  const auto& records = state.records();
  if (decoded_record != index || decoded_generation != state.replay.generation()) {
    decoded_record = index;
    decoded_generation = state.replay.generation();
    const std::vector<std::uint8_t> bytes = records[index].payload.bytes();
    decoded = decode_ipv4_packet(bytes);
    dump = hex_dump(bytes, 65536, 8);
    tls_records_seen = 0;
  }
  // The connection's story goes on after its first hop (the handshake ends, the verdict comes).
  if (tls_records_seen != records.size()) {
    tls_records_seen = records.size();
    engine::Network* network = state.replay.scene().network();
    const engine::TlsObservations* observations =
        network && network->tls_pki() ? &network->tls_pki()->observations : nullptr;
    tls = inspect_tls(records[index], index, state.tls, observations);
  }
}

void RecordInspectorPanel::Draw(VisualizerState& state, std::size_t index) {
  const auto& records = state.records();
  if (!records.contains(index)) return;
  const engine::TraceRecord& record = records[index];
  refresh(state, index);
  const Rgba color = record.protocol.empty() ? label_color : category_color(categorize_protocol(record.protocol));
  if (tls.padlock != Padlock::none) padlock_icon(tls.padlock);
  const std::string caption = record.kind == engine::TraceKind::hop ? hop_caption(record) : record.summary;
  ImGui::PushStyleColor(ImGuiCol_Text, to_imgui(color));
  ImGui::TextWrapped("%s", caption.empty() ? "(no summary)" : caption.c_str());  // a whole handshake flight is long
  ImGui::PopStyleColor();
  // What TLS changes for these bytes is the point of a TLS or plain-text hop: it comes first.
  draw_tls_byte_views(record, tls);
  draw_record_fields(record);
  draw_record_actions(state, record);
  draw_tls_connection(record, tls);
  if (record.payload.empty()) return;
  if (record.kind == engine::TraceKind::hop || record.kind == engine::TraceKind::drop) {
    // For TLS the eavesdropper's and the decrypted views above matter more: headers start closed.
    draw_packet_headers(decoded, tls.padlock != Padlock::closed);
  } else {
    ImGui::TextDisabled("message bytes:");
    std::string text(record.payload.begin(), record.payload.end());
    ImGui::TextWrapped("%s", text.c_str());
  }
  draw_hex_dump(dump);
}

}  // namespace maillab::viz
