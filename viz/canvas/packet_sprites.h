// Every packet on the canvas is one textured quad from one small atlas image: the packet box
// (tinted by the vertex colour to its protocol's colour) and the two padlocks (drawn in their own
// colours). All packets and their padlocks are then one vertex array and one draw call. Under
// Mesa's software renderer (Xvfb) a frame's cost is in its vertices: a padlock built from
// triangles was ~80 triangles, so 10,000 packets half of which carry one made ~1.2 million
// vertices a frame; as sprites they make 4 each.
#pragma once

#include <SFML/Graphics/Image.hpp>
#include <SFML/Graphics/Rect.hpp>
#include <SFML/Graphics/VertexArray.hpp>

#include "viz/model/geometry.h"

namespace maillab::viz {

struct PacketAtlas {
  sf::Image image;
  sf::IntRect box;            // the packet box: white inside a dark rim (white x tint = the tint)
  sf::IntRect closed_lock;    // a padlock `lock_height` tall, centred in its cell
  sf::IntRect open_lock;
};

// `side` x `side` box with a `border`-pixel rim; padlocks as add_padlock draws them.
PacketAtlas make_packet_atlas(unsigned side, unsigned border, sf::Color rim, float lock_height, sf::Color closed,
                              sf::Color open);

// A quad showing `cell` 1:1 centred at c (snapped to whole pixels), its texels multiplied by tint.
void add_sprite(sf::VertexArray& quads, Point c, const sf::IntRect& cell, sf::Color tint);

// Fills `image` (from `origin`) with `triangles` as a rasterizer without anti-aliasing would:
// a pixel takes the colour of the last triangle covering its centre.
void rasterize_triangles(const sf::VertexArray& triangles, sf::Image& image, sf::Vector2u origin,
                         sf::Vector2u size);

}  // namespace maillab::viz
