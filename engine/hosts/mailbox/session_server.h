// The connection side the POP3 and IMAP servers share: one sans-I/O server session per accepted
// TCP connection. Bytes from the client go to the session's handle_bytes(), whatever its
// poll_output() returns goes back on the connection, and its poll_event()s go to the service's
// `record` function (which turns them into trace records). A session whose protocol says it is
// closed (QUIT or LOGOUT answered) ends at once: its reply is queued ahead of our FIN. A dropped
// connection or a host crash ends every session with handle_close(), which is where the protocols
// apply their rules (RFC 1939 §6: no deletions without QUIT; the maildrop lock released).
//
// Idle connections (set_idle_timeout): a session that has heard nothing from its client for the
// timeout gets handle_idle_timeout(), where its protocol says goodbye its own way (POP3: nothing,
// RFC 1939 §3; IMAP: "* BYE", RFC 3501 §5.4), then the connection closes. One timer per session,
// re-armed when it fires early, not at every segment.
//
// Command rate (set_command_rate, engine/hosts/command_rate.h): a connection whose client sends
// commands faster than the rate is not read until it is within it again; `note` says so once per
// pause, for the trace.
//
// STARTTLS (POP3 STLS, RFC 2595 §4; IMAP STARTTLS, RFC 3501 §6.2.1): when the protocol has
// answered the command (take_tls_request()), its "go ahead" leaves in the clear and the session's
// connection is replaced by the one `set_start_tls` makes (a TLS stream over the same TCP
// connection); the session goes on over it.
//
// `Protocol` is pop3::ServerSession or imap::ServerSession: handle_bytes, handle_close,
// handle_idle_timeout, poll_output, poll_event (an optional<Event>), closed, take_tls_request.
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

