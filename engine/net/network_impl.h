// Network::Impl — the packet mover behind engine/net (internal to engine/net: applications use
// Host). It owns the hosts, per-link state (RNG, up/down epoch), the routing tables, and moves
// packets link by link, writing one `hop` record per crossing and a `drop` record for every loss.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/net/host.h"
#include "engine/net/network.h"
#include "engine/net/packet.h"
#include "engine/net/routing.h"

namespace maillab::engine {

struct Network::Impl {
  explicit Impl(Network& owner);

  Network& network;
  Simulator& simulator;
  Routing routing;
  std::unordered_map<std::string, std::size_t> node_index;
  std::unordered_map<Address, std::size_t> address_index;
  std::vector<std::unique_ptr<Host>> host_of_node;  // nullptr for routers
  // The links between each pair of nodes (key: pair_key of their indices), in id order: a
  // generated world adds tens of thousands of links, and each addition asks about its pair.
  std::unordered_map<std::uint64_t, std::vector<std::size_t>> links_between;
  static std::uint64_t pair_key(std::size_t a, std::size_t b) {
    return a < b ? (static_cast<std::uint64_t>(a) << 32) | b : (static_cast<std::uint64_t>(b) << 32) | a;
  }

  struct LinkState {
    Rng rng;                  // this link's own loss draws: Rng::derive("link:a-b")
    std::uint64_t epoch = 0;  // bumped when the link goes down: packets from an older epoch are lost
    std::size_t a = 0;        // the node index of the link's `a` end (which transmitter a hop uses)
  };
  std::vector<LinkState> link_states;

  std::uint64_t next_packet_id = 1;
  std::uint64_t next_connection_id = 1;

  // True when a packet from `from` could reach `to` now (a host can always reach itself).
  bool has_route(const Host& from, Address to);

  // Sends a packet built by a host: gives it its id and wire bytes, then routes it from the
  // host's node.
  void send_from(Host& host, std::shared_ptr<Packet> packet);

  // A trace record about a packet (hop or drop) or about the transport; records nobody wants are
  // counted, not made (Trace::wanted).
  void record_drop(const Packet& packet, const std::string& node, const std::string& peer, std::string_view why);
  void record_transport(const std::string& node, const std::string& peer, const std::string& protocol,
                        std::string summary, std::uint64_t connection);

  // The name of the node holding `address`, or the dotted quad when nobody does.
  std::string label_for(Address address) const;

 private:
  // A packet between two events of one link crossing: queued for its link's transmitter, or on
  // the wire. The event names it by its slot here, so the event's action is `this` and a number:
  // small enough for std::function to keep inline, where a closure holding the packet and the hop
  // needed an allocation of its own at every hop of every packet.
  struct Crossing {
    std::shared_ptr<Packet> packet;
    std::size_t from = 0;
    NextHop hop;
    std::uint64_t epoch = 0;
    bool lost = false;
  };
  std::vector<Crossing> crossings_;
  std::vector<std::uint32_t> free_crossings_;
  std::uint32_t park(Crossing crossing);
  Crossing unpark(std::uint32_t slot);

  void forward(std::shared_ptr<Packet> packet, std::size_t at);
  void depart(Crossing crossing);
  void arrive(Crossing crossing);
  void deliver(const std::shared_ptr<Packet>& packet, std::size_t node);
};

}  // namespace maillab::engine
