// What the POP3 and IMAP servers of a mail host share (pop3_service.h, imap_service.h): the
// options every mail access server has, the listening ports (plain and implicit TLS, RFC 8314 §3),
// STARTTLS, the idle timeout, the command rate, a scenario's `set:`, and the first steps of
// accepting a connection (refuse it when the host has no mailboxes; TLS first on an implicit-TLS
// port). A service adds only what is its own: how it opens a session and how it records events.
//
// `Protocol` is pop3::ServerSession or imap::ServerSession (see session_server.h); `Options` is
// Pop3ServiceOptions or ImapServiceOptions, which have plain_ports, tls_ports, hostname, starttls,
// login_requires_tls and idle_timeout.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/mailbox_trace.h"
#include "engine/hosts/mailbox/session_server.h"
#include "engine/hosts/tls/tls_stream.h"
#include "engine/net/host.h"

namespace maillab::engine {

template <typename Protocol, typename Options>
class MailboxAccessService : public Service {
 public:
  void start(Host& host) override {
    host_ = &host;
    if (options_.hostname.empty()) options_.hostname = host.name();
    sessions_.set_idle_timeout(host.simulator(), options_.idle_timeout);
    sessions_.set_start_tls([this](std::shared_ptr<StreamConnection> plain) -> std::shared_ptr<StreamConnection> {
      return TlsStream::server(*host_, std::move(plain), options_.hostname);
    });
    listen_plain_and_tls(host, options_.plain_ports, options_.tls_ports,
                         [this](const std::shared_ptr<StreamConnection>& c, bool tls) { accept(c, tls); });
  }
  void stop() override { sessions_.end_all(); }      // before the store goes: locks released
  void on_crash() override { sessions_.end_all(); }  // every session ends as if its connection dropped

  const Options& options() const { return options_; }
  // Holds every connection opened from now to `rate` (engine/hosts/command_rate.h).
  void set_command_rate(const CommandRate& rate) {
    if (!host_) return;
    sessions_.set_command_rate(host_->simulator(), rate, [this](Session& session, const std::string& text) {
      record_note(session, TraceKind::transport, text);
    });
  }
  // A scenario's `set:`: new sessions use `next`; ports open and close to match. Returns what
  // changed beyond the settings themselves ("port 143 closed"), for the trace.
  std::vector<std::string> apply_options(Options next) {
    if (next.hostname.empty() && host_) next.hostname = host_->name();
    const Options before = std::exchange(options_, std::move(next));
    if (!host_) return {};
    sessions_.set_idle_timeout(host_->simulator(), options_.idle_timeout);
    return relisten(*host_, before.plain_ports, before.tls_ports, options_.plain_ports, options_.tls_ports,
                    [this](const std::shared_ptr<StreamConnection>& c, bool tls) { accept(c, tls); });
  }
  std::size_t open_sessions() const { return sessions_.size(); }

 protected:
  using Sessions = SessionServer<Protocol>;
  using Session = typename Sessions::Session;
  using Event = typename Sessions::Event;

  // `protocol` names the protocol in trace records ("POP3"); `refusal` is its own way of turning a
  // client away when the host has no mailboxes ("-ERR ..."). `before_input` as in SessionServer.
  MailboxAccessService(Options options, std::string protocol, std::string refusal,
                       typename Sessions::BeforeInput before_input = {})
      : options_(std::move(options)),
        protocol_(std::move(protocol)),
        refusal_(std::move(refusal)),
        sessions_([this](Session& session, const Event& event) { record(session, event); },
                  std::move(before_input)) {}

  // The host's mailboxes, or nothing when it has none.
  virtual MailboxService* mailboxes() { return host_ ? host_->find_service<MailboxService>() : nullptr; }
  // Starts a session on a connection that is ready for its greeting (TLS already up on an
  // implicit-TLS port).
  virtual void open_session(std::shared_ptr<StreamConnection> connection, std::string peer,
                            MailboxService& mailboxes) = 0;
  // Turns one of a session's events into trace records.
  virtual void record(Session& session, const Event& event) = 0;

  // The trace records a service makes of its sessions' events (mailbox_trace.h): a line from the
  // client, a line to it, a state change (no peer: nothing crossed the wire; `summary` says whose
  // session it is), and anything else the server notes about the session.
  void record_from_client(const Session& session, const std::string& line) {
    record_mail_access(*host_, TraceKind::protocol, session.peer, host_->name(), protocol_, line, session.connection->id());
  }
  void record_to_client(const Session& session, const std::string& line) {
    record_mail_access(*host_, TraceKind::protocol, host_->name(), session.peer, protocol_, line, session.connection->id());
  }
  void record_state(const Session& session, const std::string& summary) {
    record_mail_access(*host_, TraceKind::protocol, host_->name(), {}, protocol_, summary, session.connection->id());
  }
  void record_note(const Session& session, TraceKind kind, const std::string& summary) {
    record_mail_access(*host_, kind, host_->name(), session.peer, protocol_, summary, session.connection->id());
  }

  // The settings every mail access session takes from its service and its connection.
  template <typename SessionOptions>
  SessionOptions session_options(const StreamConnection& connection) const {
    SessionOptions session_options;
    session_options.hostname = options_.hostname;
    session_options.starttls = options_.starttls;
    session_options.login_requires_tls = options_.login_requires_tls;
    session_options.tls_active = connection.tls();
    session_options.idle_timeout_seconds = options_.idle_timeout / seconds(1);
    return session_options;
  }

  Options options_;
  Host* host_ = nullptr;
  const std::string protocol_;
  const std::string refusal_;
  Sessions sessions_;

 private:
  void accept(std::shared_ptr<StreamConnection> connection, bool tls) {
    std::string peer = mailbox_peer_name(*host_, connection->remote().address);
    auto* store = mailboxes();
    if (!store) return refuse_connection(*host_, connection, peer, protocol_, refusal_);
    // RFC 8314 §3: TLS from the first byte; the greeting waits for the handshake.
    if (tls)
      return TlsStream::accept_implicit(*host_, std::move(connection), options_.hostname,
                                        [this](std::shared_ptr<StreamConnection> stream) { accept(stream, false); });
    open_session(std::move(connection), std::move(peer), *store);
  }
};

}  // namespace maillab::engine
