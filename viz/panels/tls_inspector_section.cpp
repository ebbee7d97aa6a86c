#include "viz/panels/tls_inspector_section.h"

#include <cstdio>
#include <string>

#include <imgui.h>

#include "viz/imgui_sfml.h"
#include "viz/model/style.h"
#include "viz/panels/padlock_icon.h"
#include "viz/panels/panel_colors.h"

namespace maillab::viz {

namespace {

constexpr std::size_t dump_lines_shown = 6;

void disabled_wrapped(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

void monospace_lines(const std::vector<std::string>& lines, std::size_t limit) {
  ImFont* mono = monospace_font();
  if (mono) ImGui::PushFont(mono);
  for (std::size_t i = 0; i < lines.size() && i < limit; ++i) ImGui::TextUnformatted(lines[i].c_str());
  if (mono) ImGui::PopFont();
  if (lines.size() > limit) ImGui::TextDisabled("... %zu more lines (all of them under Bytes)", lines.size() - limit);
}

void monospace_wrapped(const std::string& text, ImVec4 color) {
  ImFont* mono = monospace_font();
  if (mono) ImGui::PushFont(mono);
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
  if (mono) ImGui::PopFont();
}

void draw_eavesdropper_view(const TlsInspection& inspection) {
  if (!ImGui::CollapsingHeader("What an eavesdropper on this link sees", ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (inspection.records.empty()) {
    ImGui::TextWrapped("Ciphertext only: the segment starts inside a TLS record, so not even a record header "
                       "can be read.");
  }
  for (const auto& header : inspection.records) {
    ImGui::BulletText("TLS record: %s (type %u), %u bytes%s", std::string(content_type_name(header.content_type)).c_str(),
                      unsigned(header.content_type), unsigned(header.length),
                      header.complete ? "" : ", continues in the next segment");
  }
  if (!inspection.server_name_in_clear.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_imgui(padlock_open_color));
    ImGui::TextWrapped("Readable in this ClientHello: the server name asked for (SNI), %s. The handshake's "
                       "first messages are not encrypted.",
                       inspection.server_name_in_clear.c_str());
    ImGui::PopStyleColor();
  }
  disabled_wrapped(inspection.server_name_in_clear.empty()
                       ? "Only the 5-byte record headers can be read; the rest is ciphertext:"
                       : "The bytes:");
  monospace_lines(inspection.ciphertext, dump_lines_shown);
}

void draw_inside_view(const engine::TraceRecord& record, const TlsInspection& inspection) {
  if (!ImGui::CollapsingHeader("Inside TLS (decrypted by the lab)", ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (!inspection.observed) {
    ImGui::TextWrapped("This world kept no record of its TLS plaintext.");
    return;
  }
  disabled_wrapped("The simulation holds the keys, so the lab can show what the records carry:");
  if (!inspection.plaintext.empty()) {
    monospace_wrapped(inspection.plaintext, to_imgui(category_color(categorize_protocol(record.protocol))));
  }
  if (!inspection.inside_note.empty()) ImGui::TextWrapped("(%s)", inspection.inside_note.c_str());
}

void draw_certificate(const CertificateView& certificate, std::size_t position) {
  const std::string title = std::to_string(position + 1) + ". " +
                            (certificate.authority ? "certificate authority " : "server certificate ") +
                            certificate.subject;
  ImGui::TextUnformatted(title.c_str());
  ImGui::Indent();
  // The value column takes the rest of the width, so long names wrap instead of standing in a
  // one-letter column.
  if (ImGui::BeginTable("certificate", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    auto row = [](const char* key, const std::string& value) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", key);
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", value.c_str());
    };
    row("subject", certificate.subject);
    row("issuer", certificate.issuer + (certificate.self_signed ? "  (itself: self-signed)" : ""));
    row("valid from", certificate.valid_from);
    row("valid until", certificate.valid_until);
    if (!certificate.validity_problem.empty()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      ImGui::PushStyleColor(ImGuiCol_Text, to_imgui(drop_color));
      ImGui::TextWrapped("%s", certificate.validity_problem.c_str());
      ImGui::PopStyleColor();
    }
    std::string names;
    for (const auto& name : certificate.names) names += (names.empty() ? "" : ", ") + name;
    if (!certificate.authority || !names.empty()) row("names (SAN)", names.empty() ? "(none)" : names);
    ImGui::EndTable();
  }
  ImGui::Unindent();
}

void draw_connection(const TlsInspection& inspection, bool open_by_default) {
  if (!ImGui::CollapsingHeader("TLS connection and certificate chain",
                               open_by_default ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
    return;
  }
  if (!inspection.client.empty() && !inspection.server.empty()) {
    ImGui::Text("%s (client) -> %s (server)", inspection.client.c_str(), inspection.server.c_str());
  }
  if (!inspection.established.empty()) ImGui::TextWrapped("%s", inspection.established.c_str());
  if (!inspection.server_name.empty()) ImGui::TextWrapped("name asked for (SNI): %s", inspection.server_name.c_str());
  if (!inspection.verdict.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, inspection.verified ? good_color : to_imgui(drop_color));
    ImGui::TextWrapped("%s", inspection.verdict.c_str());
    ImGui::PopStyleColor();
  }
  for (std::size_t i = 0; i < inspection.chain.size(); ++i) {
    ImGui::PushID(int(i));
    draw_certificate(inspection.chain[i], i);
    ImGui::PopID();
  }
}

}  // namespace

void draw_tls_byte_views(const engine::TraceRecord& record, const TlsInspection& inspection) {
  const bool packet = record.kind == engine::TraceKind::hop || record.kind == engine::TraceKind::drop;
  if (inspection.padlock == Padlock::open) {
    ImGui::PushStyleColor(ImGuiCol_Text, to_imgui(padlock_open_color));
    padlock_icon(Padlock::open);
    ImGui::TextWrapped("In the clear: anyone on this link can read these bytes%s",
                       inspection.password_in_clear ? ", and they carry a password." : ".");
    ImGui::PopStyleColor();
    if (ImGui::CollapsingHeader("What an eavesdropper on this link sees", ImGuiTreeNodeFlags_DefaultOpen)) {
      monospace_wrapped(inspection.clear_text, to_imgui(category_color(categorize_protocol(record.protocol))));
    }
    ImGui::Separator();
    return;
  }
  if (inspection.padlock != Padlock::closed || !packet) return;
  draw_eavesdropper_view(inspection);
  draw_inside_view(record, inspection);
  ImGui::Separator();  // the record's own details follow
}

void draw_tls_connection(const engine::TraceRecord& record, const TlsInspection& inspection) {
  const bool tls_record = record.kind == engine::TraceKind::transport && record.protocol == "TLS";
  if (inspection.padlock != Padlock::closed && !tls_record) return;
  const bool handshake = tls_record || hop_caption(record).rfind("TLS handshake", 0) == 0;
  draw_connection(inspection, handshake);
}

}  // namespace maillab::viz

namespace maillab::viz {

void draw_host_tls(const HostTlsView& view) {
  if (!view.presented.empty()) {
    ImGui::TextDisabled("the certificate chain it presents:");
    for (std::size_t i = 0; i < view.presented.size(); ++i) {
      ImGui::PushID(int(i));
      draw_certificate(view.presented[i], i);
      ImGui::PopID();
    }
  }
  ImGui::TextDisabled("%zu TLS connection%s:", view.connections.size(), view.connections.size() == 1 ? "" : "s");
  for (const auto& connection : view.connections) {
    ImGui::Bullet();
    ImGui::TextWrapped("#%llu %s %s: %s", static_cast<unsigned long long>(connection.connection),
                       connection.client ? "to" : "from", connection.peer.c_str(), connection.outcome.c_str());
    {
      ImGui::Indent();
      ImGui::PushStyleColor(ImGuiCol_Text, connection.verified ? good_color : to_imgui(drop_color));
      ImGui::TextWrapped("%s%s", connection.client ? "" : "the client: ", connection.verdict.c_str());
      ImGui::PopStyleColor();
      ImGui::Unindent();
    }
  }
}

}  // namespace maillab::viz
