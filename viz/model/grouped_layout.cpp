#include "viz/model/grouped_layout.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <tuple>
#include <limits>

namespace maillab::viz {

namespace {

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

// A cluster is a hub (a node with more than one neighbour, or standing alone) with the hosts
// that hang off it alone.
struct Clusters {
  std::vector<std::vector<std::size_t>> neighbours;  // sorted, no repeats
  std::vector<bool> hub;
  std::vector<std::vector<std::size_t>> hosts;  // per hub, in node order
};

Clusters find_clusters(const Topology& topology) {
  const std::size_t n = topology.nodes.size();
  Clusters c;
  c.neighbours.resize(n);
  for (const auto& link : topology.links) {
    const auto a = topology.node_index(link.a), b = topology.node_index(link.b);
    if (!a || !b || *a == *b) continue;
    c.neighbours[*a].push_back(*b);
    c.neighbours[*b].push_back(*a);
  }
  for (auto& list : c.neighbours) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  c.hub.assign(n, true);
  c.hosts.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& around = c.neighbours[i];
    if (around.size() == 1 && c.neighbours[around[0]].size() > 1) {
      c.hub[i] = false;
      c.hosts[around[0]].push_back(i);
    }
  }
  return c;
}

// Hops from `from` to every hub over hub-to-hub links (none when unreachable).
std::vector<std::size_t> hub_distances(const Clusters& c, std::size_t from) {
  std::vector<std::size_t> distance(c.hub.size(), none);
  std::deque<std::size_t> queue{from};
  distance[from] = 0;
  while (!queue.empty()) {
    const std::size_t at = queue.front();
    queue.pop_front();
    for (std::size_t next : c.neighbours[at]) {
      if (!c.hub[next] || distance[next] != none) continue;
      distance[next] = distance[at] + 1;
      queue.push_back(next);
    }
  }
  return distance;
}

// The middle of the drawing: the hub of the largest connected part that is fewest hops from the
// hub farthest from it (a graph centre); ties go to the busier hub, then to node order.
std::size_t central_hub(const Clusters& c) {
  std::size_t best = none, best_reached = 0, best_eccentricity = 0, best_degree = 0;
  for (std::size_t h = 0; h < c.hub.size(); ++h) {
    if (!c.hub[h]) continue;
    std::size_t reached = 0, eccentricity = 0;
    for (std::size_t d : hub_distances(c, h)) {
      if (d == none) continue;
      ++reached;
      eccentricity = std::max(eccentricity, d);
    }
    const std::size_t degree = c.neighbours[h].size();
    const bool better = best == none || reached > best_reached ||
                        (reached == best_reached && (eccentricity < best_eccentricity ||
                                                     (eccentricity == best_eccentricity && degree > best_degree)));
    if (better) std::tie(best, best_reached, best_eccentricity, best_degree) = std::tie(h, reached, eccentricity, degree);
  }
  return best;
}

// Hubs as a tree from the centre (breadth first, children in node order); a hub the centre
// cannot reach starts a subtree of its own under the centre.
struct HubTree {
  std::size_t root = none;
  std::vector<std::size_t> parent;
  std::vector<std::vector<std::size_t>> children;
  std::vector<std::size_t> depth;
  std::vector<std::size_t> order;  // breadth first
  std::vector<double> weight;      // clusters in the subtree
};

HubTree build_tree(const Clusters& c, std::size_t root) {
  const std::size_t n = c.hub.size();
  HubTree t;
  t.root = root;
  t.parent.assign(n, none);
  t.children.resize(n);
  t.depth.assign(n, none);
  const auto grow = [&](std::size_t start) {
    std::deque<std::size_t> queue{start};
    while (!queue.empty()) {
      const std::size_t at = queue.front();
      queue.pop_front();
      t.order.push_back(at);
      for (std::size_t next : c.neighbours[at]) {
        if (!c.hub[next] || t.depth[next] != none) continue;
        t.depth[next] = t.depth[at] + 1;
        t.parent[next] = at;
        t.children[at].push_back(next);
        queue.push_back(next);
      }
    }
  };
  t.depth[root] = 0;
  grow(root);
  for (std::size_t h = 0; h < n; ++h) {
    if (!c.hub[h] || t.depth[h] != none) continue;
    t.depth[h] = 1;
    t.parent[h] = root;
    t.children[root].push_back(h);
    grow(h);
  }
  t.weight.assign(n, 1.0);
  for (auto it = t.order.rbegin(); it != t.order.rend(); ++it) {
    if (t.parent[*it] != none) t.weight[t.parent[*it]] += t.weight[*it];
  }
  return t;
}

struct Wedge {
  double from = 0, span = 2 * M_PI;
};

}  // namespace

namespace {

class RadialPlacer {
 public:
  RadialPlacer(const Clusters& c, const HubTree& t, const GroupedLayoutOptions& o, std::vector<Point>& points)
      : c_(c), t_(t), o_(o), points_(points), wedge_(c.hub.size()) {
    for (std::size_t h = 0; h < c.hub.size(); ++h) {
      if (c.hub[h] && h != t.root) radius_ = std::max(radius_, cluster_radius(c.hosts[h].size()));
    }
    // Each cluster is a disc of `radius_` around its router; discs stay more than a cluster's
    // width apart, so a cluster's hosts are closer to each other than to any other cluster's.
    gap_ = 2 * radius_ + o.spacing;
    slot_ = 2 * radius_ + gap_;
  }

