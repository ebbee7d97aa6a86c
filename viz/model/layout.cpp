#include "viz/model/layout.h"

#include "viz/model/grouped_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/fruchterman_reingold.hpp>
#include <boost/graph/kamada_kawai_spring_layout.hpp>
#include <boost/graph/random_layout.hpp>
#include <boost/graph/topology.hpp>
#include <boost/random/linear_congruential.hpp>

namespace maillab::viz {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;
using Square = boost::square_topology<boost::minstd_rand>;
using LayoutPoint = Square::point_type;

Graph build_graph(const Topology& topology) {
  Graph graph(topology.nodes.size());
  for (const auto& link : topology.links) {
    auto a = topology.node_index(link.a);
    auto b = topology.node_index(link.b);
    if (!a || !b || *a == *b) continue;
    boost::add_edge(*a, *b, 1.0, graph);
  }
  return graph;
}

}  // namespace

namespace {

struct Span {
  Point low, high;
};

Span span_of(const std::vector<Point>& points) {
  Span span{{std::numeric_limits<double>::max(), std::numeric_limits<double>::max()},
            {std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()}};
  for (const auto& p : points) {
    span.low = {std::min(span.low.x, p.x), std::min(span.low.y, p.y)};
    span.high = {std::max(span.high.x, p.x), std::max(span.high.y, p.y)};
  }
  return span;
}

bool complete(const Topology& topology, const std::map<std::string, Point>& given) {
  return !topology.nodes.empty() && std::all_of(topology.nodes.begin(), topology.nodes.end(),
                                                [&](const TopologyNode& node) { return given.count(node.name) > 0; });
}

}  // namespace

LayoutBounds bounds_for(const Topology& topology, const std::map<std::string, Point>& given, const LayoutBounds& base) {
  if (topology.nodes.size() <= grouped_layout_above || complete(topology, given)) return base;
  const Span span = span_of(grouped_layout(topology));
  const double factor = std::max({1.0, (span.high.x - span.low.x + 2 * base.margin) / base.width,
                                  (span.high.y - span.low.y + 2 * base.margin) / base.height});
  LayoutBounds bounds = base;
  bounds.width *= factor;
  bounds.height *= factor;
  return bounds;
}

void fit_uniform(std::vector<Point>& points, const LayoutBounds& bounds) {
  if (points.empty()) return;
  const Span span = span_of(points);
  const double room_x = std::max(1.0, bounds.width - 2 * bounds.margin);
  const double room_y = std::max(1.0, bounds.height - 2 * bounds.margin);
  const double width = span.high.x - span.low.x, height = span.high.y - span.low.y;
  double scale = std::min(width > 1e-9 ? room_x / width : 1e300, height > 1e-9 ? room_y / height : 1e300);
  if (scale > 1e299) scale = 1.0;
  const Point source_center = (span.low + span.high) * 0.5;
  const Point center{bounds.width / 2, bounds.height / 2};
  for (auto& p : points) p = center + (p - source_center) * scale;
}

void fit_into(std::vector<Point>& points, const LayoutBounds& bounds) {
  if (points.empty()) return;
  const Point center{bounds.width / 2, bounds.height / 2};
  double min_x = std::numeric_limits<double>::max(), min_y = min_x;
  double max_x = std::numeric_limits<double>::lowest(), max_y = max_x;
  for (const auto& p : points) {
    min_x = std::min(min_x, p.x);
    max_x = std::max(max_x, p.x);
    min_y = std::min(min_y, p.y);
    max_y = std::max(max_y, p.y);
  }
  const double span_x = max_x - min_x, span_y = max_y - min_y;
  const double room_x = std::max(1.0, bounds.width - 2 * bounds.margin);
  const double room_y = std::max(1.0, bounds.height - 2 * bounds.margin);
  // Fill the room, stretching one axis at most 1.6 times more than the other (a layout's
  // aspect means little, an empty half of the screen means a lot).
  constexpr double max_stretch = 1.6;
  double scale_x = span_x > 1e-9 ? room_x / span_x : 0;
  double scale_y = span_y > 1e-9 ? room_y / span_y : 0;
  if (scale_x == 0 && scale_y == 0) {
    scale_x = scale_y = 1.0;
  } else if (scale_x == 0) {
    scale_x = scale_y;
  } else if (scale_y == 0) {
    scale_y = scale_x;
  }
  scale_x = std::min(scale_x, scale_y * max_stretch);
  scale_y = std::min(scale_y, scale_x * max_stretch);
  const Point source_center{(min_x + max_x) / 2, (min_y + max_y) / 2};
  for (auto& p : points) p = {center.x + (p.x - source_center.x) * scale_x, center.y + (p.y - source_center.y) * scale_y};
}

