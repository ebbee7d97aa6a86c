#include "viz/panels/exercise_panel.h"

#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "viz/panels/panel_colors.h"
#include "viz/panels/window_flags.h"
#include "viz/panels/wrapped_text.h"

namespace maillab::viz {

using exercises::EditableField;

bool rerun_exercise(VisualizerState& state, ExerciseSession& session) {
  if (!session.save_and_rerun()) return false;
  // The replay controller's factory makes a scene of the session's new run: a new generation,
  // so the log, flights and inspectors rebuild; the canvas plays the new run from the start.
  state.replay.restart();
  state.selection = Selection{};
  state.status.clear();
  state.clock.playing = true;
  state.refresh();
  return true;
}

bool apply_edit(ExerciseSession& session, const std::string& edit, std::string& error) {
  const auto equals = edit.find('=');
  if (equals == std::string::npos || equals == 0) {
    error = "an edit is LABEL=VALUE or LABEL+=LINE, not '" + edit + "'";
    return false;
  }
  const bool append = edit[equals - 1] == '+';
  const std::string label = edit.substr(0, append ? equals - 1 : equals);
  std::string value;
  for (std::size_t i = equals + 1; i < edit.size(); ++i) {
    if (edit[i] == '\\' && i + 1 < edit.size() && edit[i + 1] == 'n') {
      value += '\n';
      ++i;
    } else {
      value += edit[i];
    }
  }
  const auto& fields = session.fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].label.find(label) == std::string::npos) continue;
    if (append) {
      if (fields[i].kind == EditableField::Kind::zone_records) value = fields[i].value + "\n" + value;
      else if (fields[i].kind == EditableField::Kind::relay_domains && !fields[i].value.empty())
        value = fields[i].value + ", " + value;
      else {
        error = "'+=' adds to a zone's records or to relay domains, not to '" + fields[i].label + "'";
        return false;
      }
    }
    return session.set(i, value, error);
  }
  error = "no field's label contains '" + label + "'";
  return false;
}

namespace {

// "ns1.example.org: zone example.org" -> host "ns1.example.org", what "zone example.org"; a link's
// label has no host part.
std::pair<std::string, std::string> split_label(const std::string& label) {
  const auto colon = label.find(": ");
  if (colon == std::string::npos) return {"links", label};
  return {label.substr(0, colon), label.substr(colon + 2)};
}

}  // namespace

void ExercisePanel::draw_goals(ExerciseSession& session) {
  const auto& grade = session.grade();
  const bool complete = grade && grade->complete();
  ImGui::PushStyleColor(ImGuiCol_Text, complete ? good_color : bad_color);
  text_wrapped(goals_summary(session) + (session.runs() > 1 ? " (run " + std::to_string(session.runs()) + ")" : ""));
  ImGui::PopStyleColor();
  if (!grade) {
    ImGui::PushStyleColor(ImGuiCol_Text, bad_color);
    text_wrapped(session.world_errors());
    ImGui::PopStyleColor();
    return;
  }
  for (const auto& outcome : grade->goals) {
    ImGui::TextColored(outcome.met ? good_color : bad_color, outcome.met ? "met    " : "not yet");
    ImGui::SameLine();
    ImGui::BeginGroup();
    text_wrapped(outcome.goal->id + ": " + outcome.goal->goal);
    if (!outcome.met) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      text_wrapped("where to look: " + outcome.goal->look);
      ImGui::PopStyleColor();
    }
    ImGui::EndGroup();
  }
}

