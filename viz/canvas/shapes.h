// Batched 2-D primitives: everything of one kind goes into one sf::VertexArray of triangles and
// is drawn with a single call (2,000 packets cost one draw, not 2,000).
#pragma once

#include <SFML/Graphics/Color.hpp>
#include <SFML/Graphics/Image.hpp>
#include <SFML/Graphics/VertexArray.hpp>

#include "viz/model/geometry.h"
#include "viz/model/style.h"

namespace maillab::viz {

inline sf::Color to_sf(Rgba c, std::uint8_t alpha = 255) {
  return sf::Color(c.r, c.g, c.b, std::uint8_t(c.a * alpha / 255));
}

// A thick line from a to b.
void add_line(sf::VertexArray& triangles, Point a, Point b, float width, sf::Color color);
// A dashed thick line with dashes laid out symmetrically about the middle (so the middle is ink).
void add_dashed_line(sf::VertexArray& triangles, Point a, Point b, float width, float dash, float gap,
                     sf::Color color);
// An axis-aligned rectangle.
void add_rect(sf::VertexArray& triangles, Point top_left, Point size, sf::Color color);
// A filled node shape of "radius" r centred at c, and its outline.
void add_shape(sf::VertexArray& triangles, NodeShape shape, Point c, float r, sf::Color fill);
void add_shape_outline(sf::VertexArray& triangles, NodeShape shape, Point c, float r, float width, sf::Color color);
// A packet box: a square with a dark border, as an image (viz/canvas/packet_sprites.h draws it
// as one textured quad per packet).
sf::Image make_packet_image(unsigned side, unsigned border, sf::Color border_color);
// A padlock `height` pixels tall centred at c: closed (shackle down into the body) or open
// (shackle lifted, one leg free), drawn with a dark rim so it reads on any background.
void add_padlock(sf::VertexArray& triangles, Point c, float height, bool closed, sf::Color color);
// An "X" of half-size r.
void add_cross(sf::VertexArray& triangles, Point c, float r, float width, sf::Color color);

}  // namespace maillab::viz
