#include "engine/net/routing.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <unordered_map>

namespace maillab::engine {
namespace {

// Latency dominates; the +1 per hop only breaks ties between equally fast paths.
constexpr Time hop_weight_scale = 1024;
Time weight_of(const Link& link) { return link.spec.latency * hop_weight_scale + 1; }

}  // namespace

bool Routing::link_usable(const Link& link, std::size_t a, std::size_t b, std::size_t destination) const {
  if (!link.spec.up) return false;
  const bool a_ok = nodes_[a].up || a == destination;
  const bool b_ok = nodes_[b].up || b == destination;
  return a_ok && b_ok;
}

const Routing::Table& Routing::table_for(std::size_t destination) {
  if (tables_.size() != nodes_.size()) tables_.resize(nodes_.size());
  if (tables_[destination]) return *tables_[destination];

  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < nodes_.size(); ++i) index.emplace(nodes_[i].name, i);

  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                      boost::property<boost::edge_weight_t, Time>>;
  Graph graph(nodes_.size());
  struct Edge {
    std::size_t a, b, link;
  };
  std::vector<Edge> usable;
  for (const Link& link : links_) {
    const std::size_t a = index.at(link.a), b = index.at(link.b);
    if (!link_usable(link, a, b, destination)) continue;
    usable.push_back({a, b, link.id});
    // Paths may only pass through transit nodes: a non-transit node's links stay out of the
    // search (it is then only ever the first or the last node of a path).
    const bool a_relays = nodes_[a].transit || a == destination;
    const bool b_relays = nodes_[b].transit || b == destination;
    if (a_relays && b_relays) boost::add_edge(a, b, weight_of(link), graph);
  }

  constexpr Time infinity = std::numeric_limits<Time>::max();
  std::vector<Time> distance(nodes_.size(), infinity);
  boost::dijkstra_shortest_paths(
      graph, destination,
      boost::distance_map(boost::make_iterator_property_map(distance.begin(), boost::get(boost::vertex_index, graph)))
          .distance_inf(infinity));

  // The next hop from v is the neighbour u minimising weight(v,u) + distance(u); reading it off the
  // distances (rather than Dijkstra's predecessors) picks the right one of parallel links.
  Table table;
  table.next.assign(nodes_.size(), NextHop{none, none});
  std::vector<Time> best(nodes_.size(), infinity);
  for (const Edge& edge : usable) {
    const Time w = weight_of(links_[edge.link]);
    for (int direction = 0; direction < 2; ++direction) {
      const std::size_t v = direction == 0 ? edge.a : edge.b;
      const std::size_t u = direction == 0 ? edge.b : edge.a;
      if (v == destination || distance[u] == infinity) continue;
      // A down node may be a destination but never forwards.
      if (u != destination && !nodes_[u].up) continue;
      if (u != destination && !nodes_[u].transit) continue;
      const Time total = w + distance[u];
      if (total < best[v] || (total == best[v] && edge.link < table.next[v].link)) {
        best[v] = total;
        table.next[v] = NextHop{u, edge.link};
      }
    }
  }
  tables_[destination] = std::move(table);
  return *tables_[destination];
}

std::optional<NextHop> Routing::next_hop(std::size_t from, std::size_t to) {
  if (from >= nodes_.size() || to >= nodes_.size() || from == to) return std::nullopt;
  const NextHop hop = table_for(to).next[from];
  if (hop.node == none) return std::nullopt;
  return hop;
}

std::optional<std::vector<std::size_t>> Routing::path(std::size_t from, std::size_t to) {
  if (from >= nodes_.size() || to >= nodes_.size()) return std::nullopt;
  std::vector<std::size_t> result{from};
  std::size_t at = from;
  while (at != to) {
    auto hop = next_hop(at, to);
    if (!hop || result.size() > nodes_.size()) return std::nullopt;
    at = hop->node;
    result.push_back(at);
  }
  return result;
}

}  // namespace maillab::engine
