// Push instead of poll: the connection an `idle` account keeps open after its first check_mail
// (RFC 2177 IMAP IDLE), as a phone or Thunderbird does.
//
//   connect, LOGIN --> sync INBOX (as check_mail: SELECT, UID FETCH flags, new bodies)
//     --> IDLE ... "+ idling" ... the server pushes "* 4 EXISTS" (or EXPUNGE, or FETCH FLAGS)
//     --> DONE ... "A5 OK IDLE terminated" --> sync INBOX, tell what changed --> IDLE again
//
// Every 29 minutes the device ends IDLE and starts it again (RFC 2177 §3: a server may log out
// a client that has been idle for 30 minutes). A lost connection (the server crashed, a link
// broke: noticed when the renewal's DONE gets no answer or a reset) is re-opened after a
// back-off of 30 s, 60 s, 120 s, ... at most 10 minutes. A server that does not announce IDLE in
// its CAPABILITY leaves the account polling, and the trace says so. A crash of the device drops
// the connection; after a restart it is opened by the next check_mail, as a mail app that is
// started again first checks, then idles. Everything else the device does (read, move, delete,
// send) keeps using its own short connections, side by side with this one.
#include <algorithm>
#include <optional>

#include "engine/hosts/client/mail_client_imap.h"
#include "engine/hosts/client/mail_client_service.h"
#include "protocols/imap/client_responses.h"

namespace maillab::engine {

namespace {

constexpr Time idle_renewal = seconds(29 * 60);  // RFC 2177 §3: "at least every 29 minutes"
constexpr Time first_backoff = seconds(30);
constexpr Time longest_backoff = seconds(10 * 60);
const std::string pushed = "pushed by the server (IMAP IDLE)";

std::string duration_text(Time delay) {
  const Time whole_seconds = delay / seconds(1);
  return whole_seconds < 60 ? std::to_string(whole_seconds) + " s" : std::to_string(whole_seconds / 60) + " min";
}

}  // namespace

struct MailClientService::IdleLink {
  std::size_t account = 0;
  std::shared_ptr<Imap> imap;           // the open connection; null while waiting to reconnect
  bool stopped = false;                 // given up (no IDLE on the server) or dropped: late callbacks are ignored
  bool reconnecting = false;            // a connection was lost before this one
  bool announced = false;               // "waiting for new mail" said on this connection
  bool asked_capability = false;        // CAPABILITY sent on this connection
  bool pushed = false;                  // the server pushed an update during this IDLE
  bool synced_again = false;            // the last sync was a second one in a row
  std::uint32_t server_exists = 0;      // INBOX size as the server last told it (EXISTS, EXPUNGE)
  Time backoff = 0;                     // the next reconnect delay; 0: the first one
  std::optional<Simulator::EventId> timer;  // the IDLE renewal, or the reconnect