void separate(std::vector<Point>& points, const LayoutBounds& bounds) {
  const double lo_x = bounds.margin, hi_x = std::max(bounds.margin, bounds.width - bounds.margin);
  const double lo_y = bounds.margin, hi_y = std::max(bounds.margin, bounds.height - bounds.margin);
  const std::size_t n = points.size();
  for (int iteration = 0; iteration < 300; ++iteration) {
    bool moved = false;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = i + 1; j < n; ++j) {
        const Point delta = points[j] - points[i];
        const double overlap_x = bounds.min_dx - std::abs(delta.x);
        const double overlap_y = bounds.min_dy - std::abs(delta.y);
        if (overlap_x <= 0 || overlap_y <= 0) continue;
        // Push apart along the axis that needs the smaller share of its required gap.
        if (overlap_x / bounds.min_dx <= overlap_y / bounds.min_dy) {
          // Coincident points split by index order (deterministic).
          const double direction = delta.x > 0 || (delta.x == 0 && i < j) ? 1.0 : -1.0;
          const double push = overlap_x / 2 + 0.5;
          points[i].x -= direction * push;
          points[j].x += direction * push;
        } else {
          const double direction = delta.y > 0 || (delta.y == 0 && i < j) ? 1.0 : -1.0;
          const double push = overlap_y / 2 + 0.5;
          points[i].y -= direction * push;
          points[j].y += direction * push;
        }
        moved = true;
      }
    }
    for (auto& p : points) {
      p.x = std::clamp(p.x, lo_x, hi_x);
      p.y = std::clamp(p.y, lo_y, hi_y);
    }
    if (!moved) break;
  }
}

std::vector<Point> auto_layout(const Topology& topology, const LayoutBounds& bounds) {
  const std::size_t n = topology.nodes.size();
  std::vector<Point> points(n, Point{bounds.width / 2, bounds.height / 2});
  if (n <= 1) return points;
  if (n > grouped_layout_above) {
    // Spaced by construction, clusters apart: no pushing apart (it would undo the grouping).
    points = grouped_layout(topology);
    fit_uniform(points, bounds);
    return points;
  }

  Graph graph = build_graph(topology);
  std::vector<int> component(n);
  const int components = boost::connected_components(graph, component.data());

  std::vector<LayoutPoint> position(n);
  auto position_map = boost::make_iterator_property_map(position.begin(), boost::get(boost::vertex_index, graph));
  const double radius = 100.0;
  boost::circle_graph_layout(graph, position_map, radius);

  bool laid_out = false;
  if (components == 1) {
    // Kamada-Kawai wants every pair of nodes joined by some path; it then makes drawn distances
    // follow hop counts, which reads well for a network.
    boost::minstd_rand generator(42);
    Square square(generator, 2 * radius);
    laid_out = boost::kamada_kawai_spring_layout(graph, position_map, boost::get(boost::edge_weight, graph), square,
                                                 boost::side_length(2 * radius));
  }
  if (!laid_out) {
    boost::minstd_rand generator(42);
    boost::rectangle_topology<boost::minstd_rand> rectangle(generator, -bounds.width / 2, -bounds.height / 2,
                                                            bounds.width / 2, bounds.height / 2);
    boost::circle_graph_layout(graph, position_map, radius);
    boost::fruchterman_reingold_force_directed_layout(graph, position_map, rectangle);
  }
  for (std::size_t i = 0; i < n; ++i) {
    points[i] = {position[i][0], position[i][1]};
    if (!std::isfinite(points[i].x) || !std::isfinite(points[i].y)) {
      const double angle = 2 * M_PI * double(i) / double(n);
      points[i] = {radius * std::cos(angle), radius * std::sin(angle)};
    }
  }
  // Turn the drawing so its long axis lies along the long side of the bounds: screens are wide.
  Point mean{0, 0};
  for (const auto& p : points) mean = mean + p * (1.0 / double(n));
  double xx = 0, yy = 0, xy = 0;
  for (const auto& p : points) {
    const Point d = p - mean;
    xx += d.x * d.x;
    yy += d.y * d.y;
    xy += d.x * d.y;
  }
  double angle = 0.5 * std::atan2(2 * xy, xx - yy);  // direction of the principal axis
  if (bounds.height > bounds.width) angle -= M_PI / 2;
  const double c = std::cos(-angle), s = std::sin(-angle);
  for (auto& p : points) {
    const Point d = p - mean;
    p = {d.x * c - d.y * s, d.x * s + d.y * c};
  }
  fit_into(points, bounds);
  separate(points, bounds);
  return points;
}

std::vector<Point> place_nodes(const Topology& topology, const std::map<std::string, Point>& given,
                               const LayoutBounds& bounds) {
  if (!complete(topology, given)) return auto_layout(topology, bounds);
  std::vector<Point> points;
  points.reserve(topology.nodes.size());
  for (const auto& node : topology.nodes) points.push_back(given.at(node.name));
  fit_into(points, bounds);
  separate(points, bounds);
  return points;
}

}  // namespace maillab::viz