  void run() {
    double outer = place_root();
    std::vector<std::size_t> parents{t_.root};
    while (!parents.empty()) {
      std::vector<std::size_t> next;
      double reached = outer;
      for (std::size_t parent : parents) {
        if (t_.children[parent].empty()) continue;
        reached = std::max(reached, place_children(parent, outer + gap_ + radius_));
        next.insert(next.end(), t_.children[parent].begin(), t_.children[parent].end());
      }
      outer = reached;
      parents = std::move(next);
    }
  }

 private:
  // Hosts sit on an arc around their router facing away from the centre (the link in comes from
  // the centre): up to 240 degrees of it, `spacing` apart, at least `reach` from the router.
  static double arc_of(std::size_t hosts) { return hosts <= 2 ? 2 * M_PI / 3 : 4 * M_PI / 3; }
  double cluster_radius(std::size_t hosts) const {
    if (hosts <= 1) return o_.reach;
    const double between = arc_of(hosts) / double(hosts - 1);
    return std::max(o_.reach, o_.spacing / (2 * std::sin(between / 2)));
  }
  // The angle two clusters' routers need between them on a circle of radius r.
  double step(double r) const { return slot_ >= 2 * r ? M_PI : 2 * std::asin(slot_ / (2 * r)); }

  // The central router in the middle, its own hosts on a circle around it.
  double place_root() {
    points_[t_.root] = {0, 0};
    wedge_[t_.root] = {-M_PI / 2, 2 * M_PI};
    const auto& hosts = c_.hosts[t_.root];
    if (hosts.empty()) return 0;
    const double k = double(hosts.size());
    const double radius = k < 2 ? o_.reach : std::max(o_.reach, o_.spacing / (2 * std::sin(M_PI / k)));
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      const double angle = -M_PI / 2 + 2 * M_PI * double(i) / k;
      points_[hosts[i]] = {radius * std::cos(angle), radius * std::sin(angle)};
    }
    return radius;
  }

  // A router at `angle` on the circle of radius r, its hosts on their arc; returns the farthest
  // any of them lies from the centre.
  double place_cluster(std::size_t hub, double angle, double r) {
    points_[hub] = Point{std::cos(angle), std::sin(angle)} * r;
    double farthest = r;
    const auto& hosts = c_.hosts[hub];
    const double arc = hosts.size() <= 1 ? 0 : arc_of(hosts.size()), rho = cluster_radius(hosts.size());
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      const double at = hosts.size() <= 1 ? angle : angle - arc / 2 + arc * double(i) / double(hosts.size() - 1);
      points_[hosts[i]] = points_[hub] + Point{std::cos(at), std::sin(at)} * rho;
      farthest = std::max(farthest, length(points_[hosts[i]]));
    }
    return farthest;
  }

  // The parent's children within its wedge, from radius `base` outward: one row with each child
  // in the middle of its share of the wedge (by the clusters below it) when every share is wide
  // enough, else rows of evenly spaced clusters as many as fit. Each child gets its share of the
  // wedge for its own children. Returns the farthest any node lies from the centre.
  double place_children(std::size_t parent, double base) {
    const Wedge wedge = wedge_[parent];
    const auto& children = t_.children[parent];
    double total = 0;
    for (std::size_t child : children) total += t_.weight[child];
    double from = wedge.from;
    bool one_row = true;
    for (std::size_t child : children) {
      wedge_[child] = {from, wedge.span * t_.weight[child] / total};
      from += wedge_[child].span;
      one_row = one_row && wedge_[child].span >= step(base);
    }
    double farthest = base;
    if (one_row) {
      for (std::size_t child : children) {
        farthest = std::max(farthest, place_cluster(child, wedge_[child].from + wedge_[child].span / 2, base));
      }
      return farthest;
    }
    // A wedge narrower than one step at `base` starts its rows farther out, where it is wide enough.
    double r = wedge.span < M_PI ? std::max(base, slot_ / (2 * std::sin(wedge.span / 2))) : base;
    for (std::size_t placed = 0; placed < children.size(); r += slot_) {
      const std::size_t fit = std::max<std::size_t>(1, std::size_t(wedge.span / step(r) + 1e-9));
      const std::size_t in_row = std::min(fit, children.size() - placed);
      for (std::size_t j = 0; j < in_row; ++j) {
        const double angle = wedge.from + wedge.span * (double(j) + 0.5) / double(in_row);
        farthest = std::max(farthest, place_cluster(children[placed + j], angle, r));
      }
      placed += in_row;
    }
    return farthest;
  }

  const Clusters& c_;
  const HubTree& t_;
  const GroupedLayoutOptions& o_;
  std::vector<Point>& points_;
  std::vector<Wedge> wedge_;
  double radius_ = 0, gap_ = 0, slot_ = 0;
};

}  // namespace

std::vector<Point> grouped_layout(const Topology& topology, const GroupedLayoutOptions& options) {
  std::vector<Point> points(topology.nodes.size());
  if (points.empty()) return points;
  const Clusters clusters = find_clusters(topology);
  const HubTree tree = build_tree(clusters, central_hub(clusters));
  RadialPlacer(clusters, tree, options, points).run();
  return points;
}

}  // namespace maillab::viz
