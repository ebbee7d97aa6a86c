// Shortest-path routing over the topology, weighted by link latency.
//
// Only links that are up count, and only nodes that are up may forward; the destination itself is
// reachable even when it is down, so packets to a crashed host travel to it and are dropped there
// (as on a real network, where the last router cannot know the host is gone). A non-transit node
// (NodeInfo::transit) is never an intermediate node of a path. Among paths of
// equal latency the one with fewer hops wins, and after that the lower link id, so routes never
// depend on anything but the topology.
//
// How it scales (a generated world has tens of thousands of nodes, nearly all of them in trees:
// hosts on a LAN router, LAN routers on a regional one): the graph of up links is peeled like an
// onion, leaves first, into pendant trees hanging from a core (the part with cycles). In a tree
// there is one path between two nodes, so a route there is a walk up to a common ancestor and
// down, checked node by node, with no search at all. Only between core nodes is there a choice,
// and the core gets one shortest-path table per destination (a Dijkstra over the core only), made
// on first use. A route's cost grows with the nodes it crosses, not with the size of the world.
// Everything is thrown away on every change (invalidate()) and rebuilt when a packet next needs
// a route, so a change costs nothing until then.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/net/network.h"

namespace maillab::engine {

struct NextHop {
  std::size_t node = 0;  // index into Network::nodes()
  std::size_t link = 0;  // index into Network::links()
};

class Routing {
 public:
  Routing(const std::vector<NodeInfo>& nodes, const std::vector<Link>& links) : nodes_(nodes), links_(links) {}

  // Forgets everything: call after any change to nodes, links or their states.
  void invalidate() { built_ = false; }

  // Where a packet at `from` heading for `to` goes next; nullopt when there is no route
  // (or from == to).
  std::optional<NextHop> next_hop(std::size_t from, std::size_t to);

  // Node indices from `from` to `to`, both included; nullopt when there is no route.
  std::optional<std::vector<std::size_t>> path(std::size_t from, std::size_t to);

 private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  struct Adjacent {
    std::size_t node, link;
    Time weight;
  };
  struct Table {
    std::vector<NextHop> next;  // by core position; next[v].node == none: no route from v
  };

  void build();
  const Table& table_for(std::size_t destination);  // destination is a core node
  bool relays(std::size_t node) const { return nodes_[node].up && nodes_[node].transit; }
  // The first node after `ancestor` on the tree path from `ancestor` down to `descendant`.
  std::size_t child_toward(std::size_t ancestor, std::size_t descendant) const;
  // True when every node strictly between `node` and its strict ancestor `top` may forward (and
  // `top` too when `include_top`). One subtraction of closed_above_, not a walk: it runs at every
  // hop of every packet.
  bool tree_path_open(std::size_t node, std::size_t top, bool include_top) const;

  const std::vector<NodeInfo>& nodes_;
  const std::vector<Link>& links_;
  bool built_ = false;
  // The peeled forest: each peeled node's parent (towards the core) and the link to it; `anchor`
  // is the unpeeled node a node's tree hangs from (itself if unpeeled), `depth` its distance in
  // nodes from there.
  std::vector<std::size_t> parent_, parent_link_, anchor_, depth_;
  // closed_above_[v]: how many of v's strict ancestors in its tree (the anchor included) may not
  // forward (down, or not transit); states are fixed between invalidate()s.
  std::vector<std::size_t> closed_above_;
  // The core: unpeeled nodes that still had links (an unpeeled node without any is the root of a
  // tree component). core_index_[node] is its position among core nodes, or none.
  std::vector<std::size_t> core_nodes_, core_index_;
  std::vector<std::vector<Adjacent>> core_adjacent_;  // by core position
  std::unordered_map<std::size_t, Table> tables_;     // by destination node
};

}  // namespace maillab::engine
