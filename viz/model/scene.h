// What the visualizer shows and drives: one simulator run plus its network. A loaded World is one
// kind of Scene (viz/world_scene.h); synthetic scenes (benchmark, tests) are another. Scenes are
// made by a SceneFactory that must be deterministic: calling it twice gives two scenes that run
// identically, which is what step back relies on.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/core/simulator.h"
#include "viz/model/geometry.h"
#include "viz/model/topology.h"

namespace maillab::engine {
class Network;
}

namespace maillab::viz {

class Scene {
 public:
  virtual ~Scene() = default;
  virtual engine::Simulator& simulator() = 0;
  // The network as it is now (links and nodes with their up/down state).
  virtual Topology topology() = 0;
  // Brings `topology` (an earlier topology() of this scene) up to date in place: up/down states,
  // queue badges. False when the scene cannot (the default), and the caller takes a new
  // topology(): the visualizer calls this every frame, so a scene whose nodes and links stay the
  // same should not have it copy every name and rebuild every index.
  virtual bool update_topology(Topology& /*topology*/) { return false; }
  // True when the scene's Trace belongs to someone who reads it too (a lesson's World): the
  // visualizer then leaves its settings alone. Otherwise the visualizer alone reads the trace
  // and decides what it keeps (viz/model/replay.h).
  virtual bool shares_trace() const { return false; }
  // Faults; each records a `fault` trace record. False if the link or node does not exist.
  virtual bool set_link_up(std::size_t link_id, bool up) = 0;
  virtual bool set_node_up(const std::string& name, bool up) = 0;
  // The engine network when there is one (host inspectors need its hosts and services).
  virtual engine::Network* network() { return nullptr; }
  // Drawing positions given by the scenario; empty means "lay out automatically".
  virtual std::map<std::string, Point> positions() const { return {}; }
  virtual engine::Time until() const = 0;  // the scenario's run length
  virtual std::string title() const = 0;
};

using SceneFactory = std::function<std::unique_ptr<Scene>()>;

}  // namespace maillab::viz
