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
  const std::string& user = session.protocol->user();
  switch (event.kind) {
    case pop3::EventKind::command_received: return record_from_client(session, event.text);
    case pop3::EventKind::reply_sent: return record_to_client(session, event.text);
    case pop3::EventKind::state_changed:
      return record_state(session, "session " + (user.empty() ? std::string() : "of " + user + " ") + "from " +
                                       session.peer + " now in state " + event.text);
    case pop3::EventKind::deletions_applied:  // the UPDATE state (RFC 1939 §6)
      return record_note(session, TraceKind::mail,
                         user + ": POP3 QUIT removed " + event.text + " message(s) from INBOX on the server");
    default: return record_note(session, TraceKind::note, event.text);
  }
}

}  // namespace maillab::engine
