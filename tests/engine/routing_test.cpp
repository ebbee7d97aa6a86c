// Routing (engine/net/routing.h) against a reference: the plain algorithm the rules describe, a
// Dijkstra from each destination over every usable link, kept here as the oracle. Random
// worlds mix trees (peeled by Routing) with cycles (its core), down and non-transit nodes, down
// and parallel links, and equal-latency ties; every pair of nodes must get the same next hop.
#include <catch2/catch.hpp>

#include <limits>
#include <map>
#include <queue>

#include "engine/core/rng.h"
#include "engine/net/routing.h"

using namespace maillab::engine;

namespace {

constexpr Time infinity = std::numeric_limits<Time>::max();

// Paths of least (latency * 1024 + 1 per hop), through nodes that are up and transit (the
// destination excepted), over links that are up; ties go to the lower link id.
std::optional<NextHop> reference_next_hop(const std::vector<NodeInfo>& nodes, const std::vector<Link>& links,
                                          std::size_t from, std::size_t to) {
  if (from == to) return std::nullopt;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < nodes.size(); ++i) index[nodes[i].name] = i;
  std::vector<std::vector<const Link*>> touching(nodes.size());
  for (const Link& link : links) {
    touching[index.at(link.a)].push_back(&link);
    touching[index.at(link.b)].push_back(&link);
  }
  auto other_end = [&](const Link& link, std::size_t end) {
    const std::size_t a = index.at(link.a);
    return a == end ? index.at(link.b) : a;
  };
  auto relays = [&](std::size_t n) { return n == to || (nodes[n].up && nodes[n].transit); };
  auto weight = [](const Link& link) { return link.spec.latency * 1024 + 1; };
  std::vector<Time> distance(nodes.size(), infinity);
  using Entry = std::pair<Time, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> frontier;
  distance[to] = 0;
  frontier.push({0, to});
  while (!frontier.empty()) {
    auto [d, at] = frontier.top();
    frontier.pop();
    if (d != distance[at]) continue;
    for (const Link* each : touching[at]) {
      const Link& link = *each;
      if (!link.spec.up) continue;
      const std::size_t other = other_end(link, at);
      if (!relays(other) || d + weight(link) >= distance[other]) continue;
      distance[other] = d + weight(link);
      frontier.push({distance[other], other});
    }
  }
  if (!nodes[from].up) return std::nullopt;
  std::optional<NextHop> best;
  Time best_total = infinity;
  for (const Link* each : touching[from]) {
    const Link& link = *each;
    if (!link.spec.up) continue;
    const std::size_t u = other_end(link, from);
    if (!relays(u) || distance[u] == infinity) continue;
    const Time total = weight(link) + distance[u];
    if (total < best_total || (total == best_total && link.id < best->link)) {
      best_total = total;
      best = NextHop{u, link.id};
    }
  }
  return best;
}

struct RandomWorld {
  std::vector<NodeInfo> nodes;
  std::vector<Link> links;

  void link(std::size_t a, std::size_t b, Time latency, bool up) {
    Link made;
    made.id = links.size();
    made.a = nodes[a].name;
    made.b = nodes[b].name;
    made.spec.latency = latency;
    made.spec.up = up;
    links.push_back(made);
  }
};

RandomWorld random_world(Rng& rng) {
  RandomWorld world;
  const std::size_t count = 2 + rng.uniform(30);
  for (std::size_t i = 0; i < count; ++i) {
    NodeInfo node;
    node.name = "n" + std::to_string(i);
    node.up = !rng.chance(0.1);
    node.transit = !rng.chance(0.15);
    world.nodes.push_back(node);
  }
  const Time latencies[] = {milliseconds(1), milliseconds(2), milliseconds(3)};
  // A random forest (some nodes start a new tree), then a few extra links that close cycles,
  // and now and then a parallel link.
  for (std::size_t i = 1; i < count; ++i)
    if (!rng.chance(0.1)) world.link(i, rng.uniform(i), latencies[rng.uniform(3)], !rng.chance(0.1));
  const std::size_t extra = rng.uniform(count / 3 + 1);
  for (std::size_t e = 0; e < extra; ++e) {
    const std::size_t a = rng.uniform(count), b = rng.uniform(count);
    if (a != b) world.link(a, b, latencies[rng.uniform(3)], !rng.chance(0.1));
  }
  return world;
}

}  // namespace

