#include "engine/hosts/mailbox/imap_service.h"


namespace maillab::engine {

ImapService::ImapService(ImapServiceOptions options)
    : MailboxAccessService(std::move(options), "IMAP", "* BYE no mailboxes on this host",
                           // APPEND without a date takes the simulated time.
                           [this](Session& session) {
                             session.protocol->set_clock(host_->simulator().wall_clock_seconds(host_->simulator().now()));
                           }),
      self_(std::make_shared<ImapService*>(this)) {}

ImapService::~ImapService() { *self_ = nullptr; }

void ImapService::start(Host& host) {
  MailboxAccessService::start(host);
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

void ImapService::open_session(std::shared_ptr<StreamConnection> connection, std::string peer,
                               MailboxService& mailboxes) {
  auto protocol = std::make_unique<imap::ServerSession>(
      mailboxes.store(), session_options<imap::ServerOptions>(*connection));
  protocol->set_clock(host_->simulator().wall_clock_seconds(host_->simulator().now()));
  sessions_.open(connection, std::move(peer), std::move(protocol));
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

void ImapService::record(Session& session, const imap::Event& event) {
  const std::string& user = session.protocol->user();
  switch (event.kind) {
    case imap::EventKind::command_received: return record_from_client(session, event.text);
    case imap::EventKind::response_sent: return record_to_client(session, event.text);
    case imap::EventKind::state_changed:
      return record_state(session, "session" + (user.empty() ? std::string() : " of " + user) + " from " +
                                       session.peer + " now " + event.text);
    default: return record_note(session, TraceKind::note, event.text);
  }
}

}  // namespace maillab::engine
