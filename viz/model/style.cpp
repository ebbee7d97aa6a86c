#include "viz/model/style.h"

#include <algorithm>
#include <cctype>

namespace maillab::viz {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

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
                      [](char a, char b) { return a == char(std::tolower(static_cast<unsigned char>(b))); });
  };
  if (is("dns")) return PacketCategory::dns;
  if (is("smtp") || is("esmtp") || is("submission")) return PacketCategory::smtp;
  if (is("pop3")) return PacketCategory::pop3;
  if (is("imap")) return PacketCategory::imap;
  if (is("tcp")) return PacketCategory::tcp_control;
  if (is("udp")) return PacketCategory::udp;
  return PacketCategory::other;
}

Rgba category_color(PacketCategory category) {
  switch (category) {
    case PacketCategory::dns: return {64, 160, 255};
    case PacketCategory::smtp: return {255, 150, 30};
    case PacketCategory::pop3: return {80, 220, 100};
    case PacketCategory::imap: return {200, 110, 255};
    case PacketCategory::tcp_control: return {190, 190, 190};
    case PacketCategory::udp: return {40, 220, 210};
    case PacketCategory::other: return {240, 230, 110};
  }
  return {255, 255, 255};
}

std::string_view category_name(PacketCategory category) {
  switch (category) {
    case PacketCategory::dns: return "DNS";
    case PacketCategory::smtp: return "SMTP";
    case PacketCategory::pop3: return "POP3";
    case PacketCategory::imap: return "IMAP";
    case PacketCategory::tcp_control: return "TCP";
    case PacketCategory::udp: return "UDP";
    case PacketCategory::other: return "other";
  }
  return "other";
}

NodeClass classify_node(std::string_view role, bool is_router, const std::vector<std::string>& service_kinds) {
  if (is_router) return NodeClass::router;
  const NodeClass by_role = classify_text(lower(role));
  if (by_role != NodeClass::other) return by_role;
  // A plain "host" role: let the first service that says something decide.
  for (const auto& kind : service_kinds) {
    const NodeClass by_service = classify_text(lower(kind));
    if (by_service != NodeClass::other) return by_service;
  }
  return NodeClass::other;
}

NodeShape node_shape(NodeClass node_class) {
  switch (node_class) {
    case NodeClass::client: return NodeShape::rounded_box;
    case NodeClass::resolver: return NodeShape::hexagon;
    case NodeClass::dns_root: return NodeShape::triangle;
    case NodeClass::dns_tld: return NodeShape::diamond;
    case NodeClass::dns_authoritative: return NodeShape::pentagon;
    case NodeClass::mta: return NodeShape::square;
    case NodeClass::mailbox: return NodeShape::octagon;
    case NodeClass::router: return NodeShape::circle;
    case NodeClass::other: return NodeShape::circle;
  }
  return NodeShape::circle;
}

Rgba node_color(NodeClass node_class) {
  switch (node_class) {
    case NodeClass::client: return {110, 200, 255};
    case NodeClass::resolver: return {70, 120, 230};
    case NodeClass::dns_root: return {250, 210, 60};
    case NodeClass::dns_tld: return {240, 170, 60};
    case NodeClass::dns_authoritative: return {220, 130, 70};
    case NodeClass::mta: return {235, 90, 120};
    case NodeClass::mailbox: return {90, 200, 120};
    case NodeClass::router: return {150, 150, 165};
    case NodeClass::other: return {200, 200, 200};
  }
  return {200, 200, 200};
}

std::string_view node_class_name(NodeClass node_class) {
  switch (node_class) {
    case NodeClass::client: return "client device";
    case NodeClass::resolver: return "resolver";
    case NodeClass::dns_root: return "root DNS";
    case NodeClass::dns_tld: return "TLD DNS";
    case NodeClass::dns_authoritative: return "authoritative DNS";
    case NodeClass::mta: return "MTA";
    case NodeClass::mailbox: return "mailbox server";
    case NodeClass::router: return "router";
    case NodeClass::other: return "other host";
  }
  return "other host";
}

}  // namespace maillab::viz