#include "engine/hosts/command_rate.h"
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
    Time last_input = 0;                // when the client last sent anything (or connected)
    Simulator::EventId idle_timer = 0;  // 0 when no timeout is set
    CommandBucket commands;             // the command rate's token bucket
    Simulator::EventId resume_timer = 0;  // reading paused until it fires (0: reading)
  };
  using Event = std::remove_reference_t<decltype(*std::declval<Protocol&>().poll_event())>;
  using Record = std::function<void(Session&, const Event&)>;
  using BeforeInput = std::function<void(Session&)>;
  using StartTls = std::function<std::shared_ptr<StreamConnection>(std::shared_ptr<StreamConnection>)>;
  using Note = std::function<void(Session&, const std::string&)>;

  // `record` is called for every event; `before_input` (optional) before each handle_bytes (IMAP
  // sets its clock there).
  explicit SessionServer(Record record, BeforeInput before_input = {})
      : record_(std::move(record)), before_input_(std::move(before_input)) {}
  SessionServer(const SessionServer&) = delete;  // connections call back into this object
  SessionServer& operator=(const SessionServer&) = delete;
  ~SessionServer() { end_all(); }

  // Sessions opened from now on end after `timeout` without input (0: never).
  void set_idle_timeout(Simulator& simulator, Time timeout) {
    simulator_ = &simulator;
    idle_timeout_ = timeout;
  }

  void set_start_tls(StartTls start_tls) { start_tls_ = std::move(start_tls); }

  // Sessions are held to `rate` from now on; `note` tells the trace when one is slowed down.
  void set_command_rate(Simulator& simulator, CommandRate rate, Note note) {
    simulator_ = &simulator;
    rate_ = rate;
    note_ = std::move(note);
  }

  // Takes over `connection` with `protocol`, and sends the greeting it queued.
  Session& open(const std::shared_ptr<StreamConnection>& connection, std::string peer,
                std::unique_ptr<Protocol> protocol) {
    const std::uint64_t id = connection->id();
    Session& session = sessions_[id];
    session.connection = connection;
    session.peer = std::move(peer);
    session.protocol = std::move(protocol);
    install_handlers(id, *connection);
    if (simulator_ && idle_timeout_ > 0) {
      session.last_input = simulator_->now();
      arm_idle_timer(id, session.last_input + idle_timeout_);
    }
    flush(session);
    return session;
  }

  // Sends the session's queued output and records its events.
  void flush(Session& session) {
    std::string out = session.protocol->poll_output();
    if (!out.empty() && session.connection->is_open()) session.connection->send(out);
    std::size_t commands = 0;
    while (auto event = session.protocol->poll_event()) {
      if (event->kind == decltype(event->kind)::command_received) ++commands;
      record_(session, *event);
    }
    if (commands > 0 && rate_.limits()) hold_to_rate(session, commands);
    if (session.protocol->take_tls_request() && start_tls_ && session.connection->is_open()) {
      session.connection = start_tls_(session.connection);
      install_handlers(session.connection->id(), *session.connection);
    }
  }

  // The host crashed (or is being torn down): every session ends as if its connection dropped
  // (the connections vanished with the host, so nothing is sent), and lets go of its connection's
  // callbacks, which point back here.
  void end_all() {
    for (auto& [id, session] : sessions_) {
      session.protocol->handle_close();
      forget(session);
    }
    sessions_.clear();
  }

  std::map<std::uint64_t, Session>& sessions() { return sessions_; }
  std::size_t size() const { return sessions_.size(); }

 private:
  void install_handlers(std::uint64_t id, StreamConnection& connection) {
    connection.on_data = [this, id](std::string_view bytes) { on_data(id, bytes); };
    connection.on_closed = [this, id](CloseReason) { on_closed(id); };
  }

  void on_data(std::uint64_t id, std::string_view bytes) {
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    if (before_input_) before_input_(found->second);
    if (simulator_) found->second.last_input = simulator_->now();
    found->second.protocol->handle_bytes(bytes);
    flush(found->second);
    if (found->second.protocol->closed()) close_session(found);
  }

  void on_closed(std::uint64_t id) {
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    found->second.protocol->handle_close();
    flush(found->second);
    forget(found->second);
    sessions_.erase(found);
  }

  // Past the rate: stop reading this connection until the bucket holds a command again.
  void hold_to_rate(Session& session, std::size_t commands) {
    const Time wait = session.commands.charge(rate_, commands, simulator_->now());
    if (wait == 0 || session.resume_timer || !session.connection->is_open()) return;
    if (note_) note_(session, "command rate: more than " + rate_.describe() + " from " + session.peer +
                                  "; not reading for " + format_seconds(wait));
    session.connection->pause_reading();
    const std::uint64_t id = session.connection->id();
    session.resume_timer = simulator_->schedule_in(wait, [this, id] { resume(id); });
  }

  void resume(std::uint64_t id) {
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    Session& session = found->second;
    session.resume_timer = 0;
    if (const Time wait = session.commands.charge(rate_, 0, simulator_->now()); wait > 0) {
      session.resume_timer = simulator_->schedule_in(wait, [this, id] { resume(id); });
      return;
    }
    session.connection->resume_reading();
  }

  void arm_idle_timer(std::uint64_t id, Time when) {
    sessions_[id].idle_timer = simulator_->schedule_at(when, [this, id] { on_idle_timer(id); });
  }

  void on_idle_timer(std::uint64_t id) {
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return;
    Session& session = found->second;
    session.idle_timer = 0;
    const Time due = session.last_input + idle_timeout_;
    if (simulator_->now() < due) return arm_idle_timer(id, due);  // input came meanwhile
    session.protocol->handle_idle_timeout();
    flush(session);
    close_session(found);
  }

  // The protocol is done: its last output is queued ahead of our FIN.
  void close_session(typename std::map<std::uint64_t, Session>::iterator found) {
    auto connection = found->second.connection;
    forget(found->second);
    sessions_.erase(found);
    connection->close();
  }

  // Cancels the session's timer and lets go of its connection's callbacks, which capture `this`
  // (the connection may outlive us while it closes). The transport calls a copy of a callback,
  // so this is safe from inside one. Bytes that still arrive are dropped, not buffered.
  void forget(Session& session) {
    if (session.idle_timer) simulator_->cancel(session.idle_timer);
    if (session.resume_timer) simulator_->cancel(session.resume_timer);
    session.idle_timer = 0;
    session.resume_timer = 0;
    session.connection->on_data = [](std::string_view) {};
    session.connection->on_closed = nullptr;
  }

  Record record_;
  BeforeInput before_input_;
  StartTls start_tls_;
  Simulator* simulator_ = nullptr;
  Time idle_timeout_ = 0;
  CommandRate rate_;
  Note note_;
  std::map<std::uint64_t, Session> sessions_;
};

// Listens on every plain and every implicit-TLS port; `accept(connection, tls)` takes each new
// connection (with `tls`, the service puts a TLS stream on it before its greeting:
// TlsStream::accept_implicit, RFC 8314 §3).
void listen_plain_and_tls(Host& host, const std::vector<std::uint16_t>& plain_ports,
                          const std::vector<std::uint16_t>& tls_ports,
                          std::function<void(const std::shared_ptr<StreamConnection>&, bool)> accept);

// A scenario's `set:` changed the ports: closes the ones no longer served and opens the new ones
// (connections already open keep going). Returns what changed, for the trace ("port 143 closed").
std::vector<std::string> relisten(Host& host, const std::vector<std::uint16_t>& old_plain,
                                  const std::vector<std::uint16_t>& old_tls,
                                  const std::vector<std::uint16_t>& plain_ports,
                                  const std::vector<std::uint16_t>& tls_ports,
                                  const std::function<void(const std::shared_ptr<StreamConnection>&, bool)>& accept);

// A server with no mailboxes to serve (a configuration mistake the scenario loader normally
// catches): sends `line` (the protocol's own refusal), records it, and hangs up.
void refuse_connection(Host& host, const std::shared_ptr<StreamConnection>& connection, const std::string& peer,
                       const std::string& protocol, const std::string& line);

}  // namespace maillab::engine
