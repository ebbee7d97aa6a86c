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

// The outline of each shape around the origin for a nominal radius of 1.
std::vector<Point> unit_ring(NodeShape shape) {
  switch (shape) {
    case NodeShape::circle: return regular(24, 1, 0);
    case NodeShape::triangle: return regular(3, 1.3, -M_PI / 2);
    case NodeShape::diamond: return regular(4, 1.25, -M_PI / 2);
    case NodeShape::pentagon: return regular(5, 1.15, -M_PI / 2);
    case NodeShape::hexagon: return regular(6, 1.1, 0);
    case NodeShape::octagon: return regular(8, 1.08, M_PI / 8);
    case NodeShape::square: return regular(4, 1.2, M_PI / 4);
    case NodeShape::rounded_box: {
      // A laptop-ish wide box with cut corners.
      const double w = 1.45, h = 0.95, cut = 0.3;
      return {{-w + cut, -h}, {w - cut, -h}, {w, -h + cut}, {w, h - cut},
              {w - cut, h},   {-w + cut, h}, {-w, h - cut}, {-w, -h + cut}};
    }
  }
  return regular(24, 1, 0);
}

// Shapes are drawn every frame for every node: their rings are computed once.
const std::vector<Point>& ring_of(NodeShape shape) {
  static const std::vector<std::vector<Point>> rings = [] {
    std::vector<std::vector<Point>> all;
    for (int s = 0; s <= int(NodeShape::circle); ++s) all.push_back(unit_ring(NodeShape(s)));
    return all;
  }();
  return rings[std::size_t(shape)];
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
  const auto& ring = ring_of(shape);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    add_triangle(out, c, c + ring[i] * r, c + ring[(i + 1) % ring.size()] * r, fill);
  }
}

void add_shape_outline(sf::VertexArray& out, NodeShape shape, Point c, float r, float width, sf::Color color) {
  const auto& ring = ring_of(shape);
  for (std::size_t i = 0; i < ring.size(); ++i) {
    add_line(out, c + ring[i] * r, c + ring[(i + 1) % ring.size()] * r, width, color);
  }
  // Fill the notches where thick edges meet at a corner with a small disc. A circle's edges meet
  // almost straight and need none (24 discs of 24 triangles per circle node were most of the
  // canvas's triangles, and the software renderer pays per triangle).
  if (ring.size() > 8) return;
  const auto joint = regular(8, width / 2.0, 0);
  for (const auto& p : ring) {
    for (std::size_t i = 0; i < joint.size(); ++i) {
      add_triangle(out, c + p * r, c + p * r + joint[i], c + p * r + joint[(i + 1) % joint.size()], color);
    }
  }
}

sf::Image make_packet_image(unsigned side, unsigned border, sf::Color border_color) {
  sf::Image image;
  image.create(side, side, border_color);
  for (unsigned y = border; y + border < side; ++y) {
    for (unsigned x = border; x + border < side; ++x) image.setPixel(x, y, sf::Color::White);
  }
  return image;
}

void add_packet_quad(sf::VertexArray& quads, Point c, unsigned side, sf::Color color) {
  const float s = float(side);
  const float left = std::round(float(c.x) - s / 2), top = std::round(float(c.y) - s / 2);
  quads.append(sf::Vertex({left, top}, color, {0, 0}));
  quads.append(sf::Vertex({left + s, top}, color, {s, 0}));
  quads.append(sf::Vertex({left + s, top + s}, color, {s, s}));
  quads.append(sf::Vertex({left, top + s}, color, {0, s}));
}

void add_cross(sf::VertexArray& out, Point c, float r, float width, sf::Color color) {
  add_line(out, c + Point{-r, -r}, c + Point{r, r}, width, color);
  add_line(out, c + Point{-r, r}, c + Point{r, -r}, width, color);
}

}  // namespace maillab::viz
