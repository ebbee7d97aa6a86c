// A plain snapshot of the network for drawing: nodes and links with their current state. The
// visualizer rebuilds it from engine::Network (or a synthetic scene) whenever it draws, so the
// drawing code never reaches into the engine and can be tested with hand-made topologies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/core/time.h"

namespace maillab::viz {

struct TopologyNode {
  std::string name;
  std::string address;  // dotted quad, empty for an unaddressed router
  std::string role;
  bool is_router = false;
  bool up = true;
  std::vector<std::string> services;  // Service::kind() of each service, in order
  std::size_t queued = 0;             // messages waiting in its MTA's delivery queue (a badge)
};

struct TopologyLink {
  std::size_t id = 0;  // engine::Link::id, what Network::set_link_up takes
  std::string a, b;
  bool up = true;
  engine::Time latency = 0;
  std::uint64_t bandwidth_bps = 0;
  double loss = 0.0;
};

class Topology {
 public:
  std::vector<TopologyNode> nodes;
  std::vector<TopologyLink> links;

  // Call after filling nodes/links; the lookups below use the index it builds.
  void reindex();
  std::optional<std::size_t> node_index(const std::string& name) const;
  // The link joining two nodes, in either direction.
  std::optional<std::size_t> link_index(const std::string& a, const std::string& b) const;
  std::optional<std::size_t> link_index_by_id(std::size_t id) const;

 private:
  std::unordered_map<std::string, std::size_t> node_by_name_;
  std::unordered_map<std::string, std::size_t> link_by_ends_;
  std::unordered_map<std::size_t, std::size_t> link_by_id_;
};

}  // namespace maillab::viz
