// A loaded scenario as a Scene: the visualizer's view of scenarios::World.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "scenarios/world.h"
#include "viz/model/scene.h"

namespace maillab::viz {

// What the canvas draws of a World: its nodes and links, and the positions the scenario gave.
// Shared by WorldScene and the lesson panel's scene, which borrows a lesson's World.
Topology topology_of(scenarios::World& world);
// Updates a topology_of(world) in place (up/down, link figures, queue badges); false when the
// world's nodes or links are not the ones it was made from.
bool update_topology_of(scenarios::World& world, Topology& topology);
std::map<std::string, Point> positions_of(const scenarios::World& world);
// Has the world keep what the lab sees inside its TLS connections (certificates, plaintext next
// to ciphertext: engine/hosts/tls/tls_observations.h) for the inspector. Call before it runs.
void observe_tls(scenarios::World& world);

class WorldScene : public Scene {
 public:
  explicit WorldScene(std::unique_ptr<scenarios::World> world);  // observes its TLS

  engine::Simulator& simulator() override { return world_->simulator; }
  Topology topology() override { return topology_of(*world_); }
  bool update_topology(Topology& topology) override { return update_topology_of(*world_, topology); }
  bool set_link_up(std::size_t link_id, bool up) override { return world_->network.set_link_up(link_id, up); }
  bool set_node_up(const std::string& name, bool up) override { return world_->network.set_node_up(name, up); }
  engine::Network* network() override { return &world_->network; }
  std::map<std::string, Point> positions() const override { return positions_of(*world_); }
  engine::Time until() const override { return world_->until; }
  std::string title() const override;
  scenarios::World& world() { return *world_; }

 private:
  std::unique_ptr<scenarios::World> world_;
};

// A scene with nothing in it whose title says why (a world that could not load).
std::unique_ptr<Scene> make_empty_scene(std::string why);

// Loads the scenario file each time it is called (same file, same seed: identical worlds). The
// first call's problems are reported through `errors`; later calls that fail (the file changed on
// disk) fall back to an empty scene rather than crash.
SceneFactory world_scene_factory(std::string path, std::optional<std::uint64_t> seed);

// Loads once to check the file; empty string when it loads, else the diagnostics to print.
std::string check_scenario(const std::string& path, std::optional<std::uint64_t> seed);

}  // namespace maillab::viz
