#include "engine/hosts/mailbox/imap_service.h"

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/mailbox_trace.h"
#include "engine/hosts/tls/tls_stream.h"

namespace maillab::engine {

ImapService::ImapService(ImapServiceOptions options)
    : options_(std::move(options)),
      self_(std::make_shared<ImapService*>(this)),
      sessions_([this](Sessions::Session& session, const imap::Event& event) { record(session, event); },
                // APPEND without a date takes the simulated time.
                [this](Sessions::Session& session) {
                  session.protocol->set_clock(host_->simulator().wall_clock_seconds(host_->simulator().now()));
                }) {}

ImapService::~ImapService() { *self_ = nullptr; }

void ImapService::start(Host& host) {
  host_ = &host;
  if (options_.hostname.empty()) options_.hostname = host.name();
  sessions_.set_idle_timeout(host.simulator(), options_.idle_timeout);
  sessions_.set_start_tls([this](std::shared_ptr<StreamConnection> plain) -> std::shared_ptr<StreamConnection> {
    return TlsStream::server(*host_, std::move(plain), options_.hostname);
  });
  listen_plain_and_tls(host, options_.plain_ports, options_.tls_ports,
                       [this](const std::shared_ptr<StreamConnection>& c, bool tls) { accept(c, tls); });
  mailboxes();
}

std::vector<std::string> ImapService::apply_options(ImapServiceOptions next) {
  if (next.hostname.empty() && host_) next.hostname = host_->name();
  const ImapServiceOptions before = std::exchange(options_, std::move(next));
  if (!host_) return {};
  sessions_.set_idle_timeout(host_->simulator(), options_.idle_timeout);
  return relisten(*host_, before.plain_ports, before.tls_ports, options_.plain_ports, options_.tls_ports,
                  [this](const std::shared_ptr<StreamConnection>& c, bool tls) { accept(c, tls); });
}

void ImapService::set_command_rate(const CommandRate& rate) {
  if (!host_) return;
  sessions_.set_command_rate(host_->simulator(), rate, [this](Sessions::Session& session, const std::string& text) {
    record_mail_access(*host_, TraceKind::transport, host_->name(), session.peer, "IMAP", text,
                       session.connection->id());
  });
}

MailboxService* ImapService::mailboxes() {
  if (!host_) return nullptr;
  auto* found = host_->find_service<MailboxService>();
  if (found && found != observed_) {
    observed_ = found;
    std::weak_ptr<ImapService*> weak = self_;
    found->store().add_observer([weak](const store::Change&) {
      if (auto self = weak.lock(); self && *self) (*self)->store_changed();
    });
  }
  return found;
}

void ImapService::accept(std::shared_ptr<StreamConnection> connection, bool tls) {
  const std::string peer = mailbox_peer_name(*host_, connection->remote().address);
  auto* store = mailboxes();
  if (!store) return refuse_connection(*host_, connection, peer, "IMAP", "* BYE no mailboxes on this host");
  // RFC 8314 §3: TLS from the first byte; the greeting waits for the handshake.
  if (tls)
    return TlsStream::accept_implicit(*host_, std::move(connection), options_.hostname,
                                      [this](std::shared_ptr<StreamConnection> stream) { accept(stream, false); });
  imap::ServerOptions session_options;
  session_options.hostname = options_.hostname;
  session_options.starttls = options_.starttls;
  session_options.login_requires_tls = options_.login_requires_tls;
  session_options.tls_active = connection->tls();
  session_options.idle_timeout_seconds = options_.idle_timeout / seconds(1);
  auto protocol = std::make_unique<imap::ServerSession>(store->store(), session_options);
  protocol->set_clock(host_->simulator().wall_clock_seconds(host_->simulator().now()));
  sessions_.open(connection, peer, std::move(protocol));
}

void ImapService::on_crash() { sessions_.end_all(); }

void ImapService::store_changed() {
  // Called from inside a store mutation (maybe in the middle of another session's command):
  // push from a fresh event at the same instant instead.
  if (push_scheduled_ || !host_) return;
  push_scheduled_ = true;
  host_->simulator().schedule_in(0, [weak = std::weak_ptr<ImapService*>(self_)] {
    if (auto self = weak.lock(); self && *self) (*self)->push_updates();
  });
}

void ImapService::push_updates() {
  push_scheduled_ = false;
  if (!host_ || !host_->up()) return;
  for (auto& [id, session] : sessions_.sessions()) {
    if (!session.protocol->idling()) continue;
    session.protocol->poll_updates();
    std::string before = session.protocol->poll_output();
    if (before.empty()) continue;
    ++updates_pushed_;
    if (session.connection->is_open()) session.connection->send(before);
    sessions_.flush(session);
  }
}

void ImapService::record(Sessions::Session& session, const imap::Event& event) {
  const std::uint64_t id = session.connection->id();
  const std::string& user = session.protocol->user();
  switch (event.kind) {
    case imap::EventKind::command_received:
      record_mail_access(*host_, TraceKind::protocol, session.peer, host_->name(), "IMAP", event.text, id);
      break;
    case imap::EventKind::response_sent:
      record_mail_access(*host_, TraceKind::protocol, host_->name(), session.peer, "IMAP", event.text, id);
      break;
    case imap::EventKind::state_changed:
      record_mail_access(*host_, TraceKind::protocol, host_->name(), {}, "IMAP",
                         // No peer: nothing crossed the wire. The summary says whose session it is.
                         "session" + (user.empty() ? std::string() : " of " + user) + " from " + session.peer + " now " +
                             event.text,
                         id);
      break;
    default:
      record_mail_access(*host_, TraceKind::note, host_->name(), session.peer, "IMAP", event.text, id);
      break;
  }
}

}  // namespace maillab::engine
