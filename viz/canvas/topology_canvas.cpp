#include "viz/canvas/topology_canvas.h"

#include <algorithm>
#include <cmath>

#include "viz/canvas/packet_sprites.h"
#include "viz/canvas/shapes.h"
#include "viz/model/layout.h"
#include "viz/model/style.h"

namespace maillab::viz {

TopologyCanvas::TopologyCanvas(const sf::Font& font, float ui_scale) : font_(font), scale_(ui_scale), labels_(font) {
  // A 12-pixel coloured box with a dark 1.5-pixel rim at scale 1, whole pixels at any scale.
  packet_side_ = unsigned(std::lround(15.0f * ui_scale));
  const unsigned border = unsigned(std::max(1L, std::lround(1.5f * ui_scale)));
  const PacketAtlas atlas = make_packet_atlas(packet_side_, border, sf::Color(10, 10, 14), float(packet_side_) * 1.15f,
                                              to_sf(padlock_closed_color), to_sf(padlock_open_color));
  packet_texture_.loadFromImage(atlas.image);
  packet_texture_.setSmooth(false);  // 1:1 pixels; nearest sampling is also the cheapest
  box_cell_ = atlas.box;
  closed_lock_cell_ = atlas.closed_lock;
  open_lock_cell_ = atlas.open_lock;
}

void TopologyCanvas::set_viewport(Rect viewport, bool refit, bool legend) {
  if (refit) {
    // Frame the network in the part the legend strip leaves free.
    Rect framed = viewport;
    // Room below the lowest nodes for their labels, and for the legend strip.
    framed.height = std::max(1.0, framed.height - 24 * scale_ - (legend ? legend_height() : 0));
    camera_.set_viewport(framed);
    camera_.fit(world_);
  }
  camera_.set_viewport(viewport);
}

Point TopologyCanvas::node_screen(const VisualizerState& state, const std::string& name) const {
  auto it = state.layout.find(name);
  return camera_.to_screen(it == state.layout.end() ? Point{} : it->second);
}

void TopologyCanvas::draw(sf::RenderTarget& target, VisualizerState& state) {
  placer_.clear();
  // Outside the canvas (under the panels) a packet label cannot be read: soft obstacles there.
  block_outside_canvas(placer_, false);
  draw_background(target);
  draw_links(target, state);
  draw_nodes(target, state);
  labels_.flush(target);
  draw_packets(target, state);
  labels_.flush(target);
  if (state.show_legend) {
    draw_legend(target, state);
    labels_.flush(target);
  }
}

void TopologyCanvas::draw_label(sf::RenderTarget&, const std::string& text, Point at, unsigned size,
                                sf::Color color, bool centred) {
  labels_.add(text, at, size, color, to_sf(background_color, 220), centred);
}

void TopologyCanvas::block_outside_canvas(LabelPlacer& placer, bool hard) const {
  const Rect& view = camera_.viewport();
  const double far = 1e6;
  placer.block({view.x - far, view.y - far, far, 3 * far}, hard);          // left
  placer.block({view.x + view.width, view.y - far, far, 3 * far}, hard);   // right
  placer.block({view.x - far, view.y - far, 3 * far, far}, hard);          // above
  placer.block({view.x - far, view.y + view.height, 3 * far, far}, hard);  // below
}

void TopologyCanvas::draw_background(sf::RenderTarget& target) {
  const Rect& view = camera_.viewport();
  triangles_.clear();
  add_rect(triangles_, {view.x, view.y}, {view.width, view.height}, to_sf(background_color));
  target.draw(triangles_, sf::RenderStates(sf::BlendNone));  // opaque: no blending work per pixel
}

void TopologyCanvas::draw_links(sf::RenderTarget& target, VisualizerState& state) {
  triangles_.clear();
  for (const auto& link : state.topology.links) {
    const Point a = node_screen(state, link.a), b = node_screen(state, link.b);
    const bool selected = state.selection.link_id && *state.selection.link_id == link.id;
    if (selected) add_line(triangles_, a, b, 9.0f * scale_, to_sf(selection_color, 160));
    if (link.up) {
      add_line(triangles_, a, b, 3.0f * scale_ * std::max(0.5f, node_zoom()), to_sf(link_up_color));
    } else {
      add_dashed_line(triangles_, a, b, 5.0f * scale_, 14.0f * scale_, 8.0f * scale_, to_sf(link_down_color));
    }
  }
  target.draw(triangles_);
}

float TopologyCanvas::node_zoom() const {
  // Hosts keep their size down to 60% zoom (every shipped scenario fits above it); a large world
  // seen whole (500 hosts) draws them smaller, down to a fifth, so they do not cover each other.
  return std::clamp(float(camera_.zoom()) / 0.6f, 0.2f, 1.0f);
}

void TopologyCanvas::draw_nodes(sf::RenderTarget& target, VisualizerState& state) {
  triangles_.clear();
  const float r = node_radius * scale_ * node_zoom();
  for (const auto& node : state.topology.nodes) {
    const Point c = node_screen(state, node.name);
    const NodeClass node_class = classify_node(node.role, node.is_router, node.services);
    const NodeShape shape = node_shape(node_class);
    if (state.selection.node == node.name) {
      add_shape(triangles_, NodeShape::circle, c, r * 1.75f, to_sf(selection_color, 70));
    }
    add_shape(triangles_, shape, c, r, node.up ? to_sf(node_color(node_class)) : to_sf(node_down_color));
    add_shape_outline(triangles_, shape, c, r, 2.0f * scale_, node.up ? sf::Color(20, 20, 25) : to_sf(drop_color));
    if (!node.up) add_cross(triangles_, c, r * 0.8f, 4.0f * scale_, to_sf(drop_color));
  }
  // Mail waiting in a queue shows without a click: a badge with the count at the host's
  // top-right (the inspector's queue section lists the entries).
  drawn_badges_.clear();
  const unsigned badge_size = unsigned(std::lround(13 * scale_));
  for (const auto& node : state.topology.nodes) {
    if (node.queued == 0) continue;
    const std::string count = std::to_string(node.queued);
    const Point c = node_screen(state, node.name);
    const Point at{c.x + r * 0.95, c.y - r * 0.95};
    const float radius = std::max(r * 0.7f, labels_.width(count, badge_size) / 2 + 4 * scale_);
    add_shape(triangles_, NodeShape::circle, at, radius + 1.5f * scale_, sf::Color(20, 20, 25));
    add_shape(triangles_, NodeShape::circle, at, radius, to_sf(queue_badge_color));
    labels_.add(count, {at.x, at.y - badge_size * 0.62}, badge_size, sf::Color(20, 20, 25), sf::Color::Transparent, true);
    drawn_badges_.push_back({node.name, node.queued, at});
  }
  target.draw(triangles_);
  labels_.flush(target);
  draw_node_labels(target, state);
}

void TopologyCanvas::draw_node_labels(sf::RenderTarget& target, VisualizerState& state) {
  // Each host's name and address go below it, or — when that would cover another host or its
  // label (hosts stacked closely, large fonts on a projector) — to its right, left or above.
  // Host shapes and placed host labels are hard obstacles here, in a placer of their own.
  // Zoomed out on a large world (hosts drawn small) the names are what can be read: no
  // addresses, and a name with no free place is left out (zooming in brings it back).
  const float r = node_radius * scale_ * node_zoom();
  const bool crowded = node_zoom() < 1.0f || state.topology.nodes.size() > grouped_layout_above;
  const unsigned name_size = unsigned(14 * scale_), address_size = unsigned(12 * scale_);
  LabelPlacer hosts;
  block_outside_canvas(hosts, true);
  for (const auto& node : state.topology.nodes) {
    const Point c = node_screen(state, node.name);
    // The shape's core: the corners of its bounding box are empty for most shapes.
    hosts.block({c.x - r * 1.1, c.y - r * 1.1, r * 2.2, r * 2.2}, true);
  }
  // Crowded, routers are named first: in a generated world a router's name is its domain's.
  label_order_.clear();
  for (std::size_t i = 0; i < state.topology.nodes.size(); ++i) label_order_.push_back(i);
  if (crowded) {
    std::stable_partition(label_order_.begin(), label_order_.end(),
                          [&](std::size_t i) { return state.topology.nodes[i].is_router; });
  }
  for (std::size_t index : label_order_) {
    const auto& node = state.topology.nodes[index];
    const Point c = node_screen(state, node.name);
    if (crowded && !camera_.viewport().contains(c)) continue;
    std::string second = node_zoom() < 1.0f ? std::string() : node.address;
    if (!node.up) second = second.empty() ? "DOWN" : second + "  DOWN";
    const double width = std::max(labels_.width(node.name, name_size),
                                  second.empty() ? 0.0f : labels_.width(second, address_size));
    const double height = name_size * 1.15 + 2 + (second.empty() ? 0.0 : address_size * 1.3);
    const double gap = r * 1.35 + 2;
    const std::vector<Point> corners = {
        {c.x - width / 2, c.y + gap},                    // below (the usual place)
        {c.x + r * 1.7, c.y - height / 2},               // right
        {c.x - r * 1.7 - width, c.y - height / 2},       // left
        {c.x - width / 2, c.y - gap - height},           // above
    };
    auto placed = hosts.place_at_one_of(corners, width, height);
    if (!placed && crowded) continue;
    if (!placed) hosts.block({corners.front().x, corners.front().y, width, height}, true);
    // Every place taken: below anyway (a host always shows its name).
    const Point corner = placed.value_or(corners.front());
    const double middle = corner.x + width / 2;
    draw_label(target, node.name, {middle, corner.y}, name_size, to_sf(label_color), true);
    if (!second.empty()) {
      draw_label(target, second, {middle, corner.y + 2 + name_size * 1.15}, address_size,
                 node.up ? sf::Color(160, 170, 185) : to_sf(drop_color), true);
    }
    // Packet labels keep off hosts' names and addresses when they can (soft obstacles); not off
    // their shapes: a packet leaving a host is drawn on it, and its label belongs beside it.
    placer_.block({corner.x, corner.y, width, height}, false);
  }
}

Point TopologyCanvas::padlock_position(Point packet) const {
  const double side = packet_side_;
  return packet + Point{side * 0.75, -side * 0.55};
}

float TopologyCanvas::legend_height() const { return float(legend_rows_) * 20.0f * scale_ + 12; }

void TopologyCanvas::draw_legend(sf::RenderTarget& target, VisualizerState& state) {
  // A strip along the bottom of the canvas: the node classes present, then the packet colours,
  // the padlocks, a lost packet and a downed link, wrapped onto as many rows as the canvas's
  // width needs (large fonts on a projector). The camera frames the network above it.
  std::vector<NodeClass> classes;
  for (const auto& node : state.topology.nodes) {
    const NodeClass c = classify_node(node.role, node.is_router, node.services);
    if (std::find(classes.begin(), classes.end(), c) == classes.end()) classes.push_back(c);
  }
  std::sort(classes.begin(), classes.end());
  const PacketCategory packets[] = {PacketCategory::dns, PacketCategory::smtp, PacketCategory::pop3,
                                    PacketCategory::imap, PacketCategory::tcp_control};
  const Rect& view = camera_.viewport();
  const float row = 20.0f * scale_;
  const unsigned size = unsigned(12 * scale_);

  struct Item {
    std::string text;
    int kind;  // 0 node shape, 1 packet box, 2 lost, 3 link down, 4 closed padlock, 5 open padlock, 6 queue badge
    NodeClass node_class = NodeClass::other;
    PacketCategory category = PacketCategory::other;
    bool new_row = false;  // starts a group on a row of its own
    Point at{};            // top-left of its icon cell, relative to the strip
  };
  std::vector<Item> items;
  for (NodeClass c : classes) items.push_back({std::string(node_class_name(c)), 0, c});
  for (PacketCategory c : packets) items.push_back({std::string(category_name(c)), 1, NodeClass::other, c});
  items[classes.size()].new_row = true;
  items.push_back({"TLS (encrypted)", 4});
  items.push_back({"in the clear", 5});
  items.push_back({"lost packet", 2});
  items.push_back({"link down", 3});
  const bool has_mta = std::any_of(state.topology.nodes.begin(), state.topology.nodes.end(), [](const TopologyNode& node) {
    return std::find(node.services.begin(), node.services.end(), "mta") != node.services.end();
  });
  if (has_mta) items.push_back({"mail waiting in a queue", 6});

  const double left = 10 * scale_;
  double x = left;
  int rows = 1;
  for (Item& item : items) {
    const double width = 20 * scale_ + labels_.width(item.text, size) + 18 * scale_;
    if ((item.new_row || x + width > view.width) && x > left) {
      x = left;
      ++rows;
    }
    item.at = {x, 4 + (rows - 1) * double(row)};
    x += width;
  }
  legend_rows_ = rows;  // the camera frames the network above this many rows from the next frame

  const Point origin{view.x, view.y + view.height - legend_height()};
  triangles_.clear();
  add_rect(triangles_, origin, {view.width, legend_height()}, sf::Color(12, 14, 19, 235));
  add_line(triangles_, origin, origin + Point{view.width, 0}, 1.0f, sf::Color(60, 64, 76));
  std::vector<std::pair<std::string, Point>> labels;
  for (const Item& item : items) {
    const Point cell = origin + item.at;
    const Point icon{cell.x + 8 * scale_, cell.y + row / 2};
    switch (item.kind) {
      case 0: add_shape(triangles_, node_shape(item.node_class), icon, 6.5f * scale_, to_sf(node_color(item.node_class))); break;
      case 1:
        add_rect(triangles_, icon - Point{5 * scale_, 5 * scale_}, {10 * scale_, 10 * scale_},
                 to_sf(category_color(item.category)));
        break;
      case 2: add_cross(triangles_, icon, 5 * scale_, 2.5f * scale_, to_sf(drop_color)); break;
      case 6: add_shape(triangles_, NodeShape::circle, icon, 6.5f * scale_, to_sf(queue_badge_color)); break;
      case 4:
      case 5:
        add_padlock(triangles_, icon, 15 * scale_, item.kind == 4,
                    to_sf(item.kind == 4 ? padlock_closed_color : padlock_open_color));
        break;
      default:
        add_dashed_line(triangles_, icon - Point{9 * scale_, 0}, icon + Point{9 * scale_, 0}, 4 * scale_,
                        6 * scale_, 3 * scale_, to_sf(link_down_color));
    }
    labels.push_back({item.text, Point{cell.x + 20 * scale_, cell.y + (row - size * 1.25) / 2}});
  }
  target.draw(triangles_);
  for (const auto& [text, at] : labels) draw_label(target, text, at, size, sf::Color(210, 214, 222), false);
}

std::optional<std::string> TopologyCanvas::node_at(Point screen, const VisualizerState& state) const {
  const double reach = std::max(8.0f, node_radius * scale_ * node_zoom()) * 1.4;
  std::optional<std::string> best;
  double best_distance = reach;
  for (const auto& node : state.topology.nodes) {
    const double d = distance(screen, node_screen(state, node.name));
    if (d <= best_distance) {
      best_distance = d;
      best = node.name;
    }
  }
  return best;
}

std::optional<std::size_t> TopologyCanvas::link_at(Point screen, const VisualizerState& state) const {
  std::optional<std::size_t> best;
  double best_distance = 7.0 * scale_;
  for (const auto& link : state.topology.links) {
    const double d = distance_to_segment(screen, node_screen(state, link.a), node_screen(state, link.b));
    if (d <= best_distance) {
      best_distance = d;
      best = link.id;
    }
  }
  return best;
}

std::optional<std::size_t> TopologyCanvas::packet_at(Point screen) const {
  std::optional<std::size_t> best;
  double best_distance = 10.0 * scale_;
  for (const auto& packet : drawn_packets_) {
    const double d = distance(screen, packet.at);
    if (d <= best_distance) {
      best_distance = d;
      best = packet.record;
    }
  }
  return best;
}

void TopologyCanvas::write_geometry(std::ostream& out, const VisualizerState& state) const {
  const Rect& view = camera_.viewport();
  out << "viewport " << view.x << ' ' << view.y << ' ' << view.width << ' ' << view.height << '\n';
  for (const auto& node : state.topology.nodes) {
    const Point p = node_screen(state, node.name);
    out << "node " << node.name << ' ' << p.x << ' ' << p.y << '\n';
  }
  for (const auto& link : state.topology.links) {
    const Point p = lerp(node_screen(state, link.a), node_screen(state, link.b), 0.5);
    out << "link " << link.id << ' ' << p.x << ' ' << p.y << ' ' << (link.up ? "up" : "down") << '\n';
  }
  const auto& records = state.records();
  for (const auto& packet : drawn_packets_) {
    out << "packet " << packet.record << ' ' << records[packet.record].protocol << ' ' << packet.at.x << ' '
        << packet.at.y << '\n';
  }
  for (const auto& padlock : drawn_padlocks_) {
    out << "padlock " << padlock.record << ' ' << (padlock.closed ? "closed" : "open") << ' ' << padlock.at.x << ' '
        << padlock.at.y << '\n';
  }
 for (const auto& badge : drawn_badges_)
    out << "queued " << badge.node << ' ' << badge.count << ' ' << badge.at.x << ' ' << badge.at.y << '\n';
  for (const auto& drop : drawn_drops_) out << "drop " << drop.record << ' ' << drop.at.x << ' ' << drop.at.y << '\n';
}

}  // namespace maillab::viz
