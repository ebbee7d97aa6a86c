// The virtual network: nodes (hosts and routers) joined by links, shortest-path routing over a
// Boost.Graph topology, and packets that cross links hop by hop — one Trace record per hop.
//
// Applications never see packets: they use the Host's UDP datagram and TCP-like stream services
// (engine/net/host.h). The network turns those into IPv4/UDP/TCP packets with real headers (so the
// pcap writer produces files tshark decodes), moves them link by link, and delivers them.
//
// Link model: a packet of B bytes leaving on a link waits until the link's transmitter is free,
// takes B*8/bandwidth to serialize, then `latency` to propagate; it is lost with probability
// `loss` (one draw per hop from the link's own RNG). A link that is down, or a crashed node at
// either end, drops the packet. Routing is recomputed whenever a link or node changes state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/simulator.h"
#include "engine/net/address.h"

namespace maillab::engine {

class Host;
class WorldPki;  // engine/hosts/tls/world_pki.h

struct LinkSpec {
  Time latency = milliseconds(1);
  std::uint64_t bandwidth_bps = 100'000'000;  // 0 means infinite (no serialization delay)
  double loss = 0.0;                          // probability in [0, 1] per packet per crossing
  bool up = true;
};

struct Link {
  std::size_t id = 0;
  std::string a, b;  // node names
  LinkSpec spec;
  Time busy_until_ab = 0, busy_until_ba = 0;  // transmitter free times, per direction
};

// How long `bytes` take to clock onto a link: bytes*8/bandwidth, rounded up to whole
// microseconds; 0 when the bandwidth is 0 (infinite).
Time serialization_time(std::size_t bytes, std::uint64_t bandwidth_bps);

// Node roles are drawing and narration hints ("client", "resolver", "dns-root", "mta", "router"...);
// behaviour comes from the services a host runs.
struct NodeInfo {
  std::string name;
  std::optional<Address> address;  // routers may have none
  std::string role;
  bool is_router = false;
  bool up = true;
  // A non-transit node sends and receives but never forwards, so routes between other nodes
  // never pass through it (the bridge's gateway host, linked to many servers, must not become a
  // shortcut between them).
  bool transit = true;
};

// Tunables of the TCP-like transport (defaults are Linux-like but shorter so lessons stay brisk).
struct TcpOptions {
  std::size_t mss = 1460;
  Time initial_rto = seconds(1);  // RFC 6298 §2.1
  Time max_rto = seconds(60);
  int syn_retries = 3;       // connect gives up after 1+2+4+8 = 15 s with the defaults
  int data_retries = 8;      // a connection is declared dead after this many timeouts in a row
  Time min_rto = milliseconds(200);    // Linux's floor (RFC 6298 §2.4 says 1 s; lessons want brisk)
  std::size_t max_window = 65535;      // the receive window we advertise and respect (no scaling)
};

// Work counters of the transport: what tests and benchmarks check to show that costs grow with
// the bytes and connections, not with their square (never timed).
struct TransportCounters {
  std::uint64_t stream_bytes_moved = 0;  // bytes written or read by stream buffers, both directions
  std::uint64_t port_search_steps = 0;   // words of a host's ephemeral-port map examined
  std::uint64_t ports_exhausted = 0;     // connects refused because every ephemeral port was in use
  std::uint64_t timer_events = 0;        // retransmission-timer events scheduled (not restarts)
};

class Network {
 public:
  explicit Network(Simulator& simulator);
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Simulator& simulator() { return simulator_; }

  // Building. Names are unique; addresses are unique. Returns nullptr / nullopt on a clash.
  Host* add_host(std::string name, Address address, std::string role = "host");
  bool add_router(std::string name, std::optional<Address> address = std::nullopt, std::string role = "router");
  std::optional<std::size_t> add_link(const std::string& a, const std::string& b, LinkSpec spec);

  // Faults (each records a `fault` trace record and recomputes routes).
  bool set_link_up(std::size_t link_id, bool up);
  std::optional<std::size_t> find_link(const std::string& a, const std::string& b) const;
  bool set_node_up(const std::string& name, bool up);  // host crash / restart, router down / up
  // Marks a node as (non-)transit (see NodeInfo::transit) and recomputes routes; false if unknown.
  bool set_transit(const std::string& name, bool transit);

  // Lookup.
  Host* host(std::string_view name);
  Host* host_at(Address address);
  const NodeInfo* node(std::string_view name) const;
  std::optional<std::string> name_of(Address address) const;
  const std::vector<NodeInfo>& nodes() const { return nodes_; }
  const std::vector<Link>& links() const { return links_; }
  std::vector<Host*> hosts();

  // The node names a packet from `from` to `to` would visit now, both ends included;
  // nullopt when no route exists.
  std::optional<std::vector<std::string>> route(const std::string& from, const std::string& to) const;

  TcpOptions& tcp_options() { return tcp_options_; }
  TransportCounters& transport_counters() { return transport_counters_; }

  // The world's TLS certificates, made on first use by engine/hosts/tls (world_pki()).
  std::shared_ptr<WorldPki>& tls_pki() { return tls_pki_; }

  // Used by Host to send: an IPv4 packet (header already built) from the host at `source`.
  // Internal to engine/net; applications use Host.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  Simulator& simulator_;
  std::vector<NodeInfo> nodes_;
  std::vector<Link> links_;
  TcpOptions tcp_options_;
  std::shared_ptr<WorldPki> tls_pki_;
  TransportCounters transport_counters_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillab::engine
