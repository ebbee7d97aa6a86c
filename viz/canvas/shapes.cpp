#include "viz/canvas/shapes.h"

#include <algorithm>
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

namespace {

// The shackle: an arch of radius r (centre line) over `top`, legs down to `left_end` and
// `right_end` (y coordinates), `width` thick.
void add_shackle(sf::VertexArray& out, Point top, double r, double left_end, double right_end, float width,
                 sf::Color color) {
  constexpr int steps = 10;
  Point previous = top + Point{-r, 0};
  for (int i = 1; i <= steps; ++i) {
    const double angle = M_PI + M_PI * i / steps;  // from the left, over the top, to the right
    const Point next = top + Point{r * std::cos(angle), r * std::sin(angle)};
    add_line(out, previous, next, width, color);
    previous = next;
  }
  add_line(out, top + Point{-r, 0}, Point{top.x - r, left_end}, width, color);
  add_line(out, top + Point{r, 0}, Point{top.x + r, right_end}, width, color);
}

}  // namespace

void add_padlock(sf::VertexArray& out, Point c, float height, bool closed, sf::Color color) {
  const double h = height;
  const float rim = std::max(1.0f, height * 0.09f);
  const sf::Color dark(10, 10, 14, color.a);
  // Body: the lower 55%, a little wider than tall, with a keyhole.
  const Point body_top_left{c.x - h * 0.40, c.y - h * 0.05};
  const Point body_size{h * 0.80, h * 0.55};
  // Shackle: closed sits on the body; open is lifted and its right leg stops short, free.
  const double r = h * 0.24;
  const Point arch = closed ? Point{c.x, c.y - h * 0.18} : Point{c.x - h * 0.10, c.y - h * 0.30};
  const double left_end = body_top_left.y + h * 0.05;
  const double right_end = closed ? left_end : arch.y + h * 0.08;
  const float thickness = height * 0.13f;
  add_shackle(out, arch, r, left_end, right_end, thickness + 2 * rim, dark);
  add_rect(out, body_top_left - Point{rim, rim}, body_size + Point{2 * rim, 2 * rim}, dark);
  add_shackle(out, arch, r, left_end, right_end, thickness, color);
  add_rect(out, body_top_left, body_size, color);
  const Point keyhole{c.x, body_top_left.y + body_size.y * 0.42};
  add_shape(out, NodeShape::circle, keyhole, float(h * 0.08), dark);
  add_rect(out, keyhole + Point{-h * 0.035, 0}, {h * 0.07, h * 0.17}, dark);
}

void add_cross(sf::VertexArray& out, Point c, float r, float width, sf::Color color) {
  add_line(out, c + Point{-r, -r}, c + Point{r, r}, width, color);
  add_line(out, c + Point{-r, r}, c + Point{r, -r}, width, color);
}

}  // namespace maillab::viz
