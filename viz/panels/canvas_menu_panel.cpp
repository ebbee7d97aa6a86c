#include "viz/panels/canvas_menu_panel.h"

#include <imgui.h>

#include "viz/panels/host_sections.h"

namespace maillab::viz {

void CanvasMenuPanel::request(std::optional<std::string> node_name, std::optional<std::size_t> link) {
  node = node_name.value_or("");
  link_id = node_name ? std::nullopt : link;
  open_requested = !node.empty() || link_id.has_value();
}

void CanvasMenuPanel::Draw(VisualizerState& state) {
  if (open_requested) {
    ImGui::OpenPopup("canvas-menu");
    open_requested = false;
  }
  if (!ImGui::BeginPopup("canvas-menu")) return;
  auto queue = [&state](UserAction action) {
    state.after_frame.push_back([&state, action = std::move(action)] { state.replay.apply(action); });
  };
  if (!node.empty()) {
    if (auto index = state.topology.node_index(node)) {
      const TopologyNode& info = state.topology.nodes[*index];
      ImGui::TextDisabled("%s", info.name.c_str());
      ImGui::Separator();
      const char* label = info.up ? (info.is_router ? "Take router down" : "Crash host")
                                  : (info.is_router ? "Bring router up" : "Restart host");
      if (ImGui::MenuItem(label)) queue(UserAction::node_up(info.name, !info.up));
      if (ImGui::MenuItem("Inspect")) {
        state.selection.clear_object();
        state.selection.node = info.name;
      }
      if (state.host_actions) {
        for (const auto& hook : state.host_actions->hooks()) hook(info, state.replay.scene().network(), queue);
      }
    }
  } else if (link_id) {
    if (auto index = state.topology.link_index_by_id(*link_id)) {
      const TopologyLink& link = state.topology.links[*index];
      ImGui::TextDisabled("link %s <-> %s", link.a.c_str(), link.b.c_str());
      ImGui::Separator();
      if (ImGui::MenuItem(link.up ? "Take link down" : "Bring link up")) {
        queue(UserAction::link_up(link.id, !link.up, link.a + " <-> " + link.b));
      }
      if (ImGui::MenuItem("Inspect")) {
        state.selection.clear_object();
        state.selection.link_id = link.id;
      }
    }
  }
  ImGui::EndPopup();
}

}  // namespace maillab::viz
