// TopologyCanvas: the packets in flight, the lost ones, and their labels. Built to stay within a
// frame at 50,000 packets under a software renderer: every packet and padlock is a sprite of one
// atlas in one vertex array (one draw call), endpoints are numbers resolved once per endpoint, not
// looked up by name per packet, packets outside the viewport are not drawn, and labels are made
// only when few enough packets are in view to read them, at most `label_limit` a frame.
#include <algorithm>
#include <cmath>

#include "viz/canvas/packet_sprites.h"
#include "viz/canvas/shapes.h"
#include "viz/canvas/topology_canvas.h"
#include "viz/model/style.h"

namespace maillab::viz {

void TopologyCanvas::draw_packets(sf::RenderTarget& target, VisualizerState& state) {
  state.flights.in_flight(state.now(), flights_scratch_);
  // A packet is drawn from its record (label, padlock): one whose record a bounded log has let go
  // of (far more packets in the air than the log holds) is left out.
  const RecordLog& records = state.records();
  std::erase_if(flights_scratch_, [&records](const Flight& flight) { return !records.contains(flight.record); });
  update_endpoints(state);
  place_packets();
  cull_covered_packets(state.selection.record);
  const bool labels = packet_labels_wanted(state);
  draw_packet_sprites(target, state, labels);
  draw_falls(target, state);
  if (labels || !drawn_drops_.empty()) label_packets(target, state);
}

void TopologyCanvas::update_endpoints(VisualizerState& state) {
  const auto& names = state.flights.endpoint_names();
  if (endpoint_epoch_ != state.flights.epoch() || endpoint_world_.size() > names.size()) {
    endpoint_world_.clear();
    endpoint_epoch_ = state.flights.epoch();
  }
  // Positions are fixed for the session: only endpoints new since the last frame are looked up.
  for (std::size_t i = endpoint_world_.size(); i < names.size(); ++i) {
    const auto it = state.layout.find(names[i]);
    endpoint_world_.push_back(it == state.layout.end() ? Point{} : it->second);
  }
  endpoint_screen_.resize(endpoint_world_.size());
  for (std::size_t i = 0; i < endpoint_world_.size(); ++i) endpoint_screen_[i] = camera_.to_screen(endpoint_world_[i]);
}

Point TopologyCanvas::lane_offset(Point from, Point to) const {
  // Each direction of a link keeps to its own side (to the left of travel on screen), so a
  // segment and its ACK pass side by side instead of on top of each other.
  const Point d = to - from;
  const double len = std::max(1e-6, length(d));
  return Point{-d.y / len, d.x / len} * (5.0 * scale_);
}

void TopologyCanvas::place_packets() {
  drawn_packets_.clear();
  const Rect& view = camera_.viewport();
  const double reach = double(packet_side_) * 1.6;  // a packet (and its padlock) this close still shows
  for (const Flight& flight : flights_scratch_) {
    const Point a = endpoint_screen_[flight.from], b = endpoint_screen_[flight.to];
    const Point at = lerp(a, b, flight.progress) + lane_offset(a, b);
    if (at.x < view.x - reach || at.y < view.y - reach || at.x > view.x + view.width + reach ||
        at.y > view.y + view.height + reach) {
      continue;
    }
    drawn_packets_.push_back({at, flight.record, flight.category});
  }
}

void TopologyCanvas::cull_covered_packets(std::optional<std::size_t> selected) {
  // Thousands of packets on a few links pile up: at 10,000 in flight each box lies under ten
  // others. A box whose centre is within a third of a box of one drawn later (on top of it) shows
  // at most a sliver, so in a crowd it is not drawn: the picture is the same to the eye and the
  // renderer fills a fraction of the pixels. A few packets are all drawn, exactly; the selected
  // one always is.
  constexpr std::size_t crowd = 1000;
  if (drawn_packets_.size() <= crowd) return;
  const Rect& view = camera_.viewport();
  const double cell = std::max(1.0, double(packet_side_) / 3.0);
  const double margin = double(packet_side_) * 2;
  const auto columns = std::size_t((view.width + 2 * margin) / cell) + 1;
  const auto rows = std::size_t((view.height + 2 * margin) / cell) + 1;
  covered_.assign(columns * rows, 0);
  std::size_t kept = drawn_packets_.size();
  for (std::size_t i = drawn_packets_.size(); i-- > 0;) {  // topmost first
    const DrawnPacket& packet = drawn_packets_[i];
    const auto column = std::size_t(std::clamp((packet.at.x - view.x + margin) / cell, 0.0, double(columns - 1)));
    const auto row = std::size_t(std::clamp((packet.at.y - view.y + margin) / cell, 0.0, double(rows - 1)));
    std::uint8_t& taken = covered_[row * columns + column];
    if (taken && packet.record != selected) continue;
    taken = 1;
    drawn_packets_[--kept] = packet;
  }
  drawn_packets_.erase(drawn_packets_.begin(), drawn_packets_.begin() + std::ptrdiff_t(kept));
}

bool TopologyCanvas::packet_labels_wanted(const VisualizerState& state) const {
  return state.selection.record.has_value() || drawn_packets_.size() <= state.label_limit;
}

void TopologyCanvas::draw_packet_sprites(sf::RenderTarget& target, VisualizerState& state, bool labels_follow) {
  // The selected packet's halo goes under everything.
  triangles_.clear();
  const float half = 6.0f * scale_;
  for (const DrawnPacket& packet : drawn_packets_) {
    if (state.selection.record && *state.selection.record == packet.record) {
      add_rect(triangles_, packet.at - Point{half * 1.8, half * 1.8}, {half * 3.6, half * 3.6}, sf::Color::White);
    }
  }
  if (triangles_.getVertexCount() > 0) target.draw(triangles_);

  // Boxes first, then padlocks on top (a padlock rides on its packet's upper right corner: shut
  // for TLS records, open for mail protocol bytes in the clear; viz/model/tls_view.h). The boxes
  // are opaque: drawn without blending, the cheapest fragments a software renderer has.
  packet_quads_.clear();
  for (const DrawnPacket& packet : drawn_packets_) {
    add_sprite(packet_quads_, packet.at, box_cell_, to_sf(category_color(packet.category)));
  }
  sf::RenderStates opaque(sf::BlendNone);
  opaque.texture = &packet_texture_;
  target.draw(packet_quads_, opaque);

  packet_quads_.clear();
  drawn_padlocks_.clear();
  const float lock_height = float(packet_side_) * 1.15f;
  for (const DrawnPacket& packet : drawn_packets_) {
    const Padlock padlock = state.padlock(packet.record);
    if (padlock == Padlock::none) continue;
    const Point at = padlock_position(packet.at);
    const bool closed = padlock == Padlock::closed;
    drawn_padlocks_.push_back({at, packet.record, closed});
    add_sprite(packet_quads_, at, closed ? closed_lock_cell_ : open_lock_cell_, sf::Color::White);
    // Hard: a label printed over the padlock would hide the one thing it is there to say.
    if (labels_follow) {
      placer_.block({at.x - lock_height * 0.5, at.y - lock_height * 0.6, lock_height, lock_height * 1.1}, true);
    }
  }
  if (packet_quads_.getVertexCount() > 0) {
    sf::RenderStates blended(sf::BlendAlpha);
    blended.texture = &packet_texture_;
    target.draw(packet_quads_, blended);
  }
}

void TopologyCanvas::draw_falls(sf::RenderTarget& target, VisualizerState& state) {
  const auto& records = state.records();
  // A lost packet stays on screen for about 1.5 s of wall time at the current speed.
  const engine::Time linger = std::max<engine::Time>(1000, engine::Time(1.5e6 * state.clock.speed));
  state.flights.falling(state.now(), linger, falls_scratch_);
  drawn_drops_.clear();
  triangles_.clear();
  const float half = 6.0f * scale_;
  for (const Fall& fall : falls_scratch_) {
    if (!records.contains(fall.record)) continue;  // a bounded log let it go (viz/model/record_log.h)
    const auto& drop = records[fall.record];
    Point at = node_screen(state, drop.node);
    if (fall.hop && records.contains(*fall.hop)) {
      const auto& hop = records[*fall.hop];
      const Point a = node_screen(state, hop.node), b = node_screen(state, hop.peer);
      at = lerp(a, b, fall.position) + lane_offset(a, b);
    } else {
      at = at + Point{0, -node_radius * scale_ * 1.6};
    }
    const auto fade = std::uint8_t(255 * (1.0 - fall.age * fall.age));
    const Point falling = at + Point{0, fall.age * 40 * scale_};
    const sf::Color color = to_sf(category_color(categorize_protocol(drop.protocol)), fade);
    add_rect(triangles_, falling - Point{half, half}, {2 * half, 2 * half}, color);
    add_cross(triangles_, at, half * 1.5f, 3.5f * scale_, to_sf(drop_color, fade));
    drawn_drops_.push_back({at, fall.record});
  }
  if (triangles_.getVertexCount() > 0) target.draw(triangles_);
}

void TopologyCanvas::label_packets(sf::RenderTarget& target, VisualizerState& state) {
  // Labels only while they can be read: all of them when few packets are in view, then only the
  // application messages (not bare TCP segments), then only the selected packet; zooming in on
  // a busy network brings them back. Each label takes a free slot beside its packet
  // (LabelPlacer); one with no free slot is left out rather than printed over another. The
  // selected packet's label is placed first, and at most `label_limit` are made a frame.
  const auto& records = state.records();
  const std::size_t visible = drawn_packets_.size();
  const unsigned size = unsigned(12 * scale_);
  const double line = size * 1.3;
  const double half = 6.0 * scale_;
  std::size_t made = 0;
  auto label_packet = [&](const DrawnPacket& packet, bool selected) {
    const bool labelled = selected || visible <= 12 ||
                          (visible <= state.label_limit && packet.category != PacketCategory::tcp_control);
    if (!labelled || (!selected && made >= state.label_limit)) return;
    const auto& hop = records[packet.record];
    std::string text = hop_caption(hop, true);
    if (text.size() > 40) text = text.substr(0, 38) + "...";
    const auto corner = placer_.place(packet.at, half + 1.5, labels_.width(text, size), line);
    if (!corner) return;
    draw_label(target, text, *corner, size, to_sf(category_color(packet.category)), false);
    ++made;
  };
  const auto selected = [&](const DrawnPacket& packet) {
    return state.selection.record && *state.selection.record == packet.record;
  };
  if (packet_labels_wanted(state)) {
    for (const DrawnPacket& packet : drawn_packets_) {
      if (selected(packet)) label_packet(packet, true);
    }
    for (const DrawnPacket& packet : drawn_packets_) {
      if (!selected(packet)) label_packet(packet, false);
    }
  }
  for (const DrawnPacket& drop : drawn_drops_) {
    if (drawn_drops_.size() > state.label_limit) break;
    if (const auto corner = placer_.place(drop.at, half * 1.5, labels_.width("lost", size), line)) {
      draw_label(target, "lost", *corner, size, to_sf(drop_color), false);
    }
  }
}

}  // namespace maillab::viz