TEST_CASE("routing agrees with a per-destination Dijkstra on random worlds of trees and cycles", "[engine][routing]") {
  Rng rng(2026);
  std::size_t routes = 0, without = 0;
  for (int round = 0; round < 400; ++round) {
    RandomWorld world = random_world(rng);
    Routing routing(world.nodes, world.links);
    for (std::size_t from = 0; from < world.nodes.size(); ++from)
      for (std::size_t to = 0; to < world.nodes.size(); ++to) {
        const auto expected = reference_next_hop(world.nodes, world.links, from, to);
        const auto actual = routing.next_hop(from, to);
        INFO("round " << round << ": " << from << " -> " << to);
        REQUIRE(actual.has_value() == expected.has_value());
        if (!expected) {
          ++without;
          continue;
        }
        ++routes;
        CHECK(actual->node == expected->node);
        CHECK(actual->link == expected->link);
      }
  }
  // The worlds exercise both outcomes plentifully.
  CHECK(routes > 10000);
  CHECK(without > 10000);
}

TEST_CASE("routing follows changes: invalidate() after a link or node changes state", "[engine][routing]") {
  // a - r1 - b and a - r2 - b; r1 is faster.
  std::vector<NodeInfo> nodes(4);
  const char* names[] = {"a", "r1", "r2", "b"};
  for (int i = 0; i < 4; ++i) nodes[i].name = names[i];
  std::vector<Link> links;
  auto link = [&](const char* x, const char* y, Time latency) {
    Link made;
    made.id = links.size();
    made.a = x;
    made.b = y;
    made.spec.latency = latency;
    links.push_back(made);
  };
  link("a", "r1", milliseconds(1));
  link("r1", "b", milliseconds(1));
  link("a", "r2", milliseconds(5));
  link("r2", "b", milliseconds(5));
  Routing routing(nodes, links);
  CHECK(routing.path(0, 3) == std::vector<std::size_t>{0, 1, 3});
  nodes[1].up = false;
  routing.invalidate();
  CHECK(routing.path(0, 3) == std::vector<std::size_t>{0, 2, 3});
  links[3].spec.up = false;
  routing.invalidate();
  CHECK_FALSE(routing.path(0, 3).has_value());
  // A down destination is still reached (its last router cannot know).
  nodes[1].up = true;
  nodes[3].up = false;
  routing.invalidate();
  CHECK(routing.path(0, 3) == std::vector<std::size_t>{0, 1, 3});
}

TEST_CASE("routing in a 10,000-node generated-style tree matches the reference on sampled routes", "[engine][routing]") {
  // core - 3 regional routers - 2,500 LAN routers - 3 hosts each, plus a ring among the regions.
  RandomWorld world;
  auto add = [&](std::string name) {
    NodeInfo node;
    node.name = std::move(name);
    world.nodes.push_back(node);
    return world.nodes.size() - 1;
  };
  const std::size_t core = add("core");
  std::vector<std::size_t> regions, hosts;
  for (int r = 0; r < 3; ++r) {
    regions.push_back(add("region" + std::to_string(r)));
    world.link(core, regions.back(), milliseconds(10), true);
  }
  world.link(regions[0], regions[1], milliseconds(30), true);
  world.link(regions[1], regions[2], milliseconds(5), true);
  for (int lan = 0; lan < 2500; ++lan) {
    const std::size_t router = add("lan" + std::to_string(lan));
    world.link(regions[static_cast<std::size_t>(lan) % 3], router, milliseconds(5), true);
    for (int h = 0; h < 3; ++h) {
      hosts.push_back(add("host" + std::to_string(lan) + "-" + std::to_string(h)));
      world.link(router, hosts.back(), milliseconds(1), true);
    }
  }
  REQUIRE(world.nodes.size() > 10000);
  Routing routing(world.nodes, world.links);
  Rng rng(7);
  for (int sample = 0; sample < 40; ++sample) {
    const std::size_t from = hosts[rng.uniform(hosts.size())], to = hosts[rng.uniform(hosts.size())];
    INFO(world.nodes[from].name << " -> " << world.nodes[to].name);
    const auto expected = reference_next_hop(world.nodes, world.links, from, to);
    const auto actual = routing.next_hop(from, to);
    REQUIRE(actual.has_value() == expected.has_value());
    if (expected) CHECK(actual->link == expected->link);
    // The whole path is the tree walk: host, LAN, region(s), LAN, host.
    auto path = routing.path(from, to);
    REQUIRE(path);
    CHECK(path->size() <= 7);
  }
}
