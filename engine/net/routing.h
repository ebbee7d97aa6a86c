// Shortest-path routing over the topology (Boost.Graph's Dijkstra), weighted by link latency.
//
// Only links that are up count, and only nodes that are up may forward; the destination itself is
// reachable even when it is down, so packets to a crashed host travel to it and are dropped there
// (as on a real network, where the last router cannot know the host is gone). A non-transit node
// (NodeInfo::transit) is never an intermediate node of a path. Among paths of
// equal latency the one with fewer hops wins, and after that the lower link id, so routes never
// depend on anything but the topology.
//
// Tables are computed per destination, on first use, and thrown away on every change
// (invalidate()), so a change costs nothing until a packet needs a route.
#pragma once

#include <cstddef>
#include <optional>
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

  // Forgets every table: call after any change to nodes, links or their states.
  void invalidate() { tables_.clear(); }

  // Where a packet at `from` heading for `to` goes next; nullopt when there is no route
  // (or from == to).
  std::optional<NextHop> next_hop(std::size_t from, std::size_t to);

  // Node indices from `from` to `to`, both included; nullopt when there is no route.
  std::optional<std::vector<std::size_t>> path(std::size_t from, std::size_t to);

 private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  struct Table {
    std::vector<NextHop> next;  // next[v].node == none: no route from v
  };
  const Table& table_for(std::size_t destination);
  bool link_usable(const Link& link, std::size_t a, std::size_t b, std::size_t destination) const;

  const std::vector<NodeInfo>& nodes_;
  const std::vector<Link>& links_;
  std::vector<std::optional<Table>> tables_;
};

}  // namespace maillab::engine
