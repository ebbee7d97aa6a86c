#include <catch2/catch.hpp>

#include "viz/model/layout.h"

using namespace maillab;

namespace {

viz::Topology make_topology(int nodes, std::vector<std::pair<int, int>> edges) {
  viz::Topology topology;
  for (int i = 0; i < nodes; ++i) {
    viz::TopologyNode node;
    node.name = "n" + std::to_string(i);
    topology.nodes.push_back(node);
  }
  std::size_t id = 0;
  for (auto [a, b] : edges) {
    viz::TopologyLink link;
    link.id = id++;
    link.a = "n" + std::to_string(a);
    link.b = "n" + std::to_string(b);
    topology.links.push_back(link);
  }
  topology.reindex();
  return topology;
}

void check_spread_and_bounds(const std::vector<viz::Point>& points, const viz::LayoutBounds& bounds) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    INFO("node " << i << " at " << points[i].x << "," << points[i].y);
    CHECK(points[i].x >= bounds.margin - 1e-6);
    CHECK(points[i].x <= bounds.width - bounds.margin + 1e-6);
    CHECK(points[i].y >= bounds.margin - 1e-6);
    CHECK(points[i].y <= bounds.height - bounds.margin + 1e-6);
    for (std::size_t j = i + 1; j < points.size(); ++j) {
      INFO("pair " << i << "," << j);
      CHECK(viz::distance(points[i], points[j]) >= bounds.min_distance * 0.75);
    }
  }
}

}  // namespace

TEST_CASE("automatic layout is deterministic, inside its bounds, and never stacks nodes", "[viz][layout]") {
  // A tree like the demo world: client - router - resolver/MTA - core - DNS servers - MX - mailbox.
  const auto topology = make_topology(
      12, {{0, 1}, {2, 1}, {3, 1}, {1, 4}, {4, 5}, {4, 6}, {4, 8}, {8, 7}, {8, 9}, {8, 10}, {4, 11}});
  const viz::LayoutBounds bounds;
  const auto first = viz::auto_layout(topology, bounds);
  const auto second = viz::auto_layout(topology, bounds);
  REQUIRE(first.size() == 12);
  for (std::size_t i = 0; i < first.size(); ++i) {
    CHECK(first[i].x == second[i].x);
    CHECK(first[i].y == second[i].y);
  }
  check_spread_and_bounds(first, bounds);
}

TEST_CASE("a disconnected topology (Fruchterman-Reingold path) is laid out too", "[viz][layout]") {
  const auto topology = make_topology(7, {{0, 1}, {1, 2}, {3, 4}});  // 5 and 6 stand alone
  const viz::LayoutBounds bounds{800, 600, 50, 80};
  const auto points = viz::auto_layout(topology, bounds);
  REQUIRE(points.size() == 7);
  check_spread_and_bounds(points, bounds);
  const auto again = viz::auto_layout(topology, bounds);
  for (std::size_t i = 0; i < points.size(); ++i) CHECK(points[i].x == again[i].x);
}

TEST_CASE("scenario positions are used when complete, scaled into the bounds", "[viz][layout]") {
  const auto topology = make_topology(3, {{0, 1}, {1, 2}});
  const viz::LayoutBounds bounds{1000, 600, 100, 50};
  std::map<std::string, viz::Point> given = {{"n0", {0, 0}}, {"n1", {10, 0}}, {"n2", {20, 0}}};
  const auto points = viz::place_nodes(topology, given, bounds);
  REQUIRE(points.size() == 3);
  CHECK(points[0].x == Approx(100));
  CHECK(points[1].x == Approx(500));
  CHECK(points[2].x == Approx(900));
  CHECK(points[0].y == Approx(300));

  // Missing one: automatic layout for all.
  given.erase("n2");
  const auto automatic = viz::place_nodes(topology, given, bounds);
  check_spread_and_bounds(automatic, bounds);
}

TEST_CASE("coincident positions are pushed apart", "[viz][layout]") {
  std::vector<viz::Point> points(4, viz::Point{400, 300});
  const viz::LayoutBounds bounds{800, 600, 50, 100};
  viz::separate(points, bounds);
  check_spread_and_bounds(points, bounds);
}

TEST_CASE("the camera maps world to screen and back, and zooms about the cursor", "[viz][layout]") {
  viz::Camera camera;
  camera.set_viewport({100, 50, 800, 600});
  camera.fit({0, 0, 400, 300});
  CHECK(camera.zoom() == Approx(2.0));
  const viz::Point center = camera.to_screen({200, 150});
  CHECK(center.x == Approx(500));
  CHECK(center.y == Approx(350));
  const viz::Point anchor{300, 200};
  const viz::Point under = camera.to_world(anchor);
  camera.zoom_at(anchor, 1.5);
  const viz::Point still = camera.to_world(anchor);
  CHECK(still.x == Approx(under.x));
  CHECK(still.y == Approx(under.y));
  camera.pan({10, 0});
  CHECK(camera.to_world(anchor).x == Approx(under.x - 10 / camera.zoom()));
  CHECK(viz::distance_to_segment({5, 5}, {0, 0}, {10, 0}) == Approx(5));
}