void ExercisePanel::draw_fields(ExerciseSession& session) {
  const auto& fields = session.fields();
  if (drafts_from_run != session.runs() || drafts.size() != fields.size()) {
    drafts.clear();
    for (const auto& field : fields) drafts.push_back(field.value);
    errors.assign(fields.size(), "");
    drafts_from_run = session.runs();
  }
  const float unit = ImGui::GetFontSize();
  std::string host;
  bool open = false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto [field_host, what] = split_label(fields[i].label);
    if (field_host != host) {
      if (open) ImGui::TreePop();
      host = field_host;
      open = ImGui::TreeNodeEx(host.c_str(), ImGuiTreeNodeFlags_DefaultOpen);
    }
    if (!open) continue;
    ImGui::PushID(int(i));
    std::string& draft = drafts[i];
    bool changed = false;
    switch (fields[i].kind) {
      case EditableField::Kind::zone_records: {
        ImGui::TextUnformatted(what.c_str());
        const auto lines = float(std::count(draft.begin(), draft.end(), '\n') + 2);
        changed = ImGui::InputTextMultiline("##records", &draft,
                                            ImVec2(-1, std::min(lines, 8.0f) * ImGui::GetTextLineHeight() + unit));
        break;
      }
      case EditableField::Kind::outbound_tls: {
        static const char* policies[] = {"may", "encrypt", "verify"};
        ImGui::SetNextItemWidth(unit * 6);
        if (ImGui::BeginCombo(what.c_str(), draft.c_str())) {
          for (const char* policy : policies) {
            if (ImGui::Selectable(policy, draft == policy)) {
              draft = policy;
              changed = true;
            }
          }
          ImGui::EndCombo();
        }
        break;
      }
      case EditableField::Kind::link_up: {
        bool up = draft == "true";
        if (ImGui::Checkbox((what + " is up").c_str(), &up)) {
          draft = up ? "true" : "false";
          changed = true;
        }
        break;
      }
      default:
        ImGui::SetNextItemWidth(fields[i].kind == EditableField::Kind::smtp_port ? unit * 5 : unit * 11);
        changed = ImGui::InputText(what.c_str(), &draft);
        break;
    }
    if (changed && session.set(i, draft, errors[i])) errors[i].clear();
    if (!errors[i].empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, bad_color);
      text_wrapped(errors[i]);
      ImGui::PopStyleColor();
    }
    ImGui::PopID();
  }
  if (open) ImGui::TreePop();
}

void ExercisePanel::draw(VisualizerState& state, ExerciseSession& session, const Rect& area) {
  begin_fixed_window("Exercise", area);
  const auto& exercise = session.exercise();
  ImGui::PushStyleColor(ImGuiCol_Text, accent_color);
  text_wrapped(exercise.title);
  ImGui::PopStyleColor();
  ImGui::TextDisabled("%s, student %s", exercise.id.c_str(), exercise.student.empty() ? "-" : exercise.student.c_str());

  const float footer = ImGui::GetFrameHeightWithSpacing() * 1.3f;
  ImGui::BeginChild("body", ImVec2(0, -footer), false);
  if (ImGui::CollapsingHeader("Story")) text_wrapped(exercise.story);
  if (ImGui::CollapsingHeader("Goals", ImGuiTreeNodeFlags_DefaultOpen)) draw_goals(session);
  if (ImGui::CollapsingHeader("Repair the world", ImGuiTreeNodeFlags_DefaultOpen)) draw_fields(session);
  ImGui::EndChild();

  ImGui::Separator();
  if (session.dirty()) ImGui::PushStyleColor(ImGuiCol_Button, unsaved_button_color);
  const bool pressed = ImGui::Button("Save and re-run");
  if (session.dirty()) ImGui::PopStyleColor();
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Write your repairs to %s, run the world again with the grader's test mail, and check the goals",
                      session.work_path().c_str());
  if (pressed) state.after_frame.push_back([&state, &session] { rerun_exercise(state, session); });
  ImGui::SameLine();
  if (!session.problem().empty()) ImGui::TextColored(bad_color, "%s", session.problem().c_str());
  else if (session.dirty()) ImGui::TextDisabled("changes not saved yet");
  else ImGui::TextDisabled("saved in %s", session.work_path().c_str());
  ImGui::End();
}

}  // namespace maillab::viz
