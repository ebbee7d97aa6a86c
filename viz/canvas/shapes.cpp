#include "viz/canvas/shapes.h"

#include <cmath>
#include <vector>

namespace maillab::viz {

namespace {

sf::Vector2f v(Point p) { return {float(p.x), float(p.y)}; }

void add_triangle(sf::VertexArray& out, Point a, Point b, Point c, sf::Color color) {
  out.append(sf::Vertex(v(a), color));
  out.append(sf::Vertex(v(b), color));
  out.append(sf::Vertex(v(c), color));
}

std::vector<Point> regular(int sides, double radius, double rotation) {
  std::vector<Point> ring;
  for (int i = 0; i < sides; ++i) {
    const double angle = rotation + 2 * M_PI * i / sides;
    ring.push_back({radius * std::cos(angle), radius * std::sin(angle)});
  }
  return ring;
}

// The outline of each shape around the origin, for a nominal radius r.
std::vector<Point> ring_of(NodeShape shape, double r) {
  switch (shape) {
    case NodeShape::circle: return regular(24, r, 0);
    case NodeShape::triangle: return regular(3, r * 1.3, -M_PI / 2);
    case NodeShape::diamond: return regular(4, r * 1.25, -M_PI / 2);
    case NodeShape::pentagon: return regular(5, r * 1.15, -M_PI / 2);
    case NodeShape::hexagon: return regular(6, r * 1.1, 0);
    case NodeShape::octagon: return regular(8, r * 1.08, M_PI / 8);
    case NodeShape::square: return regular(4, r * 1.2, M_PI / 4);
    case NodeShape::rounded_box: {
      // A laptop-ish wide box with cut corners.
      const double w = r * 1.45, h = r * 0.95, cut = r * 0.3;
      return {{-w + cut, -h}, {w - cut, -h}, {w, -h + cut}, {w, h - cut},
              {w - cut, h},   {-w + cut, h}, {-w, h - cut}, {-w, -h + cut}};
    }
  }
  return regular(24, r, 0);
}

}  // namespace

void add_line(sf::VertexArray& out, Point a, Point b, float width, sf::Color color) {
  const Point d = b - a;
  const double len = length(d);
  if (len < 1e-6) return;
  const Point n = Point{-d.y / len, d.x / len} * (width / 2.0);
  add_triangle(out, a + n, b + n, b - n, color);
  add_triangle(out, a + n, b - n, a - n, color);
}

void add_dashed_line(sf::VertexArray& out, Point a, Point b, float width, float dash, float gap, sf::Color color) {
  const double len = distance(a, b);
  if (len < 1e-6) return;
  const Point unit = (b - a) * (1.0 / len);
  const Point middle = lerp(a, b, 0.5);
  const double period = dash + gap;
  // A dash centred on the middle, then outwards both ways.
  for (double offset = -dash / 2.0; offset < len / 2; offset += period) {
    const double from = offset, to = std::min(offset + dash, len / 2);
    add_line(out, middle + unit * from, middle + unit * to, width, color);
    if (offset + dash / 2.0 > 0) {
      add_line(out, middle - unit * to, middle - unit * from, width, color);
    }
  }
}

void add_rect(sf::VertexArray& out, Point top_left, Point size, sf::Color color) {
  const Point tr{top_left.x + size.x, top_left.y}, br = top_left + size, bl{top_left.x, top_left.y + size.y};
  add_triangle(out, top_left, tr, br, color);
  add_triangle(out, top_left, br, bl, color);
}

void add_shape(sf::VertexArray& out, NodeShape shape, Point c, float r, sf::Color fill) {
  const auto ring = ring_of(shape, r);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    add_triangle(out, c, c + ring[i], c + ring[(i + 1) % ring.size()], fill);
  }
}

void add_shape_outline(sf::VertexArray& out, NodeShape shape, Point c, float r, float width, sf::Color color) {
  const auto ring = ring_of(shape, r);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    add_line(out, c + ring[i], c + ring[(i + 1) % ring.size()], width, color);
  }
  // Round off the joints so thick outlines have no notches.
  for (const auto& p : ring) add_shape(out, NodeShape::circle, c + p, width / 2, color);
}

void add_cross(sf::VertexArray& out, Point c, float r, float width, sf::Color color) {
  add_line(out, c + Point{-r, -r}, c + Point{r, r}, width, color);
  add_line(out, c + Point{-r, r}, c + Point{r, -r}, width, color);
}

}  // namespace maillab::viz
