// A host on the virtual network and the transport services it offers its applications:
// UDP datagrams and a TCP-like reliable byte stream, with ports and listeners.
//
// Applications are Services attached to a host (resolver, authoritative DNS, MTA, POP3/IMAP
// server, mail client). They are told when the host crashes and restarts. When a host crashes
// every connection it had vanishes without a word (peers find out by timing out), its datagrams
// are dropped, and its listeners stay bound so the restarted services answer again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/simulator.h"
#include "engine/net/address.h"
#include "engine/net/payload_describer.h"

namespace maillab::engine {

class Network;
class Host;

struct Datagram {
  Endpoint source;
  Endpoint destination;
  std::vector<std::uint8_t> payload;
};

enum class ConnectError { refused, timeout, unreachable };
enum class CloseReason { normal, reset, timeout, host_down };
std::string_view to_string(ConnectError error);
std::string_view to_string(CloseReason reason);

// One end of a TCP-like connection. Owned by the network; applications hold a shared_ptr.
class StreamConnection {
 public:
  virtual ~StreamConnection() = default;

  virtual std::uint64_t id() const = 0;  // also the `connection` field of trace records
  virtual Endpoint local() const = 0;
  virtual Endpoint remote() const = 0;
  virtual bool is_open() const = 0;

  // Queues bytes; they arrive at the peer in order, exactly once, however lossy the path.
  virtual void send(std::string_view bytes) = 0;
  // The same, and `label` names these bytes in hop records ("Q TXT example.org" for a binary DNS
  // message) where plain send() shows the first line of their text.
  virtual void send(std::string_view bytes, std::string label) = 0;
  // Sends FIN after everything queued; the peer's on_closed(normal) follows its last on_data.
  virtual void close() = 0;
  // Sends RST at once and drops anything queued.
  virtual void abort() = 0;

  // Flow control (RFC 9293 §3.8.6): while reading is paused, on_data is not called; up to one
  // window of arriving bytes is held and the window advertised to the peer shrinks to what is
  // left, so a peer whose bytes are not read stops sending (and probes, never giving up, while
  // the window stays shut). resume_reading() hands over what was held, from an event, and tells
  // the peer the window is open again. A FIN that arrives while paused waits behind the bytes.
  virtual void pause_reading() {}
  virtual void resume_reading() {}
  virtual bool reading_paused() const { return false; }
  // Bytes queued by send() that the peer has not acknowledged yet (unsent ones included).
  virtual std::uint64_t send_backlog() const { return 0; }

  // Simulated TLS (STARTTLS, ports 465/993/995): no cryptography on the wire, but from here on
  // the connection is marked encrypted and trace records say so.
  virtual void set_tls(bool on) = 0;
  virtual bool tls() const = 0;

  // Set these right after accept/connect. on_data may be called many times per application
  // message or with several messages at once: applications buffer and parse. on_closed is called
  // at most once: normal after the peer's last byte (this side then closes too, after anything
  // it still has queued), reset, timeout (data_retries timeouts in a row), or host_down when
  // this host crashes. Neither is ever called from inside send(), close() or abort().
  std::function<void(std::string_view bytes)> on_data;
  std::function<void(CloseReason reason)> on_closed;
};

struct ConnectHandlers {
  std::function<void(std::shared_ptr<StreamConnection>)> on_connected;
  std::function<void(ConnectError)> on_failed;
};

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view kind() const = 0;  // "resolver", "mta", ...
  virtual void start(Host& host) = 0;          // bind ports, schedule timers
  virtual void on_crash() {}                   // lose volatile state (not what is on "disk")
  virtual void on_restart() {}
  // The world is being torn down (not a crash: nothing is sent or recorded). End every session
  // and let go of connections and of other services, so that any order of destruction is safe.
  // Called once on every service of every host before any service or host is destroyed.
  virtual void stop() {}
};

class Host {
 public:
  Host(Network& network, std::string name, Address address, std::size_t node_index);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  const std::string& name() const { return name_; }
  Address address() const { return address_; }
  std::size_t node_index() const { return node_index_; }  // its position in Network::nodes()
  bool up() const;
  Network& network() { return network_; }
  Simulator& simulator();

  // --- UDP ---
  // Binds a port; false if it is taken.
  bool udp_bind(std::uint16_t port, std::function<void(const Datagram&)> on_datagram);
  void udp_unbind(std::uint16_t port);
  // Sends one datagram. `summary` is what hop records show for it (e.g. "Q MX example.org").
  void udp_send(std::uint16_t source_port, Endpoint destination, std::vector<std::uint8_t> payload,
                std::string summary = {});
  // The same, named by `describe` from its bytes when a hop record is made.
  void udp_send(std::uint16_t source_port, Endpoint destination, std::vector<std::uint8_t> payload,
                PayloadDescriber describe);

  // --- TCP-like streams ---
  bool listen(std::uint16_t port, std::function<void(std::shared_ptr<StreamConnection>)> on_accept);
  void unlisten(std::uint16_t port);
  // Starts a connection (SYN). Exactly one of on_connected / on_failed is called later, always
  // from a simulator event: refused when the peer answers RST (nobody listens), timeout when
  // the SYN retries run out (a crashed or silent peer), unreachable at once when there is no
  // route now or this host is down (and if this host crashes while connecting).
  void connect(Endpoint remote, ConnectHandlers handlers);

  // Ports bound now, in increasing order (what a port scan would find; the bridge serves these).
  std::vector<std::uint16_t> listening_ports() const;
  std::vector<std::uint16_t> udp_bound_ports() const;

  // A free port from the ephemeral range (49152–65535), deterministic.
  std::uint16_t ephemeral_port();

  // --- services ---
  // Adds and starts a service; the host owns it. Teardown (see shut_down) destroys them newest
  // first: a service may use the ones added before it.
  Service& add_service(std::unique_ptr<Service> service);
  const std::vector<std::unique_ptr<Service>>& services() const { return services_; }
  template <typename T>
  T* find_service() {
    for (auto& s : services_)
      if (auto* t = dynamic_cast<T*>(s.get())) return t;
    return nullptr;
  }

  // Ends the host's applications for good, in two phases: every service stop()s (newest first),
  // then every connection, listener and binding drops its callbacks (which hold services and,
  // through them, connections: cycles). Network's destructor calls it on every host before any
  // host goes, so no host's teardown reaches into a destroyed one. Idempotent; ~Host calls it.
  void shut_down();

  // The stub resolver's server (the "nameserver" line of resolv.conf); 0 when none is set.
  Address resolver_address() const { return resolver_address_; }
  void set_resolver_address(Address address) { resolver_address_ = address; }

  // Internal state of the transport lives in engine/net's implementation.
  struct Transport;
  Transport& transport() { return *transport_; }

 private:
  Network& network_;
  std::string name_;
  Address address_;
  std::size_t node_index_;
  Address resolver_address_ = 0;
  std::vector<std::unique_ptr<Service>> services_;
  std::unique_ptr<Transport> transport_;
  bool shut_down_ = false;
};

}  // namespace maillab::engine
