#include "viz/model/style.h"

#include <algorithm>
#include <cctype>

#include "protocols/common/ascii_case.h"

namespace maillab::viz {

namespace {

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

NodeClass classify_text(std::string_view text) {
  // Order matters: "dns-root" must not fall through to the generic "dns" rule.
  if (contains(text, "root")) return NodeClass::dns_root;
  if (contains(text, "tld")) return NodeClass::dns_tld;
  if (contains(text, "resolver") || contains(text, "recursive")) return NodeClass::resolver;
  if (contains(text, "auth") || contains(text, "dns") || contains(text, "nameserver")) {
    return NodeClass::dns_authoritative;
  }
  if (contains(text, "mailbox") || contains(text, "mda") || contains(text, "imap") || contains(text, "pop") ||
      contains(text, "store")) {
    return NodeClass::mailbox;
  }
  if (contains(text, "mta") || contains(text, "smtp") || contains(text, "relay") || contains(text, "mx") ||
      contains(text, "submission")) {
    return NodeClass::mta;
  }
  if (contains(text, "router") || contains(text, "gateway") || contains(text, "switch")) return NodeClass::router;
  if (contains(text, "client") || contains(text, "mua") || contains(text, "laptop") || contains(text, "phone") ||
      contains(text, "device") || contains(text, "desktop") || contains(text, "user")) {
    return NodeClass::client;
  }
  return NodeClass::other;
}

}  // namespace

PacketCategory categorize_protocol(std::string_view protocol) {
  // Called for every packet of every frame: compares in place rather than lower-casing a copy.
  auto is = [protocol](std::string_view name) {
    return protocol.size() == name.size() &&
           std::equal(name.begin(), name.end(), protocol.begin(),
                      [](char a, char b) { return a == common::to_lower(b); });
  };
  if (is("dns")) return PacketCategory::dns;
  if (is("smtp") || is("esmtp") || is("submission")) return PacketCategory::smtp;
  if (is("pop3")) return PacketCategory::pop3;
  if (is("imap")) return PacketCategory::imap;
  if (is("tcp")) return PacketCategory::tcp_control;
  if (is("udp")) return PacketCategory::udp;
  return PacketCategory::other;
}

namespace {

// How each packet category is drawn and named: one row per category.
struct CategoryLook {
  Rgba color;
  std::string_view name;
};

CategoryLook category_look(PacketCategory category) {
  switch (category) {
    case PacketCategory::dns: return {{64, 160, 255}, "DNS"};
    case PacketCategory::smtp: return {{255, 150, 30}, "SMTP"};
    case PacketCategory::pop3: return {{80, 220, 100}, "POP3"};
    case PacketCategory::imap: return {{200, 110, 255}, "IMAP"};
    case PacketCategory::tcp_control: return {{190, 190, 190}, "TCP"};
    case PacketCategory::udp: return {{40, 220, 210}, "UDP"};
    case PacketCategory::other: return {{240, 230, 110}, "other"};
  }
  return {{255, 255, 255}, "other"};
}

// How each class of node is drawn and named: one row per class.
struct NodeLook {
  NodeShape shape;
  Rgba color;
  std::string_view name;
};

NodeLook node_look(NodeClass node_class) {
  switch (node_class) {
    case NodeClass::client: return {NodeShape::rounded_box, {110, 200, 255}, "client device"};
    case NodeClass::resolver: return {NodeShape::hexagon, {70, 120, 230}, "resolver"};
    case NodeClass::dns_root: return {NodeShape::triangle, {250, 210, 60}, "root DNS"};
    case NodeClass::dns_tld: return {NodeShape::diamond, {240, 170, 60}, "TLD DNS"};
    case NodeClass::dns_authoritative: return {NodeShape::pentagon, {220, 130, 70}, "authoritative DNS"};
    case NodeClass::mta: return {NodeShape::square, {235, 90, 120}, "MTA"};
    case NodeClass::mailbox: return {NodeShape::octagon, {90, 200, 120}, "mailbox server"};
    case NodeClass::router: return {NodeShape::circle, {150, 150, 165}, "router"};
    case NodeClass::other: return {NodeShape::circle, {200, 200, 200}, "other host"};
  }
  return {NodeShape::circle, {200, 200, 200}, "other host"};
}

}  // namespace

Rgba category_color(PacketCategory category) { return category_look(category).color; }

std::string_view category_name(PacketCategory category) { return category_look(category).name; }

NodeClass classify_node(std::string_view role, bool is_router, const std::vector<std::string>& service_kinds) {
  if (is_router) return NodeClass::router;
  const NodeClass by_role = classify_text(common::to_lower(role));
  if (by_role != NodeClass::other) return by_role;
  // A plain "host" role: let the first service that says something decide.
  for (const auto& kind : service_kinds) {
    const NodeClass by_service = classify_text(common::to_lower(kind));
    if (by_service != NodeClass::other) return by_service;
  }
  return NodeClass::other;
}

NodeShape node_shape(NodeClass node_class) { return node_look(node_class).shape; }

Rgba node_color(NodeClass node_class) { return node_look(node_class).color; }

std::string_view node_class_name(NodeClass node_class) { return node_look(node_class).name; }

}  // namespace maillab::viz
