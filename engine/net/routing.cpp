#include "engine/net/routing.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>
#include <string_view>

namespace maillab::engine {
namespace {

// Latency dominates; the +1 per hop only breaks ties between equally fast paths.
constexpr Time hop_weight_scale = 1024;
Time weight_of(const Link& link) { return link.spec.latency * hop_weight_scale + 1; }

}  // namespace

void Routing::build() {
  const std::size_t count = nodes_.size();
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(count);
  for (std::size_t i = 0; i < count; ++i) index.emplace(nodes_[i].name, i);

  // Neighbours over links that are up; of parallel links only the best (fastest, then lowest id)
  // can ever be chosen, so only it is kept.
  std::vector<std::vector<Adjacent>> adjacent(count);
  for (const Link& link : links_) {
    if (!link.spec.up) continue;
    const std::size_t a = index.at(link.a), b = index.at(link.b);
    adjacent[a].push_back({b, link.id, weight_of(link)});
    adjacent[b].push_back({a, link.id, weight_of(link)});
  }
  std::vector<std::size_t> degree(count);
  for (std::size_t v = 0; v < count; ++v) {
    auto& list = adjacent[v];
    std::sort(list.begin(), list.end(), [](const Adjacent& x, const Adjacent& y) {
      return x.node != y.node ? x.node < y.node : x.weight != y.weight ? x.weight < y.weight : x.link < y.link;
    });
    list.erase(std::unique(list.begin(), list.end(), [](const Adjacent& x, const Adjacent& y) { return x.node == y.node; }),
               list.end());
    degree[v] = list.size();
  }

  // Peel leaves until only cycles (the core) or single roots are left.
  parent_.assign(count, none);
  parent_link_.assign(count, none);
  std::vector<bool> peeled(count, false);
  std::vector<std::size_t> order, leaves;
  for (std::size_t v = 0; v < count; ++v)
    if (degree[v] == 1) leaves.push_back(v);
  while (!leaves.empty()) {
    const std::size_t v = leaves.back();
    leaves.pop_back();
    if (peeled[v] || degree[v] != 1) continue;
    for (const Adjacent& next : adjacent[v]) {
      if (peeled[next.node]) continue;  // a child peeled before
      parent_[v] = next.node;
      parent_link_[v] = next.link;
      if (--degree[next.node] == 1) leaves.push_back(next.node);
      break;
    }
    peeled[v] = true;
    order.push_back(v);
  }
  anchor_.resize(count);
  depth_.assign(count, 0);
  for (std::size_t v = 0; v < count; ++v) anchor_[v] = v;
  // Parents were peeled after their children, so the reverse order sees every parent first.
  closed_above_.assign(count, 0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::size_t parent = parent_[*it];
    anchor_[*it] = anchor_[parent];
    depth_[*it] = depth_[parent] + 1;
    closed_above_[*it] = closed_above_[parent] + (relays(parent) ? 0 : 1);
  }

  core_nodes_.clear();
  core_index_.assign(count, none);
  for (std::size_t v = 0; v < count; ++v) {
    if (peeled[v] || degree[v] == 0) continue;
    core_index_[v] = core_nodes_.size();
    core_nodes_.push_back(v);
  }
  core_adjacent_.assign(core_nodes_.size(), {});
  for (std::size_t position = 0; position < core_nodes_.size(); ++position)
    for (const Adjacent& next : adjacent[core_nodes_[position]])
      if (core_index_[next.node] != none) core_adjacent_[position].push_back(next);
  tables_.clear();
  built_ = true;
}

// One Dijkstra over the core from `destination`, then each core node's best neighbour: the one
// minimising weight(v,u) + distance(u), the lower link id on a tie. Paths pass only through
// nodes that relay; the destination may be down or non-transit.
const Routing::Table& Routing::table_for(std::size_t destination) {
  if (auto found = tables_.find(destination); found != tables_.end()) return found->second;
  constexpr Time infinity = std::numeric_limits<Time>::max();
  const std::size_t size = core_nodes_.size();
  const std::size_t target = core_index_[destination];
  auto usable = [&](std::size_t node) { return node == destination || relays(node); };

  std::vector<Time> distance(size, infinity);
  using Entry = std::pair<Time, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> frontier;
  distance[target] = 0;
  frontier.push({0, target});
  while (!frontier.empty()) {
    const auto [at_distance, at] = frontier.top();
    frontier.pop();
    if (at_distance != distance[at]) continue;
    for (const Adjacent& next : core_adjacent_[at]) {
      if (!usable(next.node)) continue;
      const std::size_t position = core_index_[next.node];
      if (at_distance + next.weight < distance[position]) {
        distance[position] = at_distance + next.weight;
        frontier.push({distance[position], position});
      }
    }
  }

  Table table;
  table.next.assign(size, NextHop{none, none});
  for (std::size_t position = 0; position < size; ++position) {
    if (position == target || !nodes_[core_nodes_[position]].up) continue;
    Time best = infinity;
    for (const Adjacent& next : core_adjacent_[position]) {
      const std::size_t u = core_index_[next.node];
      if (!usable(next.node) || distance[u] == infinity) continue;
      const Time total = next.weight + distance[u];
      if (total < best || (total == best && next.link < table.next[position].link)) {
        best = total;
        table.next[position] = NextHop{next.node, next.link};
      }
    }
  }
  return tables_.emplace(destination, std::move(table)).first->second;
}

std::size_t Routing::child_toward(std::size_t ancestor, std::size_t descendant) const {
  std::size_t at = descendant;
  while (parent_[at] != ancestor) at = parent_[at];
  return at;
}

bool Routing::tree_path_open(std::size_t node, std::size_t top, bool include_top) const {
  // node's closed ancestors are those strictly between it and top, top itself, and top's own.
  const bool top_relays = relays(top);
  const std::size_t closed_between = closed_above_[node] - closed_above_[top] - (top_relays ? 0 : 1);
  return closed_between == 0 && (!include_top || top_relays);
}

std::optional<NextHop> Routing::next_hop(std::size_t from, std::size_t to) {
  if (from >= nodes_.size() || to >= nodes_.size() || from == to) return std::nullopt;
  if (!built_) build();
  // A down node's links carry nothing (it may only be a destination).
  if (!nodes_[from].up) return std::nullopt;
  const std::size_t from_anchor = anchor_[from], to_anchor = anchor_[to];
  if (from_anchor == to_anchor) {
    // One tree (with its anchor): up to the lowest common ancestor, then down.
    std::size_t x = from, y = to;
    while (depth_[x] > depth_[y]) x = parent_[x];
    while (depth_[y] > depth_[x]) y = parent_[y];
    while (x != y) x = parent_[x], y = parent_[y];
    if (x == from) {
      if (!tree_path_open(to, from, false)) return std::nullopt;
      const std::size_t child = child_toward(from, to);
      return NextHop{child, parent_link_[child]};
    }
    const bool open = x == to ? tree_path_open(from, to, false)
                              : tree_path_open(from, x, true) && tree_path_open(to, x, false);
    if (!open) return std::nullopt;
    return NextHop{parent_[from], parent_link_[from]};
  }
  // Different trees: up to this tree's anchor, across the core, down to the destination. Both
  // anchors are intermediate nodes (unless an end is itself in the core).
  if (core_index_[from_anchor] == none || core_index_[to_anchor] == none) return std::nullopt;
  if (from_anchor != from && !tree_path_open(from, from_anchor, true)) return std::nullopt;
  if (to_anchor != to && !tree_path_open(to, to_anchor, true)) return std::nullopt;
  const NextHop across = table_for(to_anchor).next[core_index_[from_anchor]];
  if (across.node == none) return std::nullopt;
  if (from_anchor != from) return NextHop{parent_[from], parent_link_[from]};
  return across;
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
