#include "engine/hosts/mailbox/pop3_service.h"

namespace maillab::engine {

Pop3Service::Pop3Service(Pop3ServiceOptions options)
    : MailboxAccessService(std::move(options), "POP3", "-ERR no mailboxes on this host") {}

void Pop3Service::open_session(std::shared_ptr<StreamConnection> connection, std::string peer,
                               MailboxService& mailboxes) {
  ++sessions_served_;
  auto settings = session_options<pop3::ServerOptions>(*connection);
  // RFC 1939 §7: the APOP timestamp must be unique per greeting.
  settings.greeting_timestamp = "<" + std::to_string(sessions_served_) + "." +
                               std::to_string(host_->simulator().wall_clock_seconds(host_->simulator().now())) + "@" +
                               options_.hostname + ">";
  sessions_.open(connection, std::move(peer), std::make_unique<pop3::ServerSession>(mailboxes.store(), settings));
}

void Pop3Service::record(Session& session, const pop3::Event& event) {
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
