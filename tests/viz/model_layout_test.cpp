#include <catch2/catch.hpp>

#include <cmath>

#include "viz/model/grouped_layout.h"
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

namespace {

// A generated world's shape (scenarios/README.md, "Generated worlds"): core with the root server
// and the spoofer; per TLD a router with its TLD server and resolver; per domain a router with
// the MTA, the name server and the clients.
viz::Topology generated_world(int domains, int clients) {
  viz::Topology topology;
  std::size_t id = 0;
  auto node = [&](const std::string& name, bool router) {
    viz::TopologyNode n;
    n.name = name;
    n.is_router = router;
    topology.nodes.push_back(n);
  };
  auto link = [&](const std::string& a, const std::string& b) {
    viz::TopologyLink l;
    l.id = id++;
    l.a = a;
    l.b = b;
    topology.links.push_back(l);
  };
  const std::vector<std::string> tlds = {"com", "org", "net"};
  node("core", true);
  node("a.root-servers.net", false);
  link("core", "a.root-servers.net");
  node("spoofer", false);
  link("core", "spoofer");
  for (const auto& tld : tlds) {
    node("tld-" + tld, true);
    link("core", "tld-" + tld);
    for (const std::string& host : {"a." + tld + "-servers.net", "resolver-" + tld}) {
      node(host, false);
      link("tld-" + tld, host);
    }
  }
  for (int k = 0; k < domains; ++k) {
    const std::string domain = "d" + std::to_string(k + 1) + "." + tlds[std::size_t(k) % tlds.size()];
    node(domain + "-net", true);
    link("tld-" + tlds[std::size_t(k) % tlds.size()], domain + "-net");
    std::vector<std::string> hosts = {"mail." + domain, "ns." + domain};
    for (int c = 1; c <= clients; ++c) hosts.push_back("client" + std::to_string(c) + "." + domain);
    for (const auto& host : hosts) {
      node(host, false);
      link(domain + "-net", host);
    }
  }
  topology.reindex();
  return topology;
}

// d7.org for mail.d7.org and d7.org-net; empty for the shared part (core, TLDs).
std::string domain_of(const std::string& name) {
  if (name.size() > 4 && name.compare(name.size() - 4, 4, "-net") == 0) return name.substr(0, name.size() - 4);
  const auto dot = name.find('.');
  if (dot == std::string::npos || name.compare(dot + 1, 1, "d") != 0) return "";
  return name.substr(dot + 1);
}

}  // namespace

TEST_CASE("a 500-host generated world is laid out grouped by domain, deterministically, without overlap",
          "[viz][layout]") {
  const viz::Topology topology = generated_world(125, 1);  // 125 x 4 + 12 = 512 nodes
  REQUIRE(topology.nodes.size() > viz::grouped_layout_above);
  const viz::LayoutBounds base;
  const viz::LayoutBounds bounds = viz::bounds_for(topology, {}, base);
  CHECK(bounds.width > base.width);  // a larger world, the same shape
  CHECK(bounds.width / bounds.height == Approx(base.width / base.height));
  const auto points = viz::place_nodes(topology, {}, bounds);
  const auto again = viz::place_nodes(topology, {}, bounds);
  REQUIRE(points.size() == topology.nodes.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    CHECK(points[i].x == again[i].x);
    CHECK(points[i].y == again[i].y);
    CHECK(points[i].x >= bounds.margin - 1e-6);
    CHECK(points[i].x <= bounds.width - bounds.margin + 1e-6);
  }

  // No two hosts on top of each other (a host is drawn 34 units across at zoom 1), and every
  // domain's hosts closer to each other than to any other domain's.
  std::map<std::string, double> widest_inside, nearest_outside;
  double closest = 1e300;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string di = domain_of(topology.nodes[i].name);
    for (std::size_t j = i + 1; j < points.size(); ++j) {
      const std::string dj = domain_of(topology.nodes[j].name);
      const double d = viz::distance(points[i], points[j]);
      closest = std::min(closest, d);
      if (di.empty() || dj.empty()) continue;
      if (di == dj) {
        widest_inside[di] = std::max(widest_inside[di], d);
      } else {
        for (const auto& domain : {di, dj}) {
          auto [it, added] = nearest_outside.emplace(domain, d);
          if (!added) it->second = std::min(it->second, d);
        }
      }
    }
  }
  CHECK(closest >= 34);
  REQUIRE(widest_inside.size() == 125);
  for (const auto& [domain, widest] : widest_inside) {
    INFO(domain << ": widest inside " << widest << ", nearest other domain " << nearest_outside[domain]);
    CHECK(widest < nearest_outside[domain]);
  }

  // The shared part in the middle: core at the centre, each TLD router nearer to it than any
  // domain router.
  const auto at = [&](const std::string& name) { return points[*topology.node_index(name)]; };
  const viz::Point centre{bounds.width / 2, bounds.height / 2};
  const double core_off = viz::distance(at("core"), centre);
  CHECK(core_off < 0.1 * bounds.height);
  double farthest_tld = 0, nearest_domain = 1e300;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& name = topology.nodes[i].name;
    if (!topology.nodes[i].is_router || name == "core") continue;
    const double d = viz::distance(points[i], at("core"));
    if (name.rfind("tld-", 0) == 0) farthest_tld = std::max(farthest_tld, d);
    else nearest_domain = std::min(nearest_domain, d);
  }
  CHECK(farthest_tld < nearest_domain);
}

TEST_CASE("grouped layout: a domain's hosts sit with their own TLD's domains (one wedge per TLD)", "[viz][layout]") {
  const viz::Topology topology = generated_world(30, 2);
  const auto points = viz::grouped_layout(topology);
  // Each TLD's domain routers span an angle around core that no other TLD's routers enter.
  std::map<std::string, std::vector<double>> angles;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& name = topology.nodes[i].name;
    if (!topology.nodes[i].is_router || name == "core" || name.rfind("tld-", 0) == 0) continue;
    const std::string tld = domain_of(name).substr(domain_of(name).find('.') + 1);
    angles[tld].push_back(std::atan2(points[i].y - points[0].y, points[i].x - points[0].x));
  }
  REQUIRE(angles.size() == 3);
  // Sorting every router by angle around the circle gives three unbroken runs, one per TLD.
  std::vector<std::pair<double, std::string>> around;
  for (const auto& [tld, list] : angles) {
    for (double a : list) around.push_back({a, tld});
  }
  std::sort(around.begin(), around.end());
  int changes = 0;
  for (std::size_t i = 0; i < around.size(); ++i) changes += around[i].second != around[(i + 1) % around.size()].second;
  CHECK(changes == 3);
}
