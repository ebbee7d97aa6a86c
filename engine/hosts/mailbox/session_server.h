// The connection side the POP3 and IMAP servers share: one sans-I/O server session per accepted
// TCP connection. Bytes from the client go to the session's handle_bytes(), whatever its
// poll_output() returns goes back on the connection, and its poll_event()s go to the service's
// `record` function (which turns them into trace records). A session whose protocol says it is
// closed (QUIT or LOGOUT answered) ends at once: its reply is queued ahead of our FIN. A dropped
// connection or a host crash ends every session with handle_close(), which is where the protocols
// apply their rules (RFC 1939 §6: no deletions without QUIT; the maildrop lock released).
//
// `Protocol` is pop3::ServerSession or imap::ServerSession: handle_bytes, handle_close,
// poll_output, poll_event (an optional<Event>), closed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/hosts/mailbox/mailbox_trace.h"
#include "engine/net/host.h"

namespace maillab::engine {

template <typename Protocol>
class SessionServer {
 public:
  struct Session {
    std::shared_ptr<StreamConnection> connection;
    std::unique_ptr<Protocol> protocol;
    std::string peer;  // the client's host name (or address)
  };
  using Event = std::remove_reference_t<decltype(*std::declval<Protocol&>().poll_event())>;
  using Record = std::function<void(Session&, const Event&)>;
  using BeforeInput = std::function<void(Session&)>;

  // `record` is called for every event; `before_input` (optional) before each handle_bytes (IMAP
  // sets its clock there).
  explicit SessionServer(Record record, BeforeInput before_input = {})
      : record_(std::move(record)), before_input_(std::move(before_input)) {}
  SessionServer(const SessionServer&) = delete;  // connections call back into this object
  SessionServer& operator=(const SessionServer&) = delete;

  // Takes over `connection` with `protocol`, and sends the greeting it queued.
  Session& open(const std::shared_ptr<StreamConnection>& connection, std::string peer,
                std::unique_ptr<Protocol> protocol) {
    const std::uint64_t id = connection->id();
    Session& session = sessions_[id];
    session.connection = connection;
    session.peer = std::move(peer);
    session.protocol = std::move(protocol);
    connection->on_data = [this, id](std::string_view bytes) { on_data(id, bytes); };
    connection->on_closed = [this, id](CloseReason) { on_closed(id); };
    flush(session);
    return session;
  }

  // Sends the session's queued output and records its events.
  void flush(Session& session) {
    std::string out = session.protocol->poll_output();
    if (!out.empty() && session.connection->is_open()) session.connection->send(out);
    while (auto event = session.protocol->poll_event()) record_(session, *event);
  }

  // The host crashed: every session ends as if its connection dropped (the connections vanished
  // with the host, so nothing is sent).
  void end_all() {
    for (auto& [id, session] : sessions_) session.protocol->handle_close();
    sessions_.clear();
  }

  std::map<std::uint64_t, Session>& sessions() { return sessions_; }
  std::size_t size() const { return sessions_.size(); }

 private:
  void on_data(std::uint64_t id, std::string_view bytes) {
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    if (before_input_) before_input_(found->second);
    found->second.protocol->handle_bytes(bytes);
    flush(found->second);
    if (found->second.protocol->closed()) {
      auto connection = found->second.connection;
      sessions_.erase(found);
      connection->close();
    }
  }

  void on_closed(std::uint64_t id) {
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    found->second.protocol->handle_close();
    flush(found->second);
    sessions_.erase(found);
  }

  Record record_;
  BeforeInput before_input_;
  std::map<std::uint64_t, Session> sessions_;
};

// Listens on every plain and every implicit-TLS port; `accept(connection, tls)` takes each new
// connection (and switches on the simulated TLS, StreamConnection::set_tls, for RFC 8314 §3's
// implicit TLS once it decides to serve it).
void listen_plain_and_tls(Host& host, const std::vector<std::uint16_t>& plain_ports,
                          const std::vector<std::uint16_t>& tls_ports,
                          std::function<void(const std::shared_ptr<StreamConnection>&, bool)> accept);

// A server with no mailboxes to serve (a configuration mistake the scenario loader normally
// catches): sends `line` (the protocol's own refusal), records it, and hangs up.
void refuse_connection(Host& host, const std::shared_ptr<StreamConnection>& connection, const std::string& peer,
                       const std::string& protocol, const std::string& line);

}  // namespace maillab::engine
