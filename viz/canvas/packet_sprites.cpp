#include "viz/canvas/packet_sprites.h"

#include <algorithm>
#include <cmath>

#include "viz/canvas/shapes.h"

namespace maillab::viz {

namespace {

double edge(sf::Vector2f a, sf::Vector2f b, double x, double y) {
  return double(b.x - a.x) * (y - a.y) - double(b.y - a.y) * (x - a.x);
}

bool covers(const sf::Vertex* t, double x, double y) {
  const double e0 = edge(t[0].position, t[1].position, x, y);
  const double e1 = edge(t[1].position, t[2].position, x, y);
  const double e2 = edge(t[2].position, t[0].position, x, y);
  return (e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0);
}

}  // namespace

void rasterize_triangles(const sf::VertexArray& triangles, sf::Image& image, sf::Vector2u origin, sf::Vector2u size) {
  for (std::size_t i = 0; i + 2 < triangles.getVertexCount(); i += 3) {
    const sf::Vertex* t = &triangles[i];
    for (unsigned y = 0; y < size.y; ++y) {
      for (unsigned x = 0; x < size.x; ++x) {
        if (covers(t, x + 0.5, y + 0.5)) image.setPixel(origin.x + x, origin.y + y, t[0].color);
      }
    }
  }
}

PacketAtlas make_packet_atlas(unsigned side, unsigned border, sf::Color rim, float lock_height, sf::Color closed,
                              sf::Color open) {
  // The padlock reaches ~0.65 of its height above its centre and ~0.6 below; its cell is square.
  const unsigned cell = unsigned(std::ceil(lock_height * 1.4f)) + 2;
  PacketAtlas atlas;
  atlas.image.create(side + 2 * cell, std::max(side, cell), sf::Color::Transparent);
  const sf::Image box = make_packet_image(side, border, rim);
  atlas.image.copy(box, 0, 0);
  atlas.box = {0, 0, int(side), int(side)};
  const auto add_lock = [&](bool shut, sf::Color color, unsigned left) {
    sf::VertexArray triangles(sf::Triangles);
    add_padlock(triangles, {cell / 2.0, cell / 2.0}, lock_height, shut, color);
    rasterize_triangles(triangles, atlas.image, {left, 0}, {cell, cell});
    return sf::IntRect{int(left), 0, int(cell), int(cell)};
  };
  atlas.closed_lock = add_lock(true, closed, side);
  atlas.open_lock = add_lock(false, open, side + cell);
  return atlas;
}

void add_sprite(sf::VertexArray& quads, Point c, const sf::IntRect& cell, sf::Color tint) {
  const float w = float(cell.width), h = float(cell.height);
  const float left = std::round(float(c.x) - w / 2), top = std::round(float(c.y) - h / 2);
  const float u = float(cell.left), v = float(cell.top);
  quads.append(sf::Vertex({left, top}, tint, {u, v}));
  quads.append(sf::Vertex({left + w, top}, tint, {u + w, v}));
  quads.append(sf::Vertex({left + w, top + h}, tint, {u + w, v + h}));
  quads.append(sf::Vertex({left, top + h}, tint, {u, v + h}));
}

}  // namespace maillab::viz
