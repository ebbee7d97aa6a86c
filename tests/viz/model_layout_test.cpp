#include <catch2/catch.hpp>

#include <cmath>

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
      const bool apart = std::abs(points[i].x - points[j].x) >= bounds.min_dx * 0.75 ||
                         std::abs(points[i].y - points[j].y) >= bounds.min_dy * 0.75;
      CHECK(apart);
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
  const viz::LayoutBounds bounds{800, 600, 50, 120, 70};
  const auto points = viz::auto_layout(topology, bounds);
  REQUIRE(points.size() == 7);
  check_spread_and_bounds(points, bounds);
  const auto again = viz::auto_layout(topology, bounds);
  for (std::size_t i = 0; i < points.size(); ++i) CHECK(points[i].x == again[i].x);
}

TEST_CASE("scenario positions are used when complete, scaled into the bounds", "[viz][layout]") {
  const auto topology = make_topology(3, {{0, 1}, {1, 2}});
  const viz::LayoutBounds bounds{1000, 600, 100, 50, 40};
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
  const viz::LayoutBounds bounds{800, 600, 50, 100, 60};
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

#include "viz/model/screen_layout.h"

namespace {
bool overlap(const viz::Rect& a, const viz::Rect& b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
}  // namespace

TEST_CASE("the panels never cover the canvas, and it keeps most of the window", "[viz][layout]") {
  for (double scale : {1.0, 1.5}) {
    for (auto [w, h] : {std::pair{1280.0, 800.0}, std::pair{1920.0, 1080.0}, std::pair{1024.0, 768.0}}) {
      INFO(w << "x" << h << " scale " << scale);
      const auto layout = viz::compute_screen_layout(w, h, scale, true, true);
      for (const auto* panel : {&layout.time_bar, &layout.inspector, &layout.journey, &layout.log}) {
        CHECK_FALSE(overlap(*panel, layout.canvas));
      }
      CHECK(layout.canvas.width >= 0.6 * w);
      CHECK(layout.canvas.height >= 0.45 * h);
      CHECK(layout.inspector.x + layout.inspector.width == Approx(w));
      CHECK(layout.log.y + layout.log.height == Approx(h));
    }
  }
  const auto bare = viz::compute_screen_layout(1280, 800, 1.0, false, false);
  CHECK(bare.canvas.width == Approx(1280));
  CHECK(bare.canvas.height == Approx(800 - bare.time_bar.height));
}