  // Callbacks kept by the connection or its runner hold the link and the connection only
  // weakly (no cycle keeps them alive); this is the link again while it still uses `connection`.
  static std::shared_ptr<IdleLink> on(const std::weak_ptr<IdleLink>& weak, const std::weak_ptr<Imap>& connection) {
    auto link = weak.lock();
    auto imap = connection.lock();
    return link && !link->stopped && imap && link->imap == imap ? link : nullptr;
  }
};

bool MailClientService::idling(std::size_t account) const {
  auto found = idle_links_.find(account);
  return found != idle_links_.end() && found->second->imap && found->second->imap->queue->idling();
}

void MailClientService::idle_start(std::size_t account) {
  if (!host_ || !host_->up()) return;
  auto& link = idle_links_[account];
  if (link) return;  // connected, reconnecting, or the server cannot IDLE
  link = std::make_shared<IdleLink>();
  link->account = account;
  idle_connect(link);
}

void MailClientService::idle_connect(const std::shared_ptr<IdleLink>& link) {
  const std::string server = accounts_[link->account].incoming_server;
  narrate(TraceKind::note,
          std::string(link->reconnecting ? "reconnecting" : "opening a connection") + " to " + server +
              " to wait for new mail (IMAP IDLE, RFC 2177)",
          server);
  std::weak_ptr<IdleLink> weak = link;
  imap_connect(
      link->account,
      [this, weak](std::shared_ptr<Imap> imap) {
        auto link = weak.lock();
        if (!link || link->stopped) return;
        link->imap = imap;
        link->announced = link->asked_capability = false;
        link->server_exists = 0;
        imap->queue->on_untagged = [this, weak](const std::string& line) {
          if (auto held = weak.lock()) idle_untagged(held, line);
        };
        idle_sync(link, link->reconnecting ? "fetched on reconnecting for IMAP IDLE" : "fetched when the IDLE connection opened");
      },
      [this, weak](std::shared_ptr<Imap> imap, const std::string& why) {
        if (auto link = IdleLink::on(weak, imap)) idle_lost(link, why);
      },
      [this, weak, server](const std::string& error) {
        if (auto link = weak.lock(); link && !link->stopped) idle_lost(link, "cannot reach " + server + ": " + error);
      });
}

void MailClientService::idle_sync(const std::shared_ptr<IdleLink>& link, const std::string& source) {
  auto imap = link->imap;
  imap->clear_findings();
  // The same sync as check_mail (mail_client_imap.cpp), for INBOX only.
  imap_sync_folder(imap, "INBOX", [this, weak = std::weak_ptr<IdleLink>(link), imap, source] {
    auto link = IdleLink::on(weak, imap);
    if (!link || imap->queue->failed()) return;
    idle_report(*imap, source);
    // Mail that arrived during the sync was announced with one of its replies, not pushed:
    // IDLE would not mention it again, so sync once more when the counts disagree.
    const auto shown = std::count_if(store_.messages().begin(), store_.messages().end(), [&](const DeviceMessage& m) {
      return m.account == link->account && m.folder == "INBOX" && m.uid != 0;
    });
    if (static_cast<std::uint32_t>(shown) != link->server_exists && !link->synced_again) {
      link->synced_again = true;
      return idle_sync(link, pushed);
    }
    link->synced_again = false;
    idle_enter(link);
  });
}

void MailClientService::idle_enter(const std::shared_ptr<IdleLink>& link) {
  auto imap = link->imap;
  const std::weak_ptr<IdleLink> weak = link;
  const std::weak_ptr<Imap> connection = imap;
  const std::string server = accounts_[link->account].incoming_server;
  imap::CommandRunner& runner = *imap->queue;
  if (runner.capabilities().empty() && !link->asked_capability) {
    // Neither the greeting nor the LOGIN reply listed them: ask (RFC 3501 §6.1.1).
    link->asked_capability = true;
    runner.command("CAPABILITY", [this, weak, connection](const imap::CommandCompletion& done) {
      if (auto link = IdleLink::on(weak, connection); link && !done.aborted()) idle_enter(link);
    });
    return imap->pump();
  }
  if (!runner.has_capability("IDLE")) {
    narrate(TraceKind::note,
            server + " does not offer IDLE (RFC 2177) in its CAPABILITY: falling back to polling, new mail for " +
                accounts_[link->account].address + " shows at the next check_mail",
            server);
    return idle_stop(*link);
  }
  link->pushed = false;
  runner.idle(
      [this, weak, connection, server] {  // "+ idling": the server will push from now on
        auto link = IdleLink::on(weak, connection);
        if (!link) return;
        link->backoff = 0;
        if (!link->announced) {
          link->announced = true;
          narrate(TraceKind::note,
                  "waiting for new mail: IDLE on INBOX at " + server + ", the server pushes what changes (RFC 2177)",
                  server);
        }
        idle_timer(link, idle_renewal, [this, weak, connection, server] {
          auto link = IdleLink::on(weak, connection);
          if (!link || !link->imap->queue->idling()) return;
          auto imap = link->imap;
          narrate(TraceKind::note,
                  "renewing IDLE after 29 minutes (RFC 2177 §3: a server may log out a client idle for 30)", server);
          imap->queue->end_idle();
          imap->pump();
        });
      },
      [this, weak, connection, server](const imap::CommandCompletion& done) {
        auto link = IdleLink::on(weak, connection);
        if (!link || done.aborted()) return;
        if (link->timer) host_->simulator().cancel(*link->timer);
        link->timer.reset();
        if (!done.ok()) {
          narrate(TraceKind::note,
                  server + " refused IDLE (" + done.status + " " + done.text + "): falling back to polling", server);
          return idle_stop(*link);
        }
        if (link->pushed) return idle_sync(link, pushed);
        idle_enter(link);  // the 29-minute renewal
      });
  imap->pump();
}

void MailClientService::idle_untagged(const std::shared_ptr<IdleLink>& link, const std::string& line) {
  const auto exists = imap::read_exists(line);
  const auto expunged = imap::read_expunge(line);
  if (exists) link->server_exists = *exists;
  if (expunged && link->server_exists > 0) --link->server_exists;
  if (!link->imap || !link->imap->queue->idling()) return;
  if (!exists && !expunged && !imap::read_fetch(line)) return;
  // RFC 2177 §3: no other command while idling; end it with DONE, then fetch what changed.
  link->pushed = true;
  link->imap->queue->end_idle();
  link->imap->pump();
}

void MailClientService::idle_lost(const std::shared_ptr<IdleLink>& link, const std::string& why) {
  if (link->timer) host_->simulator().cancel(*link->timer);
  link->timer.reset();
  if (link->imap) {
    link->imap->finished = true;
    if (link->imap->connection && link->imap->connection->is_open()) link->imap->connection->close();
    link->imap = nullptr;
  }
  if (!host_ || !host_->up()) return;  // this device crashed: on_crash drops the link
  const std::string server = accounts_[link->account].incoming_server;
  const Time delay = link->backoff ? link->backoff : first_backoff;
  link->backoff = std::min(delay * 2, longest_backoff);
  link->reconnecting = true;
  narrate(TraceKind::note,
          "lost the IDLE connection to " + server + " (" + why + "); reconnecting in " + duration_text(delay) +
              " (back-off: 30 s, doubling, at most 10 min)",
          server);
  idle_timer(link, delay, [this, link] { idle_connect(link); });
}

void MailClientService::idle_stop(IdleLink& link) {
  // Stays in idle_links_, stopped: later checks do not try again.
  link.stopped = true;
  if (link.timer) host_->simulator().cancel(*link.timer);
  link.timer.reset();
  auto imap = link.imap;
  if (!imap || imap->finished) return;
  imap->queue->command("LOGOUT", [connection = std::weak_ptr<Imap>(imap)](const imap::CommandCompletion&) {
    auto imap = connection.lock();
    if (!imap) return;
    imap->finished = true;
    if (imap->connection && imap->connection->is_open()) imap->connection->close();
  });
  imap->pump();
}

void MailClientService::drop_idle_links(bool cancel_timers) {
  for (auto& [account, link] : idle_links_) {
    link->stopped = true;
    if (link->timer && host_ && cancel_timers) host_->simulator().cancel(*link->timer);
    link->timer.reset();
    if (auto imap = std::move(link->imap)) {
      imap->finished = true;
      // The connection's handlers hold the Imap that holds the connection: let both go.
      if (imap->connection) {
        imap->connection->on_data = nullptr;
        imap->connection->on_closed = nullptr;
        imap->connection = nullptr;
      }
    }
  }
  idle_links_.clear();
}

void MailClientService::idle_timer(const std::shared_ptr<IdleLink>& link, Time delay, std::function<void()> action) {
  if (link->timer) host_->simulator().cancel(*link->timer);
  std::weak_ptr<MailClientService*> weak = self_;
  link->timer = host_->simulator().schedule_in(delay, [weak, link, action] {
    auto self = weak.lock();
    if (!self || !*self || link->stopped) return;
    link->timer.reset();
    action();
  });
}

void MailClientService::idle_report(const Imap& imap, const std::string& source) {
  const std::string server = accounts_[imap.account].incoming_server;
  for (auto id : imap.new_inbox_ids)
    if (const auto* message = store_.find(id))
      narrate(TraceKind::mail, "new message '" + message->subject + "' from " + message->from_address + " " + source,
              server, message->tracking_id);
  for (auto id : imap.flag_changed_ids)
    if (const auto* message = store_.find(id))
      narrate(TraceKind::mail, "'" + message->subject + "' is now " + flags_text(*message) + ": flag change " + source,
              server, message->tracking_id);
  for (const auto& gone : imap.gone)
    narrate(TraceKind::mail,
            "'" + gone.subject + "' is gone from " + gone.folder + " (deleted or moved on another device): " + source,
            server, gone.tracking_id);
}

}  // namespace maillab::engine
