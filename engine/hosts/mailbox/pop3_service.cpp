#include "engine/hosts/mailbox/pop3_service.h"

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/mailbox_trace.h"

namespace maillab::engine {

Pop3Service::Pop3Service(Pop3ServiceOptions options) : options_(std::move(options)) {}

void Pop3Service::start(Host& host) {
  host_ = &host;
  if (options_.hostname.empty()) options_.hostname = host.name();
  for (auto port : options_.plain_ports)
    host.listen(port, [this](std::shared_ptr<StreamConnection> c) { accept(c, false); });
  for (auto port : options_.tls_ports)
    host.listen(port, [this](std::shared_ptr<StreamConnection> c) { accept(c, true); });
}

MailboxService* Pop3Service::mailboxes() { return host_ ? host_->find_service<MailboxService>() : nullptr; }

void Pop3Service::accept(const std::shared_ptr<StreamConnection>& connection, bool tls) {
  const std::string peer = mailbox_peer_name(*host_, connection->remote().address);
  auto* store = mailboxes();
  if (!store) {
    // A POP3 server with nothing to serve: say so once and hang up (a configuration mistake the
    // scenario loader normally catches).
    connection->send("-ERR no mailboxes on this host\r\n");
    record_mail_access(*host_, TraceKind::protocol, host_->name(), peer, "POP3", "-ERR no mailboxes on this host",
                       connection->id());
    connection->close();
    return;
  }
  if (tls) connection->set_tls(true);
  ++sessions_served_;
  pop3::ServerOptions session_options;
  session_options.hostname = options_.hostname;
  // RFC 1939 §7: the APOP timestamp must be unique per greeting.
  session_options.greeting_timestamp = "<" + std::to_string(sessions_served_) + "." +
                                       std::to_string(epoch_seconds(host_->simulator().now())) + "@" +
                                       options_.hostname + ">";
  const std::uint64_t id = connection->id();
  Session& session = sessions_[id];
  session.connection = connection;
  session.peer = peer;
  session.protocol = std::make_unique<pop3::ServerSession>(store->store(), session_options);
  connection->on_data = [this, id](std::string_view bytes) { on_data(id, bytes); };
  connection->on_closed = [this, id](CloseReason reason) { on_closed(id, reason); };
  flush(session);
}

void Pop3Service::on_data(std::uint64_t id, std::string_view bytes) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  found->second.protocol->handle_bytes(bytes);
  flush(found->second);
  if (found->second.protocol->closed()) {
    // QUIT answered: the reply is queued ahead of our FIN. The session (and its lock) ends now.
    auto connection = found->second.connection;
    sessions_.erase(found);
    connection->close();
  }
}

void Pop3Service::on_closed(std::uint64_t id, CloseReason) {
  auto found = sessions_.find(id);
  if (found == sessions_.end()) return;
  found->second.protocol->handle_close();
  flush(found->second);
  sessions_.erase(found);
}

void Pop3Service::on_crash() {
  for (auto& [id, session] : sessions_) session.protocol->handle_close();
  sessions_.clear();  // the connections vanished with the host
}

void Pop3Service::flush(Session& session) {
  const std::uint64_t id = session.connection->id();
  std::string out = session.protocol->poll_output();
  if (!out.empty() && session.connection->is_open()) session.connection->send(out);
  while (auto event = session.protocol->poll_event()) {
    switch (event->kind) {
      case pop3::EventKind::command_received:
        record_mail_access(*host_, TraceKind::protocol, session.peer, host_->name(), "POP3", event->text, id);
        break;
      case pop3::EventKind::reply_sent:
        record_mail_access(*host_, TraceKind::protocol, host_->name(), session.peer, "POP3", event->text, id);
        break;
      case pop3::EventKind::state_changed:
        record_mail_access(*host_, TraceKind::protocol, host_->name(), {}, "POP3",
                           "session " + std::string(session.protocol->user().empty() ? "" : "of " + session.protocol->user() + " ") +
                               "now in state " + event->text,
                           id);
        break;
      case pop3::EventKind::deletions_applied:
        record_mail_access(*host_, TraceKind::mail, host_->name(), session.peer, "POP3",
                           session.protocol->user() + ": POP3 QUIT removed " + event->text +
                               " message(s) from INBOX on the server",
                           id);
        break;
      default:
        record_mail_access(*host_, TraceKind::note, host_->name(), session.peer, "POP3", event->text, id);
        break;
    }
  }
}

}  // namespace maillab::engine
