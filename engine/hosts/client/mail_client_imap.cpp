// The mail client's IMAP work: one connection per operation (log in, commands, LOGOUT). The
// connection a device keeps open for IDLE is in mail_client_idle.cpp.
#include <algorithm>
#include <set>

#include "engine/hosts/client/mail_client_imap.h"
#include "engine/hosts/client/mail_client_service.h"
#include "engine/hosts/mailbox/mailbox_trace.h"
#include "engine/hosts/tls/tls_stream.h"
#include "protocols/imap/client_responses.h"
#include "protocols/imap/syntax.h"

namespace maillab::engine {

namespace {
std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}
}  // namespace

void MailClientService::imap_connect(std::size_t account, std::function<void(std::shared_ptr<Imap>)> opened,
                                     std::function<void(std::shared_ptr<Imap>, std::string)> broken,
                                     std::function<void(const std::string&)> unreachable) {
  const ClientAccount& acct = accounts_[account];
  auto imap = std::make_shared<Imap>();
  imap->account = account;
  imap->queue = std::make_unique<imap::CommandRunner>(acct.login(), acct.password,
                                                      !acct.incoming_tls && !acct.incoming_plaintext);
  connect(
      acct.incoming_endpoint, acct.incoming_server, acct.incoming_tls,
      [this, imap, opened, broken](std::shared_ptr<StreamConnection> connection) {
        imap_attach(imap, connection, broken);
        opened(imap);
        imap->pump();
      },
      unreachable);
}

void MailClientService::imap_attach(const std::shared_ptr<Imap>& imap,
                                    const std::shared_ptr<StreamConnection>& connection,
                                    std::function<void(std::shared_ptr<Imap>, std::string)> broken) {
  imap->connection = connection;
  connection->on_data = [this, imap, broken](std::string_view bytes) {
    if (imap->finished) return;
    imap->queue->handle_bytes(bytes);
    imap->pump();
    if (imap->queue->failed()) return broken(imap, imap->queue->error());
    if (!imap->queue->take_tls_request()) return;
    // RFC 3501 §6.2.1: the handshake on the same connection; LOGIN waits for it. The
    // certificate must verify, as on 993.
    auto stream = TlsStream::client(*host_, imap->connection, {accounts_[imap->account].incoming_server, true});
    stream->on_established = [imap](const tls::HandshakeDone&) {
      if (imap->finished) return;
      imap->queue->handle_tls_established();
      imap->pump();
    };
    stream->on_failed = [imap, broken](const std::string& reason) {
      if (imap->finished) return;
      imap->queue->handle_tls_failed(reason);
      broken(imap, imap->queue->error());
    };
    imap_attach(imap, stream, broken);
  };
  connection->on_closed = [imap, broken](CloseReason reason) {
    if (imap->finished) return;
    imap->queue->handle_close();
    broken(imap, "connection " + std::string(to_string(reason)));
  };
}

void MailClientService::imap_session(std::size_t account, std::function<void(std::shared_ptr<Imap>, Done)> work,
                                     std::function<void(bool)> finished) {
  const std::string server = accounts_[account].incoming_server;
  auto end = [this, finished, server](const std::shared_ptr<Imap>& imap, bool ok) {
    if (imap->finished) return;
    imap->finished = true;
    if (!ok) problem("IMAP session with " + server + " failed: " + imap->queue->error(), server);
    if (imap->connection && imap->connection->is_open()) imap->connection->close();
    finished(ok);
  };
  imap_connect(
      account,
      [work, end](std::shared_ptr<Imap> imap) {
        work(imap, [imap, end] {
          if (imap->queue->failed()) return end(imap, false);
          imap->queue->command("LOGOUT", [imap, end](const imap::CommandCompletion& done) { end(imap, done.ok()); });
          imap->pump();
        });
      },
      [end](std::shared_ptr<Imap> imap, const std::string&) { end(imap, false); },
      [this, finished, server](const std::string& error) {
        problem("cannot reach " + server + " for IMAP (" + error + ")", server);
        finished(false);
      });
}

// Syncing a folder is three commands, one step each: SELECT (imap_folder_selected), the UIDs
// and flags of what is there (imap_folder_listed), the bodies of what is new (imap_bodies_fetched).
// Each step ends by calling `then`, at once or from the next step.
void MailClientService::imap_sync_folder(std::shared_ptr<Imap> imap, std::string folder, Done then) {
  imap->queue->command("SELECT " + imap::astring(folder), [this, imap, folder, then](const imap::CommandCompletion& selected) {
    imap_folder_selected(imap, folder, selected, then);
  });
  imap->pump();
}

