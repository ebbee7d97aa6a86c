#include "engine/net/network.h"

#include <algorithm>

#include "engine/net/host.h"
#include "engine/net/host_transport.h"
#include "engine/net/network_impl.h"

namespace maillab::engine {

// ---------------------------------------------------------------------------------------------
// Network: building, faults, lookup

Network::Network(Simulator& simulator) : simulator_(simulator), impl_(std::make_unique<Impl>(*this)) {}

// Every host shuts down (services stopped, callbacks dropped) before any host is destroyed.
Network::~Network() {
  for (auto& host : impl_->host_of_node)
    if (host) host->shut_down();
}

Host* Network::add_host(std::string name, Address address, std::string role) {
  if (name.empty() || impl_->node_index.count(name) || impl_->address_index.count(address)) return nullptr;
  const std::size_t index = nodes_.size();
  nodes_.push_back(NodeInfo{name, address, std::move(role), false, true});
  impl_->node_index.emplace(name, index);
  impl_->address_index.emplace(address, index);
  impl_->host_of_node.push_back(std::make_unique<Host>(*this, std::move(name), address, index));
  impl_->routing.invalidate();
  return impl_->host_of_node.back().get();
}

bool Network::add_router(std::string name, std::optional<Address> address, std::string role) {
  if (name.empty() || impl_->node_index.count(name)) return false;
  if (address && impl_->address_index.count(*address)) return false;
  const std::size_t index = nodes_.size();
  nodes_.push_back(NodeInfo{name, address, std::move(role), true, true});
  impl_->node_index.emplace(name, index);
  if (address) impl_->address_index.emplace(*address, index);
  impl_->host_of_node.push_back(nullptr);
  impl_->routing.invalidate();
  return true;
}

std::optional<std::size_t> Network::add_link(const std::string& a, const std::string& b, LinkSpec spec) {
  if (a == b || !impl_->node_index.count(a) || !impl_->node_index.count(b)) return std::nullopt;
  if (spec.latency < 0 || !(spec.loss >= 0.0 && spec.loss <= 1.0)) return std::nullopt;
  const std::size_t id = links_.size();
  // Parallel links between the same pair get their own label, so each draws its own numbers.
  std::string label = "link:" + a + "-" + b;
  const std::size_t index_a = impl_->node_index.at(a);
  auto& between = impl_->links_between[Impl::pair_key(index_a, impl_->node_index.at(b))];
  const std::size_t parallel = between.size();
  between.push_back(id);
  if (parallel > 0) label += "#" + std::to_string(parallel);
  Link link;
  link.id = id;
  link.a = a;
  link.b = b;
  link.spec = spec;
  links_.push_back(std::move(link));
  impl_->link_states.push_back(Impl::LinkState{simulator_.rng().derive(label), 0, index_a});
  impl_->routing.invalidate();
  return id;
}

std::optional<std::size_t> Network::find_link(const std::string& a, const std::string& b) const {
  auto index_a = impl_->node_index.find(a), index_b = impl_->node_index.find(b);
  if (index_a == impl_->node_index.end() || index_b == impl_->node_index.end()) return std::nullopt;
  auto found = impl_->links_between.find(Impl::pair_key(index_a->second, index_b->second));
  if (found == impl_->links_between.end() || found->second.empty()) return std::nullopt;
  return found->second.front();
}

bool Network::set_link_up(std::size_t link_id, bool up) {
  if (link_id >= links_.size()) return false;
  Link& link = links_[link_id];
  if (link.spec.up == up) return true;
  link.spec.up = up;
  if (!up) {
    ++impl_->link_states[link_id].epoch;
    // A link that comes back starts with an idle transmitter; what was queued is gone.
    link.busy_until_ab = link.busy_until_ba = 0;
  }
  impl_->routing.invalidate();
  TraceRecord record;
  record.time = simulator_.now();
  record.kind = TraceKind::fault;
  record.node = link.a;
  record.peer = link.b;
  record.summary = std::string("link ") + link.a + " - " + link.b + (up ? " up" : " down");
  simulator_.trace().record(std::move(record));
  return true;
}

bool Network::set_node_up(const std::string& name, bool up) {
  auto found = impl_->node_index.find(name);
  if (found == impl_->node_index.end()) return false;
  NodeInfo& info = nodes_[found->second];
  if (info.up == up) return true;
  info.up = up;
  impl_->routing.invalidate();
  Host* host = impl_->host_of_node[found->second].get();
  TraceRecord record;
  record.time = simulator_.now();
  record.kind = TraceKind::fault;
  record.node = name;
  if (host)
    record.summary = "host " + name + (up ? " restarted" : " crashed");
  else
    record.summary = "router " + name + (up ? " up" : " down");
  simulator_.trace().record(std::move(record));
  if (!host) return true;
  if (!up) {
    host->transport().crash();
    for (auto& service : host->services()) service->on_crash();
  } else {
    for (auto& service : host->services()) service->on_restart();
  }
  return true;
}

bool Network::set_transit(const std::string& name, bool transit) {
  auto found = impl_->node_index.find(name);
  if (found == impl_->node_index.end()) return false;
  nodes_[found->second].transit = transit;
  impl_->routing.invalidate();
  return true;
}

Host* Network::host(std::string_view name) {
  auto found = impl_->node_index.find(std::string(name));
  return found == impl_->node_index.end() ? nullptr : impl_->host_of_node[found->second].get();
}

Host* Network::host_at(Address address) {
  auto found = impl_->address_index.find(address);
  return found == impl_->address_index.end() ? nullptr : impl_->host_of_node[found->second].get();
}

const NodeInfo* Network::node(std::string_view name) const {
  auto found = impl_->node_index.find(std::string(name));
  return found == impl_->node_index.end() ? nullptr : &nodes_[found->second];
}

std::optional<std::string> Network::name_of(Address address) const {
  auto found = impl_->address_index.find(address);
  if (found == impl_->address_index.end()) return std::nullopt;
  return nodes_[found->second].name;
}

std::vector<Host*> Network::hosts() {
  std::vector<Host*> result;
  for (auto& host : impl_->host_of_node)
    if (host) result.push_back(host.get());
  return result;
}

std::optional<std::vector<std::string>> Network::route(const std::string& from, const std::string& to) const {
  auto a = impl_->node_index.find(from), b = impl_->node_index.find(to);
  if (a == impl_->node_index.end() || b == impl_->node_index.end()) return std::nullopt;
  auto path = impl_->routing.path(a->second, b->second);
  if (!path) return std::nullopt;
  std::vector<std::string> names;
  for (std::size_t index : *path) names.push_back(nodes_[index].name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Impl: moving packets

Time serialization_time(std::size_t bytes, std::uint64_t bandwidth_bps) {
  if (bandwidth_bps == 0) return 0;
  // Rounded up to whole microseconds: a bit on the wire never takes no time at all.
  return static_cast<Time>((static_cast<std::uint64_t>(bytes) * 8 * 1'000'000 + bandwidth_bps - 1) / bandwidth_bps);
}

Network::Impl::Impl(Network& owner)
    : network(owner), simulator(owner.simulator_), routing(owner.nodes_, owner.links_) {}

std::string Network::Impl::label_for(Address address) const {
  auto found = address_index.find(address);
  return found == address_index.end() ? format_address(address) : network.nodes_[found->second].name;
}

void Network::Impl::record_drop(const Packet& packet, const std::string& node, const std::string& peer,
                                std::string_view why) {
  Trace& trace = simulator.trace();
  if (!trace.wanted()) return trace.skip();
  TraceRecord record;
  record.time = simulator.now();
  record.kind = TraceKind::drop;
  record.node = node;
  record.peer = peer;
  record.protocol = packet.protocol_name;
  record.summary = std::string(why) + ": " + packet.describe();
  record.payload = packet.trace_payload();
  record.packet = packet.id;
  record.connection = packet.connection;
  simulator.trace().record(std::move(record));
}

void Network::Impl::record_transport(const std::string& node, const std::string& peer, const std::string& protocol,
                                     std::string summary, std::uint64_t connection) {
  Trace& trace = simulator.trace();
  if (!trace.wanted()) return trace.skip();
  TraceRecord record;
  record.time = simulator.now();
  record.kind = TraceKind::transport;
  record.node = node;
  record.peer = peer;
  record.protocol = protocol;
  record.summary = std::move(summary);
  record.connection = connection;
  simulator.trace().record(std::move(record));
}

bool Network::Impl::has_route(const Host& from, Address to) {
  if (to == from.address()) return true;
  auto destination = address_index.find(to);
  if (destination == address_index.end()) return false;
  return routing.next_hop(from.node_index(), destination->second).has_value();
}

void Network::Impl::send_from(Host& host, std::shared_ptr<Packet> packet) {
  packet->id = next_packet_id++;
  // The destination's node, looked up once here rather than at every hop.
  if (auto destination = address_index.find(packet->destination); destination != address_index.end())
    packet->destination_node = destination->second;
  const std::size_t at = host.node_index();
  if (!network.nodes_[at].up) {
    record_drop(*packet, host.name(), label_for(packet->destination), "host down");
    return;
  }
  if (packet->destination == host.address()) {
    // Loopback: no link to cross, but still never delivered inside the sender's call.
    simulator.schedule_in(0, [this, packet, at] { deliver(packet, at); });
    return;
  }
  forward(std::move(packet), at);
}

void Network::Impl::forward(std::shared_ptr<Packet> packet, std::size_t at) {
  const std::size_t destination = packet->destination_node;
  if (destination == Packet::no_node) {
    record_drop(*packet, network.nodes_[at].name, format_address(packet->destination), "no route");
    return;
  }
  auto hop = routing.next_hop(at, destination);
  if (!hop) {
    record_drop(*packet, network.nodes_[at].name, network.nodes_[destination].name, "no route");
    return;
  }
  Link& link = network.links_[hop->link];
  Time& busy_until = link_states[hop->link].a == at ? link.busy_until_ab : link.busy_until_ba;
  const std::uint64_t epoch = link_states[hop->link].epoch;
  // One transmitter per direction, first come first served: reserve this packet's slot now so
  // that later packets queue behind it.
  const Time start = std::max(simulator.now(), busy_until);
  busy_until = start + serialization_time(packet->wire_size(), link.spec.bandwidth_bps);
  Crossing crossing{std::move(packet), at, *hop, epoch, false};
  if (start > simulator.now()) {
    simulator.schedule_at(start, [this, slot = park(std::move(crossing))] { depart(unpark(slot)); });
    return;
  }
  depart(std::move(crossing));
}

std::uint32_t Network::Impl::park(Crossing crossing) {
  if (free_crossings_.empty()) {
    crossings_.push_back(std::move(crossing));
    return static_cast<std::uint32_t>(crossings_.size() - 1);
  }
  const std::uint32_t slot = free_crossings_.back();
  free_crossings_.pop_back();
  crossings_[slot] = std::move(crossing);
  return slot;
}

Network::Impl::Crossing Network::Impl::unpark(std::uint32_t slot) {
  free_crossings_.push_back(slot);
  return std::move(crossings_[slot]);
}

// The packet starts onto the wire now (its transmitter slot is already reserved).
void Network::Impl::depart(Crossing crossing) {
  const Packet* packet = crossing.packet.get();
  const std::size_t from = crossing.from;
  const NextHop hop = crossing.hop;
  const std::uint64_t epoch = crossing.epoch;
  const Link& link = network.links_[hop.link];
  const std::string& here = network.nodes_[from].name;
  const std::string& there = network.nodes_[hop.node].name;
  if (!link.spec.up || link_states[hop.link].epoch != epoch) {
    record_drop(*packet, here, there, "link down");
    return;
  }
  if (!network.nodes_[from].up) {
    // The node crashed while the packet waited in its queue.
    record_drop(*packet, here, there, host_of_node[from] ? "host down" : "router down");
    return;
  }
  const Time arrival =
      simulator.now() + serialization_time(packet->wire_size(), link.spec.bandwidth_bps) + link.spec.latency;
  crossing.lost = link_states[hop.link].rng.chance(link.spec.loss);

  Trace& trace = simulator.trace();
  if (trace.wanted()) {
    TraceRecord record;
    record.time = simulator.now();
    record.kind = TraceKind::hop;
    record.node = here;
    record.peer = there;
    record.protocol = packet->protocol_name;
    record.summary = packet->describe();
    record.payload = packet->trace_payload();
    record.packet = packet->id;
    record.connection = packet->connection;
    record.arrive = arrival;
    trace.record(std::move(record));
  } else {
    trace.skip();
  }

  simulator.schedule_at(arrival, [this, slot = park(std::move(crossing))] { arrive(unpark(slot)); });
}

void Network::Impl::arrive(Crossing crossing) {
  const std::shared_ptr<Packet>& packet = crossing.packet;
  const std::size_t from = crossing.from;
  const NextHop hop = crossing.hop;
  const Link& link = network.links_[hop.link];
  const std::string& sender = network.nodes_[from].name;
  const NodeInfo& receiver = network.nodes_[hop.node];
  if (!link.spec.up || link_states[hop.link].epoch != crossing.epoch) {
    record_drop(*packet, sender, receiver.name, "link down");
    return;
  }
  if (crossing.lost) {
    record_drop(*packet, sender, receiver.name, "lost on link");
    return;
  }
  if (!receiver.up) {
    record_drop(*packet, receiver.name, sender, host_of_node[hop.node] ? "host down" : "router down");
    return;
  }
  if (receiver.address && *receiver.address == packet->destination) {
    deliver(packet, hop.node);
    return;
  }
  // A router forwards the packet with its TTL decremented (RFC 791 §3.2): the same object when
  // nothing else holds it (the usual case: copying every packet at every hop was a tenth of a
  // busy run), else a copy.
  auto forwarded = packet.use_count() == 1 ? std::move(crossing.packet) : std::make_shared<Packet>(*packet);
  forwarded->decrement_ttl();
  if (forwarded->ttl == 0) {
    record_drop(*forwarded, receiver.name, sender, "TTL expired");
    return;
  }
  forward(std::move(forwarded), hop.node);
}

void Network::Impl::deliver(const std::shared_ptr<Packet>& packet, std::size_t node) {
  Host* host = host_of_node[node].get();
  const std::string& name = network.nodes_[node].name;
  if (!host) {
    record_drop(*packet, name, label_for(packet->source), "no service on a router");
    return;
  }
  if (!network.nodes_[node].up) {
    record_drop(*packet, name, label_for(packet->source), "host down");
    return;
  }
  host->transport().receive(*packet);
}

}  // namespace maillab::engine
