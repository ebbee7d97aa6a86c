// How things look, decided without any drawing library: the colour of a packet by protocol, the
// class (and so the shape and colour) of a node by its role. The canvas, the legend, the event log
// and the screenshot tests all read these tables, so a colour is defined exactly once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace maillab::viz {

struct Rgba {
  std::uint8_t r = 0, g = 0, b = 0, a = 255;
  bool operator==(const Rgba&) const = default;
};

// What a packet carries, for its colour. "TCP" hops are control segments (SYN, ACK, FIN) with no
// application bytes; the network names data segments by their application protocol.
enum class PacketCategory : std::uint8_t { dns, smtp, pop3, imap, tcp_control, udp, other };
constexpr std::array<PacketCategory, 7> all_packet_categories = {
    PacketCategory::dns,         PacketCategory::smtp, PacketCategory::pop3, PacketCategory::imap,
    PacketCategory::tcp_control, PacketCategory::udp,  PacketCategory::other};

PacketCategory categorize_protocol(std::string_view protocol);
Rgba category_color(PacketCategory category);
std::string_view category_name(PacketCategory category);  // "DNS", "SMTP", ..., "TCP"

// Node classes drawn with distinct shapes and colours (the legend lists them in this order).
enum class NodeClass : std::uint8_t {
  client,
  resolver,
  dns_root,
  dns_tld,
  dns_authoritative,
  mta,
  mailbox,
  router,
  other
};
constexpr std::array<NodeClass, 9> all_node_classes = {
    NodeClass::client, NodeClass::resolver, NodeClass::dns_root, NodeClass::dns_tld, NodeClass::dns_authoritative,
    NodeClass::mta,    NodeClass::mailbox,  NodeClass::router,   NodeClass::other};

enum class NodeShape : std::uint8_t { rounded_box, hexagon, triangle, diamond, pentagon, square, octagon, circle };

// Roles are free text in scenarios ("client", "resolver", "dns-root", "mta", "router", ...); the
// class also looks at the services a host runs when the role says nothing useful.
NodeClass classify_node(std::string_view role, bool is_router, const std::vector<std::string>& service_kinds = {});
NodeShape node_shape(NodeClass node_class);
Rgba node_color(NodeClass node_class);
std::string_view node_class_name(NodeClass node_class);  // "client device", "resolver", ...

// Fixed colours of the canvas.
inline constexpr Rgba background_color{24, 26, 33};
// Behind the docked ImGui panels (ImGui's dark WindowBg). The window is cleared to it and the
// panels draw no background of their own: see ImGuiSfml's constructor for why.
inline constexpr Rgba panel_background_color{15, 15, 15};
inline constexpr Rgba link_up_color{120, 130, 150};
inline constexpr Rgba link_down_color{230, 40, 40};
inline constexpr Rgba node_down_color{90, 90, 90};
inline constexpr Rgba drop_color{255, 60, 60};
inline constexpr Rgba label_color{235, 235, 240};
inline constexpr Rgba selection_color{255, 255, 255};
// Padlocks (viz/model/tls_view.h): gold and shut for TLS, red and open for mail in the clear.
inline constexpr Rgba queue_badge_color{255, 150, 40};  // mail waiting in an MTA's queue
inline constexpr Rgba padlock_closed_color{250, 205, 60};
inline constexpr Rgba padlock_open_color{255, 95, 85};

}  // namespace maillab::viz
