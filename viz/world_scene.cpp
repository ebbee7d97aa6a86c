#include "viz/world_scene.h"

#include <algorithm>

#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/tls/world_pki.h"
#include "engine/net/host.h"
#include "scenarios/diagnostics.h"
#include "scenarios/loader.h"

namespace maillab::viz {

WorldScene::WorldScene(std::unique_ptr<scenarios::World> world) : world_(std::move(world)) { observe_tls(*world_); }

void observe_tls(scenarios::World& world) { engine::world_pki(world.network).observations.enable(); }

namespace {
std::size_t queued_at(engine::Host* host) {
  std::size_t queued = 0;
  if (!host) return queued;
  for (const auto& service : host->services()) {
    if (service->kind() == "mta") queued += static_cast<const engine::MtaService&>(*service).queue().size();
  }
  return queued;
}
}  // namespace

Topology topology_of(scenarios::World& world) {
  Topology topology;
  engine::Network& network = world.network;
  topology.nodes.reserve(network.nodes().size());
  for (const auto& info : network.nodes()) {
    TopologyNode node;
    node.name = info.name;
    if (info.address) node.address = engine::format_address(*info.address);
    node.role = info.role;
    node.is_router = info.is_router;
    node.up = info.up;
    if (engine::Host* host = network.host(info.name)) {
      for (const auto& service : host->services()) node.services.emplace_back(service->kind());
      node.queued = queued_at(host);
    }
    topology.nodes.push_back(std::move(node));
  }
  for (const auto& link : network.links()) {
    TopologyLink out;
    out.id = link.id;
    out.a = link.a;
    out.b = link.b;
    out.up = link.spec.up;
    out.latency = link.spec.latency;
    out.bandwidth_bps = link.spec.bandwidth_bps;
    out.loss = link.spec.loss;
    topology.links.push_back(std::move(out));
  }
  topology.reindex();
  return topology;
}

bool update_topology_of(scenarios::World& world, Topology& topology) {
  engine::Network& network = world.network;
  const auto& nodes = network.nodes();
  const auto& links = network.links();
  if (nodes.size() != topology.nodes.size() || links.size() != topology.links.size()) return false;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    TopologyNode& node = topology.nodes[i];
    if (node.name != nodes[i].name) return false;
    node.up = nodes[i].up;
    // Only hosts with an MTA have a queue: the others need no lookup.
    if (std::find(node.services.begin(), node.services.end(), "mta") != node.services.end()) {
      node.queued = queued_at(network.host(node.name));
    }
  }
  std::size_t i = 0;
  for (const auto& link : links) {
    TopologyLink& out = topology.links[i++];
    if (out.id != link.id) return false;
    out.up = link.spec.up;
    out.latency = link.spec.latency;
    out.bandwidth_bps = link.spec.bandwidth_bps;
    out.loss = link.spec.loss;
  }
  return true;
}

std::map<std::string, Point> positions_of(const scenarios::World& world) {
  std::map<std::string, Point> out;
  for (const auto& [name, position] : world.positions) out[name] = {position.x, position.y};
  return out;
}

std::string WorldScene::title() const {
  if (!world_->title.empty()) return world_->title;
  return world_->name;
}

namespace {

// What a failed reload shows: nothing, with a title that says why.
class EmptyScene : public Scene {
 public:
  explicit EmptyScene(std::string why) : why_(std::move(why)) {}
  engine::Simulator& simulator() override { return simulator_; }
  Topology topology() override { return {}; }
  bool set_link_up(std::size_t, bool) override { return false; }
  bool set_node_up(const std::string&, bool) override { return false; }
  engine::Time until() const override { return engine::seconds(1); }
  std::string title() const override { return why_; }

 private:
  engine::Simulator simulator_;
  std::string why_;
};

}  // namespace

std::unique_ptr<Scene> make_empty_scene(std::string why) { return std::make_unique<EmptyScene>(std::move(why)); }

SceneFactory world_scene_factory(std::string path, std::optional<std::uint64_t> seed) {
  return [path, seed]() -> std::unique_ptr<Scene> {
    scenarios::Diagnostics diagnostics;
    auto world = scenarios::load_world(path, seed, diagnostics);
    if (!world) return make_empty_scene("could not reload " + path);
    return std::make_unique<WorldScene>(std::move(world));
  };
}

std::string check_scenario(const std::string& path, std::optional<std::uint64_t> seed) {
  scenarios::Diagnostics diagnostics;
  auto world = scenarios::load_world(path, seed, diagnostics);
  if (world && !diagnostics.has_errors()) return {};
  std::string text = diagnostics.to_string();
  if (text.empty()) text = path + ": could not load the scenario\n";
  return text;
}

}  // namespace maillab::viz
