// Shared formatting and table drawing for the host inspector's sections (host_sections_rows.h).
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "viz/panels/host_sections_rows.h"
#include "protocols/common/ascii_case.h"

namespace maillab::viz {

std::string format_duration(engine::Time duration) {
  if (duration < 0) duration = -duration;
  if (duration < engine::seconds(1)) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3fs", double(duration) / 1e6);
    return text;
  }
  // Whole seconds, rounded up so that a retry 0.4 s away never reads "in 0s".
  std::int64_t total = (duration + engine::seconds(1) - 1) / engine::seconds(1);
  const std::int64_t hours = total / 3600, minutes = total / 60 % 60, secs = total % 60;
  std::string out;
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += (out.empty() ? "" : " ") + std::to_string(minutes) + "m";
  if (secs && !hours) out += (out.empty() ? "" : " ") + std::to_string(secs) + "s";
  if (out.empty()) out = std::to_string(hours) + "h";
  return out;
}

std::string format_relative(engine::Time when, engine::Time now) {
  if (when == now) return "now";
  if (when > now) return "in " + format_duration(when - now);
  return format_duration(now - when) + " ago";
}

std::string format_bytes(std::uint64_t bytes) {
  char text[32];
  if (bytes < 1024) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f KB", double(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%.1f MB", double(bytes) / (1024 * 1024));
  }
  return text;
}

namespace {
std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}
}  // namespace

std::string header_value(std::string_view message, std::string_view name) {
  std::size_t position = 0;
  bool found = false;
  std::string value;
  while (position < message.size()) {
    std::size_t end = message.find('\n', position);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(position, end - position);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    position = end + 1;
    if (line.empty()) break;  // the blank line ends the header section (RFC 5322 §2.1)
    const bool continuation = line.front() == ' ' || line.front() == '\t';
    if (found) {
      if (!continuation) break;
      value += ' ';
      value += trim(line);  // unfolding, RFC 5322 §2.2.3
      continue;
    }
    if (continuation) continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (common::equals_ignoring_case(trim(line.substr(0, colon)), name)) {
      found = true;
      value = std::string(trim(line.substr(colon + 1)));
    }
  }
  return value;
}

std::string first_words(std::string_view text, std::size_t max_chars) {
  std::string collapsed;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  if (collapsed.size() <= max_chars) return collapsed;
  std::size_t cut = collapsed.rfind(' ', max_chars);
  if (cut == std::string::npos || cut == 0) cut = max_chars;
  return collapsed.substr(0, cut) + "\xE2\x80\xA6";  // "…"
}

void draw_table(const char* id, const std::vector<const char*>& headers, const TableRows& rows) {
  if (rows.empty()) {
    ImGui::TextDisabled("(empty)");
    return;
  }
  // Narrow tables size themselves; wide ones scroll sideways inside a box tall enough for up to
  // 12 rows plus the horizontal scroll bar (the inspector is a narrow column).
  const bool wide = headers.size() > 4;
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit |
                          ImGuiTableFlags_Resizable;
  ImVec2 size(0, 0);
  if (wide) {
    flags |= ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY;
    const float row_height = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
    size.y = row_height * float(std::min<std::size_t>(rows.size(), 12) + 1) + ImGui::GetStyle().ScrollbarSize + 3;
  }
  if (!ImGui::BeginTable(id, int(headers.size()), flags, size)) return;
  if (wide) ImGui::TableSetupScrollFreeze(1, 1);  // keep the header row and the first column in view
  for (const char* header : headers) ImGui::TableSetupColumn(header);
  ImGui::TableHeadersRow();
  for (const auto& row : rows) {
    ImGui::TableNextRow();
    for (std::size_t column = 0; column < headers.size(); ++column) {
      ImGui::TableNextColumn();
      if (column < row.size()) ImGui::TextUnformatted(row[column].c_str());
    }
  }
  ImGui::EndTable();
}

void draw_key_values(const char* id, const KeyValueRows& rows) {
  if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingFixedFit)) return;
  for (const auto& [key, value] : rows) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s", key.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(value.c_str());
  }
  ImGui::EndTable();
}

void draw_key_values_inline(const KeyValueRows& rows) {
  // Pairs flow left to right and wrap, so counters take one or two lines of a narrow inspector.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float right_edge = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  bool first = true;
  for (const auto& [key, value] : rows) {
    const float width = ImGui::CalcTextSize(key.c_str()).x + ImGui::CalcTextSize(value.c_str()).x +
                        style.ItemSpacing.x * 3;
    if (!first) {
      ImGui::SameLine(0, style.ItemSpacing.x * 3);
      if (ImGui::GetCursorScreenPos().x + width > right_edge) ImGui::NewLine();
    }
    first = false;
    ImGui::TextDisabled("%s", key.c_str());
    ImGui::SameLine();
    ImGui::TextUnformatted(value.c_str());
  }
}

}  // namespace maillab::viz
