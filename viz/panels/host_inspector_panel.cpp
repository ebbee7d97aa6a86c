// Inspector for one host or router: what it is, whether it is up, its links, and one section per
// service it runs (drawn by the HostInspectorSections registered for that service's kind).
#include <algorithm>

#include <imgui.h>

#include "engine/hosts/tls/world_pki.h"
#include "engine/net/host.h"
#include "engine/net/network.h"
#include "viz/model/style.h"
#include "viz/panels/panel_colors.h"
#include "viz/panels/host_sections.h"
#include "viz/panels/inspector_panel.h"
#include "viz/panels/tls_inspector_section.h"

namespace maillab::viz {

namespace {

// Name and class, address, role, up or down, and the button that crashes or restarts it.
void draw_host_facts(VisualizerState& state, const TopologyNode& node) {
  const NodeClass node_class = classify_node(node.role, node.is_router, node.services);
  ImGui::TextColored(to_imgui(node_color(node_class)), "%s", node.name.c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("(%s)", std::string(node_class_name(node_class)).c_str());
  if (ImGui::BeginTable("host", 2, ImGuiTableFlags_SizingFixedFit)) {
    auto row = [](const char* key, const std::string& value) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", key);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(value.c_str());
    };
    row("address", node.address.empty() ? "(none)" : node.address);
    row("role", node.role.empty() ? "(none)" : node.role);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("state");
    ImGui::TableNextColumn();
    if (node.up) {
      ImGui::TextColored(up_color, "up");
    } else {
      ImGui::TextColored(to_imgui(drop_color), node.is_router ? "down" : "crashed");
    }
    ImGui::EndTable();
  }
  if (ImGui::Button(node.up ? (node.is_router ? "Take down" : "Crash") : (node.is_router ? "Bring up" : "Restart"))) {
    const bool up = !node.up;
    state.after_frame.push_back([&state, name = node.name, up] { state.replay.apply(UserAction::node_up(name, up)); });
  }
}

// Each neighbour (a button that selects it), the link's latency and whether it is up.
void draw_host_links(VisualizerState& state, const TopologyNode& node) {
  if (!ImGui::CollapsingHeader("Links", ImGuiTreeNodeFlags_DefaultOpen)) return;
  for (const auto& link : state.topology.links) {
    if (link.a != node.name && link.b != node.name) continue;
    const std::string& other = link.a == node.name ? link.b : link.a;
    ImGui::PushID(int(link.id));
    if (ImGui::SmallButton(other.c_str())) {
      state.selection.clear_object();
      state.selection.node = other;
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%.1f ms", double(link.latency) / 1000.0);
    ImGui::SameLine();
    if (link.up) {
      ImGui::TextUnformatted("up");
    } else {
      ImGui::TextColored(to_imgui(link_down_color), "down");
    }
    ImGui::PopID();
  }
}

// The host's TLS connections with their verdicts, when it has any.
void draw_host_tls_section(VisualizerState& state, const TopologyNode& node, engine::Network* network) {
  if (!network || !network->tls_pki()) return;
  const engine::TlsObservations& observations = network->tls_pki()->observations;
  if (observations.ends_on_host(node.name).empty()) return;
  // At most 20 connections: cheap enough to make every frame. Open at first when a
  // certificate failed a check: that is the story then.
  const HostTlsView tls = inspect_host_tls(observations, node.name, state.now());
  const bool problem = std::any_of(tls.connections.begin(), tls.connections.end(),
                                   [](const HostTlsConnection& connection) { return !connection.verified; });
  if (ImGui::CollapsingHeader("TLS", problem ? ImGuiTreeNodeFlags_DefaultOpen : 0)) draw_host_tls(tls);
}

// One section per service, drawn by the HostInspectorSections registered for its kind (a bare
// name for a kind with none, or when the scene has no live host behind the node).
void draw_host_services(VisualizerState& state, const TopologyNode& node, engine::Network* network) {
  if (!ImGui::CollapsingHeader("Services", ImGuiTreeNodeFlags_DefaultOpen)) return;
  engine::Host* host = network ? network->host(node.name) : nullptr;
  if (!host) {
    if (node.services.empty()) ImGui::TextDisabled(node.is_router ? "a router forwards packets only" : "none");
    for (const auto& kind : node.services) ImGui::BulletText("%s", kind.c_str());
    return;
  }
  if (host->services().empty()) ImGui::TextDisabled("none");
  HostInspectorContext context{*host, *network, state.replay.simulator(),
                               [&state](UserAction action) {
                                 state.after_frame.push_back(
                                     [&state, action = std::move(action)] { state.replay.apply(action); });
                               }};
  int id = 0;
  for (const auto& service : host->services()) {
    ImGui::PushID(id++);
    const std::string kind(service->kind());
    const auto sections = state.host_sections ? state.host_sections->for_kind(kind)
                                              : std::vector<const HostInspectorSections::Entry*>{};
    if (sections.empty()) {
      ImGui::BulletText("%s", kind.c_str());
    }
    for (const auto* section : sections) {
      if (ImGui::TreeNodeEx(section->title.c_str(), ImGuiTreeNodeFlags_DefaultOpen, "%s: %s", kind.c_str(),
                            section->title.c_str())) {
        section->draw(*service, context);
        ImGui::TreePop();
      }
    }
    ImGui::PopID();
  }
}

}  // namespace

void HostInspectorPanel::Draw(VisualizerState& state, const std::string& name) {
  const auto index = state.topology.node_index(name);
  if (!index) {
    ImGui::TextDisabled("no host named %s", name.c_str());
    return;
  }
  const TopologyNode node = state.topology.nodes[*index];
  draw_host_facts(state, node);
  draw_host_links(state, node);
  engine::Network* network = state.replay.scene().network();
  draw_host_tls_section(state, node, network);
  draw_host_services(state, node, network);
}

void LinkInspectorPanel::Draw(VisualizerState& state, std::size_t link_id) {
  const auto index = state.topology.link_index_by_id(link_id);
  if (!index) {
    ImGui::TextDisabled("no link %zu", link_id);
    return;
  }
  const TopologyLink link = state.topology.links[*index];
  ImGui::Text("link %s <-> %s", link.a.c_str(), link.b.c_str());
  ImGui::Text("latency %.3f ms", double(link.latency) / 1000.0);
  if (link.bandwidth_bps) {
    ImGui::Text("bandwidth %.1f Mbit/s", double(link.bandwidth_bps) / 1e6);
  } else {
    ImGui::Text("bandwidth unlimited");
  }
  ImGui::Text("loss %.1f %%", link.loss * 100);
  if (link.up) {
    ImGui::TextColored(up_color, "up");
  } else {
    ImGui::TextColored(to_imgui(link_down_color), "down");
  }
  if (ImGui::Button(link.up ? "Take link down" : "Bring link up")) {
    const bool up = !link.up;
    state.after_frame.push_back([&state, link, up] {
      state.replay.apply(UserAction::link_up(link.id, up, link.a + " <-> " + link.b));
    });
  }
  for (const std::string* end : {&link.a, &link.b}) {
    ImGui::SameLine();
    if (ImGui::SmallButton(end->c_str())) {
      state.selection.clear_object();
      state.selection.node = *end;
    }
  }
}

}  // namespace maillab::viz
