// LabelPlacer: packet labels never print over each other, keep off hosts when they can, and are
// placed the same way every time.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "viz/model/label_placer.h"

using namespace maillab::viz;

namespace {
Rect at(Point corner, double width, double height) { return {corner.x, corner.y, width, height}; }
}  // namespace

TEST_CASE("rectangles overlap only when they share area", "[viz][labels]") {
  CHECK(overlaps({0, 0, 10, 10}, {5, 5, 10, 10}));
  CHECK_FALSE(overlaps({0, 0, 10, 10}, {10, 0, 10, 10}));  // touching edges
  CHECK_FALSE(overlaps({0, 0, 10, 10}, {0, 20, 10, 10}));
}

TEST_CASE("two packets at the same spot get labels that do not overlap", "[viz][labels]") {
  LabelPlacer placer;
  const Point packet{200, 200};
  const auto first = placer.place(packet, 7.5, 120, 16);
  const auto second = placer.place(packet, 7.5, 60, 16);
  REQUIRE(first);
  REQUIRE(second);
  CHECK_FALSE(overlaps(at(*first, 120, 16), at(*second, 60, 16)));
  // The first takes the usual place: right of the packet, above it.
  CHECK(first->x > packet.x);
  CHECK(first->y < packet.y);
  // Both stay beside their packet.
  CHECK(std::abs(second->x - packet.x) < 100);
  CHECK(std::abs(second->y - packet.y) < 60);
}

TEST_CASE("a label keeps off a host's name when a free slot exists, and covers it when none does",
          "[viz][labels]") {
  const Point packet{200, 200};
  LabelPlacer placer;
  const Rect host_name{205, 170, 100, 25};  // right above the packet
  placer.block(host_name, false);
  const auto label = placer.place(packet, 7.5, 80, 16);
  REQUIRE(label);
  CHECK_FALSE(overlaps(at(*label, 80, 16), host_name));

  // Soft obstacles everywhere: the packet still gets its label.
  LabelPlacer crowded;
  crowded.block({0, 0, 1000, 1000}, false);
  CHECK(crowded.place(packet, 7.5, 80, 16));
}

TEST_CASE("with every slot taken by other labels, a label is left out", "[viz][labels]") {
  LabelPlacer placer;
  placer.block({0, 0, 1000, 1000}, true);
  CHECK_FALSE(placer.place({200, 200}, 7.5, 80, 16));
  placer.clear();
  CHECK(placer.place({200, 200}, 7.5, 80, 16));
}

TEST_CASE("many labels around one spot: each placed one is clear of the others, same result twice",
          "[viz][labels]") {
  auto run = [] {
    LabelPlacer placer;
    std::vector<Rect> placed;
    for (int i = 0; i < 12; ++i) {
      const double width = 40 + 7 * i;
      if (auto corner = placer.place({300.0 + i % 3, 300}, 7.5, width, 16)) placed.push_back(at(*corner, width, 16));
    }
    return placed;
  };
  const auto placed = run();
  CHECK(placed.size() >= 6);
  CHECK(placed.size() < 12);  // the slots run out: the rest are left out, not stacked on top
  for (std::size_t i = 0; i < placed.size(); ++i) {
    for (std::size_t j = i + 1; j < placed.size(); ++j) CHECK_FALSE(overlaps(placed[i], placed[j]));
  }
  const auto again = run();
  REQUIRE(again.size() == placed.size());
  for (std::size_t i = 0; i < placed.size(); ++i) CHECK(again[i].x == placed[i].x);
}

TEST_CASE("a host's label takes the first of its own places that covers nothing hard", "[viz][labels]") {
  LabelPlacer placer;
  const std::vector<Point> places = {{100, 150}, {140, 100}, {20, 100}, {100, 40}};  // below, right, left, above
  placer.block({90, 160, 40, 40}, true);  // another host just below
  const auto first = placer.place_at_one_of(places, 60, 30);
  REQUIRE(first);
  CHECK(first->x == 140);  // moved to the right
  CHECK(first->y == 100);
  // The right is now taken too: the next label with the same places goes left.
  const auto second = placer.place_at_one_of(places, 60, 30);
  REQUIRE(second);
  CHECK(second->x == 20);
  LabelPlacer free_below;
  CHECK(free_below.place_at_one_of(places, 60, 30)->y == 150);  // nothing in the way: below
}