void MailClientService::imap_folder_selected(const std::shared_ptr<Imap>& imap, const std::string& folder,
                                             const imap::CommandCompletion& selected, const Done& then) {
  const std::size_t account = imap->account;
  if (selected.status.empty()) return then();  // the connection failed: keep what we have
  if (!selected.ok()) {
    // The folder is gone on the server (deleted or renamed elsewhere): so is our copy of it.
    auto& messages = store_.messages();
    for (auto it = messages.begin(); it != messages.end();)
      if (it->account == account && it->folder == folder && it->uid != 0) {
        it = messages.erase(it);
        ++imap->removed;
      } else {
        ++it;
      }
    return then();
  }
  std::uint32_t exists = 0;
  for (const auto& line : selected.untagged) {
    if (auto n = imap::read_exists(line)) exists = *n;
    if (auto validity = imap::read_uid_validity(line)) {
      auto& known = uid_validity_[{account, folder}];
      if (known != 0 && known != *validity) {
        // RFC 3501 §2.3.1.1: our UIDs for this folder mean nothing any more.
        auto& messages = store_.messages();
        messages.erase(std::remove_if(messages.begin(), messages.end(),
                                      [&](const DeviceMessage& m) {
                                        return m.account == account && m.folder == folder && m.uid != 0;
                                      }),
                       messages.end());
      }
      known = *validity;
    }
  }
  store_.add_folder(folder);
  if (exists == 0) {
    imap_reconcile(*imap, folder, {});
    return then();
  }
  imap->queue->command("UID FETCH 1:* (UID FLAGS)", [this, imap, folder, then](const imap::CommandCompletion& listed) {
    imap_folder_listed(imap, folder, listed, then);
  });
  imap->pump();
}

// Our copies of `folder` against what the server holds (UID -> flags): gone ones removed, flags
// brought up to date; both counted in `imap` for the report.
void MailClientService::imap_reconcile(Imap& imap, const std::string& folder,
                                       const std::map<std::uint32_t, std::vector<std::string>>& on_server) {
  auto& messages = store_.messages();
  for (auto it = messages.begin(); it != messages.end();) {
    if (it->account != imap.account || it->folder != folder || it->uid == 0) {
      ++it;
      continue;
    }
    auto found = on_server.find(it->uid);
    if (found == on_server.end()) {
      if (!it->leaving) {
        ++imap.removed;
        imap.gone.push_back({it->folder, it->subject, it->tracking_id});
      }
      it = messages.erase(it);
      continue;
    }
    DeviceMessage before = *it;
    set_flags_from_imap(*it, found->second);
    if (before.seen != it->seen || before.answered != it->answered || before.flagged != it->flagged ||
        before.deleted != it->deleted) {
      ++imap.flag_changes;
      imap.flag_changed_ids.push_back(it->local_id);
    }
    ++it;
  }
}

void MailClientService::imap_folder_listed(const std::shared_ptr<Imap>& imap, const std::string& folder,
                                           const imap::CommandCompletion& listed, const Done& then) {
  if (!listed.ok()) return then();
  std::map<std::uint32_t, std::vector<std::string>> on_server;
  for (const auto& line : listed.untagged)
    if (auto fetched = imap::read_fetch(line); fetched && fetched->uid && *fetched->uid)
      on_server[*fetched->uid] = fetched->flags.value_or(std::vector<std::string>{});
  imap_reconcile(*imap, folder, on_server);
  std::vector<std::uint32_t> wanted;
  for (const auto& [uid, flags] : on_server)
    if (!store_.find_imap(imap->account, folder, uid)) wanted.push_back(uid);
  if (wanted.empty()) return then();
  // BODY.PEEK[] so that downloading does not mark anything \Seen (RFC 3501 §6.4.5).
  imap->queue->command("UID FETCH " + imap::format_sequence_set(wanted) + " (UID FLAGS BODY.PEEK[])",
                       [this, imap, folder, then](const imap::CommandCompletion& fetched_all) {
                         imap_bodies_fetched(*imap, folder, fetched_all);
                         then();
                       });
  imap->pump();
}

