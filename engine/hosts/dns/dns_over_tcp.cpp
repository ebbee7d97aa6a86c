#include "engine/hosts/dns/dns_over_tcp.h"

#include <memory>

#include "engine/hosts/dns/dns_trace.h"
#include "protocols/dns/stream.h"

namespace maillab::engine {

void ask_over_tcp(Host& host, Address server, const dns::Bytes& query, std::string label,
                  std::function<void(dns::Bytes reply)> on_reply) {
  ConnectHandlers handlers;
  handlers.on_connected = [framed = dns::frame_for_stream(query), label = std::move(label),
                           on_reply = std::move(on_reply)](std::shared_ptr<StreamConnection> connection) {
    auto reader = std::make_shared<dns::StreamReader>();
    auto answered = std::make_shared<bool>(false);
    std::weak_ptr<StreamConnection> weak = connection;
    connection->on_data = [reader, answered, weak, on_reply](std::string_view bytes) {
      if (*answered) return;
      reader->feed(bytes);
      auto reply = reader->next();
      if (!reply) return;
      *answered = true;
      if (auto open = weak.lock()) open->close();
      on_reply(std::move(*reply));
    };
    connection->on_closed = [](CloseReason) {};
    connection->send(framed, label);
  };
  handlers.on_failed = [](ConnectError) {};
  host.connect(Endpoint{server, 53}, std::move(handlers));
}

// ---- the server side ------------------------------------------------------------------------

std::shared_ptr<DnsStreamSession> DnsStreamSession::serve(Host& host, const std::shared_ptr<StreamConnection>& connection,
                                                          Time idle_timeout, QueryHandler on_query) {
  auto session = std::make_shared<DnsStreamSession>(host, connection, idle_timeout, std::move(on_query));
  connection->on_data = [session](std::string_view bytes) { session->on_data(bytes); };
  // Our side closes by itself after the client's FIN; nothing is owed to a closed connection.
  std::weak_ptr<DnsStreamSession> weak = session;
  connection->on_closed = [weak](CloseReason) {
    if (auto self = weak.lock()) self->cancel_timer();
  };
  session->arm_idle_timer();
  return session;
}

DnsStreamSession::DnsStreamSession(Host& host, const std::shared_ptr<StreamConnection>& connection, Time idle_timeout,
                                   QueryHandler on_query)
    : host_(host), connection_(connection), remote_(connection->remote()), idle_timeout_(idle_timeout),
      on_query_(std::move(on_query)) {}

bool DnsStreamSession::is_open() const {
  auto connection = connection_.lock();
  return connection && connection->is_open();
}

bool DnsStreamSession::reply(const dns::Bytes& message, std::string label) {
  auto connection = connection_.lock();
  if (!connection || !connection->is_open()) return false;
  connection->send(dns::frame_for_stream(message), std::move(label));
  arm_idle_timer();
  return true;
}

void DnsStreamSession::on_data(std::string_view bytes) {
  arm_idle_timer();
  reader_.feed(bytes);
  // Hold ourselves: a handler may close the connection, which may drop the last reference.
  auto self = shared_from_this();
  while (auto query = reader_.next()) on_query_(*this, std::move(*query));
}

void DnsStreamSession::arm_idle_timer() {
  cancel_timer();
  if (idle_timeout_ <= 0) return;
  std::weak_ptr<DnsStreamSession> weak = weak_from_this();
  timer_ = host_.simulator().schedule_in(idle_timeout_, [weak] {
    if (auto self = weak.lock()) self->on_idle();
  });
}

void DnsStreamSession::on_idle() {
  timer_ = 0;
  auto connection = connection_.lock();
  if (!connection || !connection->is_open()) return;
  record_dns(host_, TraceKind::protocol, dns_peer_name(host_, remote_.address),
             "closing an idle DNS-over-TCP connection: no traffic for " + std::to_string(idle_timeout_ / seconds(1)) +
                 " s (RFC 7766 §6.2.3)");
  connection->close();
}

void DnsStreamSession::cancel_timer() {
  host_.simulator().cancel_timer(timer_);
}

}  // namespace maillab::engine
