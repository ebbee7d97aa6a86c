// The SFML canvas: links, hosts (shape and colour by role, name and address), packets in flight,
// lost packets, and the legend; plus the hit tests the mouse uses (which host, link or packet is
// under the cursor). Pan and zoom live in the Camera (viz/model/geometry.h).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <SFML/Graphics/Font.hpp>
#include <SFML/Graphics/RenderTarget.hpp>
#include <SFML/Graphics/Texture.hpp>
#include <SFML/Graphics/Rect.hpp>
#include <SFML/Graphics/VertexArray.hpp>

#include "viz/canvas/text_batch.h"
#include "viz/model/geometry.h"
#include "viz/model/label_placer.h"
#include "viz/model/style.h"
#include "viz/visualizer_state.h"

namespace maillab::viz {

class TopologyCanvas {
 public:
  TopologyCanvas(const sf::Font& font, float ui_scale);

  Camera& camera() { return camera_; }
  // The part of the window the canvas owns; `refit` also frames the whole layout in it (above
  // the legend strip when `legend`).
  void set_viewport(Rect viewport, bool refit, bool legend);
  float legend_height() const;
  void set_world(Rect world) { world_ = world; }

  void draw(sf::RenderTarget& target, VisualizerState& state);

  std::optional<std::string> node_at(Point screen, const VisualizerState& state) const;
  std::optional<std::size_t> link_at(Point screen, const VisualizerState& state) const;  // link id
  std::optional<std::size_t> packet_at(Point screen) const;                               // record index

  // Screen positions of what was last drawn, for tests: one item per line
  //   viewport X Y W H | node NAME X Y | link ID X Y up|down | packet RECORD PROTOCOL X Y |
  //   padlock RECORD open|closed X Y | drop RECORD X Y | queued NODE COUNT X Y (a queue badge)
  void write_geometry(std::ostream& out, const VisualizerState& state) const;

  std::size_t packets_drawn() const { return drawn_packets_.size(); }  // those in the viewport
  std::size_t packets_in_flight() const { return flights_scratch_.size(); }

 private:
  static constexpr float node_radius = 17.0f;  // at ui scale 1
  struct DrawnPacket {
    Point at;
    std::size_t record;
    PacketCategory category = PacketCategory::other;
  };
  Point node_screen(const VisualizerState& state, const std::string& name) const;
  float node_zoom() const;  // how much smaller than at zoom 1 hosts are drawn
  void draw_background(sf::RenderTarget& target);
  void draw_links(sf::RenderTarget& target, VisualizerState& state);
  void draw_nodes(sf::RenderTarget& target, VisualizerState& state);
  void draw_node_labels(sf::RenderTarget& target, VisualizerState& state);
  // Labels outside the canvas cannot be read (the panels cover them).
  void block_outside_canvas(LabelPlacer& placer, bool hard) const;
  // Packets, in named steps (viz/canvas/topology_canvas_packets.cpp): where each flying packet is
  // on screen (those in the viewport), one draw of every packet box and padlock, the lost ones
  // falling, and as many labels as can be read.
  void draw_packets(sf::RenderTarget& target, VisualizerState& state);
  void update_endpoints(VisualizerState& state);
  void place_packets();
  void cull_covered_packets(std::optional<std::size_t> selected);
  void draw_packet_sprites(sf::RenderTarget& target, VisualizerState& state, bool labels_follow);
  void draw_falls(sf::RenderTarget& target, VisualizerState& state);
  void label_packets(sf::RenderTarget& target, VisualizerState& state);
  bool packet_labels_wanted(const VisualizerState& state) const;
  Point lane_offset(Point from, Point to) const;
  void draw_legend(sf::RenderTarget& target, VisualizerState& state);
  Point padlock_position(Point packet) const;  // where a packet's padlock is drawn
  void draw_label(sf::RenderTarget& target, const std::string& text, Point at, unsigned size, sf::Color color,
                  bool centred);

  const sf::Font& font_;
  float scale_;
  Camera camera_;
  Rect world_{0, 0, 1000, 640};
  sf::VertexArray triangles_{sf::Triangles};
  sf::VertexArray packet_quads_{sf::Quads};
  sf::Texture packet_texture_;  // the atlas of viz/canvas/packet_sprites.h
  sf::IntRect box_cell_, closed_lock_cell_, open_lock_cell_;
  unsigned packet_side_ = 15;
  // Screen position of every FlightIndex endpoint this frame, from world positions looked up by
  // name once per endpoint (not per packet) and kept while the index's epoch lasts.
  std::vector<Point> endpoint_world_, endpoint_screen_;
  std::uint64_t endpoint_epoch_ = ~std::uint64_t(0);
  std::vector<std::uint8_t> covered_;
  std::vector<std::size_t> label_order_;  // draw_node_labels' scratch  // cull_covered_packets' grid, kept between frames
  TextBatch labels_;
  LabelPlacer placer_;
  std::vector<DrawnPacket> drawn_packets_;
  std::vector<DrawnPacket> drawn_drops_;
  struct DrawnPadlock {
    Point at;
    std::size_t record;
    bool closed;
  };
  std::vector<DrawnPadlock> drawn_padlocks_;
  struct DrawnBadge {
    std::string node;
    std::size_t count = 0;
    Point at;
  };
  std::vector<DrawnBadge> drawn_badges_;  // queue badges
  int legend_rows_ = 2;  // as many as the last legend drawn needed
  std::vector<Flight> flights_scratch_;
  std::vector<Fall> falls_scratch_;
};

}  // namespace maillab::viz