// The new messages of `folder` into the device's store, counted in `imap` for the report.
void MailClientService::imap_bodies_fetched(Imap& imap, const std::string& folder,
                                            const imap::CommandCompletion& fetched_all) {
  for (const auto& line : fetched_all.untagged) {
    auto fetched = imap::read_fetch(line);
    if (!fetched || !fetched->uid || *fetched->uid == 0 || !fetched->body ||
        store_.find_imap(imap.account, folder, *fetched->uid))
      continue;
    DeviceMessage local;
    local.account = imap.account;
    local.folder = folder;
    local.uid = *fetched->uid;
    local.bytes = *fetched->body;
    local.arrived = host_->simulator().now();
    summarize_message(local);
    set_flags_from_imap(local, fetched->flags.value_or(std::vector<std::string>{}));
    const bool inbox = folder == "INBOX";
    if (inbox) {
      ++imap.new_in_inbox;
      imap.new_subjects.push_back(local.subject);
      imap.new_tracking_ids.push_back(local.tracking_id);
    } else {
      ++imap.new_elsewhere;
    }
    const std::uint64_t added = store_.add(std::move(local)).local_id;
    if (inbox) imap.new_inbox_ids.push_back(added);
  }
}

void MailClientService::imap_check(std::size_t account, Done done) {
  const std::string server = accounts_[account].incoming_server;
  narrate(TraceKind::note, "checking mail for " + accounts_[account].address + " with IMAP at " + server, server);
  auto report = std::make_shared<std::shared_ptr<Imap>>();
  imap_session(
      account,
      [this, report](std::shared_ptr<Imap> imap, Done finish) {
        *report = imap;
        // The folder list first: another device may have created folders (RFC 3501 §6.3.8).
        imap->queue->command("LIST \"\" \"*\"", [this, imap, finish](const imap::CommandCompletion& listed) {
          auto folders = std::make_shared<std::vector<std::string>>();
          folders->push_back("INBOX");
          for (const auto& line : listed.untagged)
            if (auto name = imap::read_list_name(line); name && imap::to_upper(*name) != "INBOX") folders->push_back(*name);
          for (const auto& name : *folders) store_.add_folder(name);
          // Sync them one after another: INBOX, then the rest in the server's order.
          // The step function holds itself only weakly; each pending step holds it strongly.
          auto next = std::make_shared<std::function<void(std::size_t)>>();
          std::weak_ptr<std::function<void(std::size_t)>> weak_next = next;
          *next = [this, imap, folders, finish, weak_next](std::size_t i) {
            if (i >= folders->size() || imap->queue->failed()) return finish();
            imap_sync_folder(imap, (*folders)[i], [next = weak_next.lock(), i] {
              if (next) (*next)(i + 1);
            });
          };
          (*next)(0);
        });
      },
      [this, account, report, done, server](bool ok) {
        if (ok && *report) {
          const Imap& imap = **report;
          std::string text = imap.new_in_inbox == 0 ? "no new messages in INBOX"
                                                    : plural(imap.new_in_inbox, "new message");
          if (!imap.new_subjects.empty()) {
            text += " (";
            for (std::size_t i = 0; i < imap.new_subjects.size(); ++i)
              text += (i ? ", '" : "'") + imap.new_subjects[i] + "'";
            text += ")";
          }
          if (imap.new_elsewhere) text += ", " + plural(imap.new_elsewhere, "message") + " new in other folders";
          if (imap.flag_changes) text += ", " + plural(imap.flag_changes, "flag change") + " from the server";
          if (imap.removed) text += ", " + std::to_string(imap.removed) + " gone from the server (deleted or moved elsewhere)";
          // One new message: the record joins that message's journey.
          const std::string tracking = imap.new_tracking_ids.size() == 1 ? imap.new_tracking_ids.front() : "";
          narrate(TraceKind::mail, text + " (IMAP sync; the messages stay on the server)", server, tracking);
        }
        *report = nullptr;
        // RFC 2177: an account set to `idle` now stays connected and waits for pushes.
        if (ok && accounts_[account].idle) idle_start(account);
        done();
      });
}

void MailClientService::imap_store_flag(std::size_t account, std::uint64_t local_id, std::string flag, Done done) {
  auto* message = store_.find(local_id);
  if (!message || message->uid == 0) return done();
  const std::string folder = message->folder;
  const std::uint32_t uid = message->uid;
  imap_session(
      account,
      [folder, uid, flag](std::shared_ptr<Imap> imap, Done finish) {
        imap->queue->command("SELECT " + imap::astring(folder), [imap, uid, flag, finish](const imap::CommandCompletion&) {
          imap->queue->command("UID STORE " + std::to_string(uid) + " +FLAGS (" + flag + ")",
                               [finish](const imap::CommandCompletion&) { finish(); });
          imap->pump();
        });
      },
      [this, local_id, flag, done](bool ok) {
        if (ok)
          if (auto* m = store_.find(local_id)) {
            if (flag == "\\Seen") m->seen = true;
            if (flag == "\\Answered") m->answered = true;
          }
        done();
      });
}

