#include "engine/hosts/mailbox/imap_service.h"

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/mailbox_trace.h"

namespace maillab::engine {

ImapService::ImapService(ImapServiceOptions options)
    : options_(std::move(options)), self_(std::make_shared<ImapService*>(this)) {}

ImapService::~ImapService() { *self_ = nullptr; }

void ImapService::start(Host& host) {
  host_ = &host;
  if (options_.hostname.empty()) options_.hostname = host.name();
  for (auto port : options_.plain_ports)
    host.listen(port, [this](std::shared_ptr<StreamConnection> c) { accept(c, false); });
  for (auto port : options_.tls_ports)
    host.listen(port, [this](std::shared_ptr<StreamConnection> c) { accept(c, true); });
  mailboxes();
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

void ImapService::accept(const std::shared_ptr<StreamConnection>& connection, bool tls) {
  const std::string peer = mailbox_peer_name(*host_, connection->remote().address);
  auto* store = mailboxes();
  if (!store) {
    connection->send("* BYE no mailboxes on this host\r\n");
    record_mail_access(*host_, TraceKind::protocol, host_->name(), peer, "IMAP", "* BYE no mailboxes on this host",
                       connection->id());
    connection->close();
    return;
  }
  if (tls) connection->set_tls(true);
  imap::ServerOptions session_options;
  session_options.hostname = options_.hostname;
  const std::uint64_t id = connection->id();
  Session& session = sessions_[id];
  session.connection = connection;
  session.peer = peer;
  session.protocol = std::make_unique<imap::ServerSession>(store->store(), session_options);
  session.protocol->set_clock(epoch_seconds(host_->simulator().now()));
  connection->on_data = [this, id](std::string_view bytes) { on_data(id, bytes); };
  connection->on_closed = [this, id](CloseReason) { on_closed(id); };
  flush(session);
}

void ImapService::on_data(std::uint64_t id, std::string_view bytes) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  found->second.protocol->set_clock(epoch_seconds(host_->simulator().now()));
  found->second.protocol->handle_bytes(bytes);
  flush(found->second);
  if (found->second.protocol->closed()) {
    auto connection = found->second.connection;
    sessions_.erase(found);
    connection->close();
  }
}

void ImapService::on_closed(std::uint64_t id) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  found->second.protocol->handle_close();
  flush(found->second);
  sessions_.erase(found);
}

void ImapService::on_crash() {
  for (auto& [id, session] : sessions_) session.protocol->handle_close();
  sessions_.clear();
}

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
  for (auto& [id, session] : sessions_) {
    if (!session.protocol->idling()) continue;
    session.protocol->poll_updates();
    std::string before = session.protocol->poll_output();
    if (before.empty()) continue;
    ++updates_pushed_;
    if (session.connection->is_open()) session.connection->send(before);
    flush(session);
  }
}

void ImapService::flush(Session& session) {
  const std::uint64_t id = session.connection->id();
  std::string out = session.protocol->poll_output();
  if (!out.empty() && session.connection->is_open()) session.connection->send(out);
  while (auto event = session.protocol->poll_event()) {
    switch (event->kind) {
      case imap::EventKind::command_received:
        record_mail_access(*host_, TraceKind::protocol, session.peer, host_->name(), "IMAP", event->text, id);
        break;
      case imap::EventKind::response_sent:
        record_mail_access(*host_, TraceKind::protocol, host_->name(), session.peer, "IMAP", event->text, id);
        break;
      case imap::EventKind::state_changed:
        record_mail_access(*host_, TraceKind::protocol, host_->name(), {}, "IMAP",
                           "session" + std::string(session.protocol->user().empty() ? "" : " of " + session.protocol->user()) +
                               " now " + event->text,
                           id);
        break;
      default:
        record_mail_access(*host_, TraceKind::note, host_->name(), session.peer, "IMAP", event->text, id);
        break;
    }
  }
}

}  // namespace maillab::engine
