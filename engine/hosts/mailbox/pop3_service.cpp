#include "engine/hosts/mailbox/pop3_service.h"

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/mailbox_trace.h"
#include "engine/hosts/tls/tls_stream.h"

namespace maillab::engine {

Pop3Service::Pop3Service(Pop3ServiceOptions options)
    : options_(std::move(options)),
      sessions_([this](Sessions::Session& session, const pop3::Event& event) { record(session, event); }) {}

void Pop3Service::start(Host& host) {
  host_ = &host;
  if (options_.hostname.empty()) options_.hostname = host.name();
  sessions_.set_idle_timeout(host.simulator(), options_.idle_timeout);
  sessions_.set_start_tls([this](std::shared_ptr<StreamConnection> plain) -> std::shared_ptr<StreamConnection> {
    return TlsStream::server(*host_, std::move(plain), options_.hostname);
  });
  listen_plain_and_tls(host, options_.plain_ports, options_.tls_ports,
                       [this](const std::shared_ptr<StreamConnection>& c, bool tls) { accept(c, tls); });
}

std::vector<std::string> Pop3Service::apply_options(Pop3ServiceOptions next) {
  if (next.hostname.empty() && host_) next.hostname = host_->name();
  const Pop3ServiceOptions before = std::exchange(options_, std::move(next));
  if (!host_) return {};
  sessions_.set_idle_timeout(host_->simulator(), options_.idle_timeout);
  return relisten(*host_, before.plain_ports, before.tls_ports, options_.plain_ports, options_.tls_ports,
                  [this](const std::shared_ptr<StreamConnection>& c, bool tls) { accept(c, tls); });
}

void Pop3Service::set_command_rate(const CommandRate& rate) {
  if (!host_) return;
  sessions_.set_command_rate(host_->simulator(), rate, [this](Sessions::Session& session, const std::string& text) {
    record_mail_access(*host_, TraceKind::transport, host_->name(), session.peer, "POP3", text,
                       session.connection->id());
  });
}

MailboxService* Pop3Service::mailboxes() { return host_ ? host_->find_service<MailboxService>() : nullptr; }

void Pop3Service::accept(std::shared_ptr<StreamConnection> connection, bool tls) {
  const std::string peer = mailbox_peer_name(*host_, connection->remote().address);
  auto* store = mailboxes();
  if (!store) return refuse_connection(*host_, connection, peer, "POP3", "-ERR no mailboxes on this host");
  // RFC 8314 §3: TLS from the first byte; the greeting waits for the handshake.
  if (tls)
    return TlsStream::accept_implicit(*host_, std::move(connection), options_.hostname,
                                      [this](std::shared_ptr<StreamConnection> stream) { accept(stream, false); });
  ++sessions_served_;
  pop3::ServerOptions session_options;
  session_options.hostname = options_.hostname;
  session_options.starttls = options_.starttls;
  session_options.login_requires_tls = options_.login_requires_tls;
  session_options.tls_active = connection->tls();
  session_options.idle_timeout_seconds = options_.idle_timeout / seconds(1);
  // RFC 1939 §7: the APOP timestamp must be unique per greeting.
  session_options.greeting_timestamp = "<" + std::to_string(sessions_served_) + "." +
                                       std::to_string(host_->simulator().wall_clock_seconds(host_->simulator().now())) + "@" +
                                       options_.hostname + ">";
  sessions_.open(connection, peer, std::make_unique<pop3::ServerSession>(store->store(), session_options));
}

void Pop3Service::on_crash() { sessions_.end_all(); }  // locks released, nothing deleted (RFC 1939 §6)

void Pop3Service::record(Sessions::Session& session, const pop3::Event& event) {
  const std::uint64_t id = session.connection->id();
  const std::string& user = session.protocol->user();
  switch (event.kind) {
    case pop3::EventKind::command_received:
      record_mail_access(*host_, TraceKind::protocol, session.peer, host_->name(), "POP3", event.text, id);
      break;
    case pop3::EventKind::reply_sent:
      record_mail_access(*host_, TraceKind::protocol, host_->name(), session.peer, "POP3", event.text, id);
      break;
    case pop3::EventKind::state_changed:
      record_mail_access(*host_, TraceKind::protocol, host_->name(), {}, "POP3",
                         // No peer: nothing crossed the wire. The summary says whose session it is.
                         "session " + (user.empty() ? std::string() : "of " + user + " ") + "from " + session.peer +
                             " now in state " + event.text,
                         id);
      break;
    case pop3::EventKind::deletions_applied:
      record_mail_access(*host_, TraceKind::mail, host_->name(), session.peer, "POP3",
                         user + ": POP3 QUIT removed " + event.text + " message(s) from INBOX on the server", id);
      break;
    default:
      record_mail_access(*host_, TraceKind::note, host_->name(), session.peer, "POP3", event.text, id);
      break;
  }
}

}  // namespace maillab::engine