void MailClientService::imap_delete(std::size_t account, std::uint64_t local_id, Done done) {
  auto* message = store_.find(local_id);
  if (!message) return done();
  const std::string folder = message->folder, subject = message->subject, tracking = message->tracking_id;
  const std::uint32_t uid = message->uid;
  const std::string server = accounts_[account].incoming_server;
  message->leaving = true;
  imap_session(
      account,
      [folder, uid](std::shared_ptr<Imap> imap, Done finish) {
        imap->queue->command("SELECT " + imap::astring(folder), [imap, uid, finish](const imap::CommandCompletion&) {
          // RFC 3501 §6.4.6 and §6.4.3: mark, then expunge.
          imap->queue->command("UID STORE " + std::to_string(uid) + " +FLAGS (\\Deleted)", {});
          imap->queue->command("EXPUNGE", [finish](const imap::CommandCompletion&) { finish(); });
          imap->pump();
        });
      },
      [this, local_id, subject, folder, server, tracking, done](bool ok) {
        if (!ok)
          if (auto* still = store_.find(local_id)) still->leaving = false;
        if (ok) {
          store_.remove(local_id);
          narrate(TraceKind::mail, "deleted '" + subject + "' from " + folder +
                                       " on the server (IMAP \\Deleted + EXPUNGE): every device will see it gone",
                  server, tracking);
        }
        done();
      });
}

void MailClientService::imap_move(std::size_t account, std::uint64_t local_id, std::string target, Done done) {
  auto* message = store_.find(local_id);
  if (!message) return done();
  const std::string folder = message->folder, subject = message->subject, tracking = message->tracking_id;
  const std::uint32_t uid = message->uid;
  const std::string server = accounts_[account].incoming_server;
  const bool known = store_.folders().count(target) > 0;
  message->leaving = true;
  // What the server said to UID MOVE: the session can end "ok" with the move refused (NO).
  auto refusal = std::make_shared<std::optional<std::string>>();
  imap_session(
      account,
      [this, folder, uid, target, known, refusal](std::shared_ptr<Imap> imap, Done finish) {
        // A new folder is created first (RFC 3501 §6.3.3); an existing one answers NO, harmless.
        if (!known) imap->queue->command("CREATE " + imap::astring(target), {});
        imap->queue->command("SELECT " + imap::astring(folder), {});
        imap->queue->command("UID MOVE " + std::to_string(uid) + " " + imap::astring(target),
                             [this, imap, target, finish, refusal](const imap::CommandCompletion& moved) {
                               if (!moved.ok()) {
                                 *refusal = moved.status + " " + moved.text;
                                 return finish();
                               }
                               imap_sync_folder(imap, target, finish);
                             });
        imap->pump();
      },
      [this, local_id, subject, folder, target, server, tracking, refusal, done](bool ok) {
        if (!ok || *refusal) {
          if (auto* still = store_.find(local_id)) still->leaving = false;
          if (*refusal) problem("the server refused to move '" + subject + "' to " + target + ": " + **refusal, server);
          return done();
        }
        store_.remove(local_id);
        narrate(TraceKind::mail, "moved '" + subject + "' from " + folder + " to " + target +
                                     " on the server (IMAP MOVE): other devices see it there after their next sync",
                server, tracking);
        done();
      });
}

void MailClientService::imap_append_sent(std::size_t account, std::string bytes, Done done) {
  const std::string server = accounts_[account].incoming_server;
  imap_session(
      account,
      [this, bytes](std::shared_ptr<Imap> imap, Done finish) {
        // LITERAL+ (RFC 7888): the message follows at once, no continuation to wait for.
        imap->queue->command("APPEND Sent (\\Seen) {" + std::to_string(bytes.size()) + "+}\r\n" + bytes,
                             [this, imap, finish](const imap::CommandCompletion& appended) {
                               if (!appended.ok()) return finish();
                               imap_sync_folder(imap, "Sent", finish);
                             });
        imap->pump();
      },
      [this, server, done](bool ok) {
        if (ok) narrate(TraceKind::note, "saved a copy in Sent on the server (IMAP APPEND)", server);
        done();
      });
}

}  // namespace maillab::engine
