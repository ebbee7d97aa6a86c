// Where nodes are drawn. Scenario positions win when every node has one; otherwise an automatic
// layout places them: for a large network (more than `grouped_layout_above` nodes, such as a
// generated world) the grouped layout of viz/model/grouped_layout.h, one cluster per domain;
// for a small one Boost.Graph's (Kamada-Kawai when the graph is connected, Fruchterman-
// Reingold otherwise), started from a circle so the same topology always gets the same picture.
// Either way the result is scaled into the given bounds and nodes are pushed apart so no two sit
// on top of each other.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "viz/model/geometry.h"
#include "viz/model/topology.h"

namespace maillab::viz {

struct LayoutBounds {
  double width = 1000;
  double height = 640;
  double margin = 95;        // room for labels at the edges
  // No two nodes closer than this box (world units): labels are wide and hang below a node, so
  // side by side needs more room than one above the other.
  double min_dx = 190;
  double min_dy = 85;
};

constexpr std::size_t grouped_layout_above = 40;

// The bounds to lay a topology out in: `base`, or for the grouped layout a larger rectangle of
// the same shape that holds it at its own spacing (the canvas then zooms out to show it whole).
LayoutBounds bounds_for(const Topology& topology, const std::map<std::string, Point>& given,
                        const LayoutBounds& base);

// One point per topology node, in node order.
std::vector<Point> auto_layout(const Topology& topology, const LayoutBounds& bounds = {});

// Uses `given` when it names every node, else auto_layout.
std::vector<Point> place_nodes(const Topology& topology, const std::map<std::string, Point>& given,
                               const LayoutBounds& bounds = {});

// Scales points into the bounds less margins, centred, filling them (one axis may be stretched up
// to 1.6 times the other).
void fit_into(std::vector<Point>& points, const LayoutBounds& bounds);
// Scales points by one factor into the bounds less margins, centred (circles stay round).
void fit_uniform(std::vector<Point>& points, const LayoutBounds& bounds);
// Pushes points apart until no pair is inside each other's min_dx x min_dy box (or iterations run
// out), then clamps them back inside the bounds.
void separate(std::vector<Point>& points, const LayoutBounds& bounds);

}  // namespace maillab::viz
