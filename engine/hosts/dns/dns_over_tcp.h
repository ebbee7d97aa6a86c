// DNS over TCP (RFC 7766) on the virtual network, both sides.
//
// Asking: one question, as the resolver and the stub resolver ask it after a truncated UDP reply:
// connect to port 53, send the message after its two-octet length, take the first whole message
// that comes back, close. A connection that fails or never answers calls nothing: the asker's
// own timer decides when to give up.
//
// Serving: a DnsStreamSession per accepted connection reads length-framed queries (several may
// come on one connection, RFC 7766 §6.2.1) and sends framed replies. The client closes when it
// is done; a client that goes quiet is closed by the server after `idle_timeout` without traffic
// either way (RFC 7766 §6.2.3: servers manage their idle connections), so an open connection
// cannot hold a server's resources for ever.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/core/time.h"
#include "engine/net/host.h"
#include "protocols/dns/stream.h"
#include "protocols/dns/wire.h"

namespace maillab::engine {

// `label` names the query's segments in hop records ("Q TXT example.org (TCP)").
void ask_over_tcp(Host& host, Address server, const dns::Bytes& query, std::string label,
                  std::function<void(dns::Bytes reply)> on_reply);

// 30 s, the default of BIND (tcp-idle-timeout) and Unbound (tcp-idle-timeout): longer than a
// resolver's whole budget for one question (10 s), so an answer still owed keeps its connection.
inline constexpr Time dns_tcp_idle_timeout = seconds(30);

class DnsStreamSession : public std::enable_shared_from_this<DnsStreamSession> {
 public:
  using QueryHandler = std::function<void(DnsStreamSession& session, dns::Bytes query)>;

  // Takes over `connection`'s handlers; the connection keeps the session alive.
  static std::shared_ptr<DnsStreamSession> serve(Host& host, const std::shared_ptr<StreamConnection>& connection,
                                                  Time idle_timeout, QueryHandler on_query);

  // Sends `message` with its length; false when the connection is gone. Counts as traffic.
  bool reply(const dns::Bytes& message, std::string label);
  bool is_open() const;
  Endpoint remote() const { return remote_; }

  DnsStreamSession(Host& host, const std::shared_ptr<StreamConnection>& connection, Time idle_timeout,
                   QueryHandler on_query);

 private:
  void on_data(std::string_view bytes);
  void arm_idle_timer();
  void on_idle();
  void cancel_timer();

  Host& host_;
  std::weak_ptr<StreamConnection> connection_;
  Endpoint remote_;
  Time idle_timeout_;
  QueryHandler on_query_;
  dns::StreamReader reader_;
  // Cancelled when the connection closes; never from a destructor, which may run at teardown
  // after the simulator is gone (a timer that outlives the session finds it gone and does nothing).
  Simulator::EventId timer_ = 0;
};

}  // namespace maillab::engine
