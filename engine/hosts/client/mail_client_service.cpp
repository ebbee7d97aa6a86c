#include "engine/hosts/client/mail_client_service.h"

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/hosts/mailbox/mailbox_trace.h"
#include "engine/hosts/tls/tls_stream.h"
#include "protocols/mail/message.h"
#include "protocols/pop3/client_session.h"
#include "protocols/smtp/client_session.h"

namespace maillab::engine {
namespace {

// Feeds a connection's bytes to a job's sans-I/O session and tells the session when the
// connection closes; `pump` sends what the session wrote, `finish` ends the job. Once the job
// is finished, late bytes and closes are ignored.
template <typename Job, typename Pump, typename Finish, typename Closed>
void attach_session(const std::shared_ptr<Job>& job, const std::shared_ptr<StreamConnection>& connection, Pump pump,
                    Finish finish, Closed session_closed) {
  job->connection = connection;
  connection->on_data = [job, pump](std::string_view bytes) {
    if (job->finished) return;
    job->session->handle_bytes(bytes);
    pump();
  };
  connection->on_closed = [job, pump, finish, session_closed](CloseReason) {
    if (job->finished) return;
    session_closed();
    pump();
    finish();
  };
}

// STARTTLS for a job (SMTP RFC 3207 §4, POP3 STLS RFC 2595 §4): a TLS stream over the job's
// connection that checks the certificate for `server`; the session hears how the handshake
// ended, and the job goes on over the stream.
template <typename Job, typename Pump, typename Finish, typename Closed>
void start_job_tls(Host& host, const std::shared_ptr<Job>& job, const std::string& server, Pump pump, Finish finish,
                   Closed session_closed) {
  auto stream = TlsStream::client(host, job->connection, {server, true});
  stream->on_established = [job, pump](const tls::HandshakeDone&) {
    if (job->finished) return;
    job->session->handle_tls_established();
    pump();
  };
  stream->on_failed = [job, pump](const std::string& reason) {
    if (job->finished) return;
    job->session->handle_tls_failed(reason);
    pump();
  };
  attach_session(job, stream, pump, finish, session_closed);
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string quoted_subject(const std::string& subject) { return "'" + subject + "'"; }

}  // namespace

std::string ClientAccount::login() const {
  return !user.empty() ? user : address.substr(0, address.rfind('@'));
}
std::string ClientAccount::submission_login() const { return !smtp_user.empty() ? smtp_user : login(); }

MailClientService::MailClientService(std::vector<ClientAccount> accounts, MailLedger* ledger)
    : accounts_(std::move(accounts)), ledger_(ledger), self_(std::make_shared<MailClientService*>(this)) {}

MailClientService::~MailClientService() {
  *self_ = nullptr;
  drop_idle_links(false);
}

std::string MailClientService::device() const { return host_ ? host_->name() : "device"; }

std::optional<std::size_t> MailClientService::account_index(const std::string& address) const {
  for (std::size_t i = 0; i < accounts_.size(); ++i)
    if (accounts_[i].address == address) return i;
  return std::nullopt;
}

void MailClientService::narrate(TraceKind kind, const std::string& text, const std::string& peer,
                                const std::string& tracking_id) {
  if (host_) record_mail_access(*host_, kind, host_->name(), peer, {}, host_->name() + ": " + text, 0, tracking_id);
}

void MailClientService::problem(const std::string& text, const std::string& peer, const std::string& tracking_id) {
  problems_.push_back(text);
  narrate(TraceKind::note, text, peer, tracking_id);
}

// ---- the operation queue ------------------------------------------------------------------------

void MailClientService::enqueue(std::function<void(Done)> operation) {
  pending_.push_back(std::move(operation));
  if (!running_) run_next();
}

void MailClientService::run_next() {
  if (pending_.empty() || !host_) {
    running_ = false;
    return;
  }
  running_ = true;
  auto operation = std::move(pending_.front());
  pending_.pop_front();
  const std::uint64_t generation = generation_;
  std::weak_ptr<MailClientService*> weak = self_;
  // `done` may be called from deep inside a connection callback: continue from a fresh event.
  operation([this, weak, generation, called = std::make_shared<bool>(false)] {
    if (*called) return;
    *called = true;
    auto self = weak.lock();
    if (!self || !*self || generation != generation_) return;
    host_->simulator().schedule_in(0, [this, weak, generation] {
      auto alive = weak.lock();
      if (alive && *alive && generation == generation_) run_next();
    });
  });
}

void MailClientService::on_crash() {
  ++generation_;
  pending_.clear();
  running_ = false;
  drop_idle_links();
}

void MailClientService::connect(Endpoint to, const std::string& server_name, bool tls,
                                std::function<void(std::shared_ptr<StreamConnection>)> connected,
                                std::function<void(const std::string&)> failed) {
  const std::uint64_t generation = generation_;
  std::weak_ptr<MailClientService*> weak = self_;
  auto live = [this, weak, generation] {
    auto self = weak.lock();
    return self && *self && generation == generation_;
  };
  host_->connect(to, ConnectHandlers{
                         [this, live, tls, server_name, connected](std::shared_ptr<StreamConnection> connection) {
                           if (!live()) return connection->abort();
                           // RFC 8314 implicit TLS; a mail program checks the certificate (§4.1 of
                           // RFC 7817) and hangs up when it does not verify.
                           if (tls) connection = TlsStream::client(*host_, std::move(connection), {server_name, true});
                           connected(std::move(connection));
                         },
                         [live, failed](ConnectError error) {
                           if (live()) failed(std::string(to_string(error)));
                         }});
}

DeviceMessage* MailClientService::find_or_complain(const std::string& verb, const std::string& subject,
                                                    const std::string& folder) {
  auto* message = store_.find_by_subject(subject, folder);
  if (!message)
    problem("cannot " + verb + " " + quoted_subject(subject) + ": this device shows no such message" +
            (folder.empty() ? "" : " in " + folder));
  return message;
}

// ---- operations -----------------------------------------------------------------------------

void MailClientService::check_mail(std::optional<std::size_t> account) {
  for (std::size_t i = 0; i < accounts_.size(); ++i) {
    if (account && *account != i) continue;
    enqueue([this, i](Done done) {
      if (accounts_[i].incoming == ClientAccount::Incoming::pop3) pop3_check(i, std::move(done));
      else imap_check(i, std::move(done));
    });
  }
}

void MailClientService::read(std::string subject, std::string folder) {
  enqueue([this, subject, folder](Done done) {
    auto* message = find_or_complain("read", subject, folder);
    if (!message) return done();
    const bool was_seen = message->seen;
    message->seen = true;
    const auto& account = accounts_[message->account];
    if (account.incoming == ClientAccount::Incoming::pop3 || message->uid == 0) {
      narrate(TraceKind::mail, "opened " + quoted_subject(subject) + " from " + message->from_address +
                                   " (marked read on this device only: POP3 keeps no flags on the server)",
              {}, message->tracking_id);
      return done();
    }
    narrate(TraceKind::mail, "opened " + quoted_subject(subject) + " from " + message->from_address +
                                 (was_seen ? " (already read)" : "; telling the IMAP server it is \\Seen"),
            account.incoming_server, message->tracking_id);
    imap_store_flag(message->account, message->local_id, "\\Seen", std::move(done));
  });
}

void MailClientService::reply(std::string subject, std::string body, bool reply_all) {
  enqueue([this, subject, body, reply_all](Done done) {
    auto* original = find_or_complain("reply to", subject, {});
    if (!original) return done();
    const std::size_t account = original->account;
    Composer composer{accounts_[account].display_name.empty()
                          ? accounts_[account].address
                          : accounts_[account].display_name + " <" + accounts_[account].address + ">",
                      device(), accounts_[account].address.substr(accounts_[account].address.rfind('@') + 1),
                      host_->simulator().wall_clock_seconds(host_->simulator().now()), ++compose_counter_};
    auto composed = compose_reply(composer, *original, body, reply_all, accounts_[account].address);
    send_composed(account, std::move(composed), original->local_id, std::move(done));
  });
}

void MailClientService::forward(std::string subject, std::vector<std::string> to, std::string body) {
  enqueue([this, subject, to, body](Done done) {
    auto* original = find_or_complain("forward", subject, {});
    if (!original) return done();
    const std::size_t account = original->account;
    Composer composer{accounts_[account].address, device(),
                      accounts_[account].address.substr(accounts_[account].address.rfind('@') + 1),
                      host_->simulator().wall_clock_seconds(host_->simulator().now()), ++compose_counter_};
    if (!accounts_[account].display_name.empty())
      composer.from = accounts_[account].display_name + " <" + accounts_[account].address + ">";
    send_composed(account, compose_forward(composer, *original, to, body), std::nullopt, std::move(done));
  });
}

void MailClientService::compose(std::vector<std::string> to, std::string subject, std::string body, std::size_t account) {
  enqueue([this, to, subject, body, account](Done done) {
    Composer composer{accounts_[account].address, device(),
                      accounts_[account].address.substr(accounts_[account].address.rfind('@') + 1),
                      host_->simulator().wall_clock_seconds(host_->simulator().now()), ++compose_counter_};
    if (!accounts_[account].display_name.empty())
      composer.from = accounts_[account].display_name + " <" + accounts_[account].address + ">";
    send_composed(account, compose_new(composer, to, subject, body), std::nullopt, std::move(done));
  });
}

void MailClientService::remove(std::string subject, std::string folder) {
  enqueue([this, subject, folder](Done done) {
    auto* message = find_or_complain("delete", subject, folder);
    if (!message) return done();
    const auto& account = accounts_[message->account];
    if (account.incoming == ClientAccount::Incoming::pop3 || message->uid == 0) {
      narrate(TraceKind::mail, "deleted " + quoted_subject(subject) +
                                   " on this device only (POP3: the server is not told; other devices keep theirs)",
              {}, message->tracking_id);
      store_.remove(message->local_id);
      return done();
    }
    imap_delete(message->account, message->local_id, std::move(done));
  });
}

void MailClientService::move(std::string subject, std::string folder, std::string from) {
  enqueue([this, subject, folder, from](Done done) {
    auto* message = find_or_complain("move", subject, from);
    if (!message) return done();
    const auto& account = accounts_[message->account];
    if (account.incoming == ClientAccount::Incoming::pop3 || message->uid == 0) {
      narrate(TraceKind::mail, "moved " + quoted_subject(subject) + " to " + folder +
                                   " on this device only (POP3 knows only the server's INBOX)",
              {}, message->tracking_id);
      message->folder = folder;
      store_.add_folder(folder);
      return done();
    }
    imap_move(message->account, message->local_id, folder, std::move(done));
  });
}

// ---- POP3 ---------------------------------------------------------------------------------------

namespace {
struct Pop3Job {
  std::unique_ptr<pop3::ClientSession> session;
  std::shared_ptr<StreamConnection> connection;
  std::function<void()> start_tls;  // set once connected (it holds the job: cleared at the end)
  std::size_t downloaded = 0;
  bool finished = false;
};
}  // namespace

void MailClientService::pop3_check(std::size_t index, Done done) {
  const ClientAccount& account = accounts_[index];
  pop3::ClientOptions options;
  options.user = account.login();
  options.password = account.password;
  options.delete_after_download = !account.pop3_keep;
  options.known_uidls = pop3_known_uidls_[account.address];
  options.starttls = !account.incoming_tls && !account.incoming_plaintext;
  auto job = std::make_shared<Pop3Job>();
  job->session = std::make_unique<pop3::ClientSession>(std::move(options));
  const std::string server = account.incoming_server;
  narrate(TraceKind::note, "checking mail for " + account.address + " with POP3 at " + server, server);

  auto finish = [this, index, job, done, server] {
    if (job->finished) return;
    job->finished = true;
    const ClientAccount& account = accounts_[index];
    if (job->session->failed()) {
      problem("POP3 check for " + account.address + " failed: " + job->session->error(), server);
    } else if (job->downloaded == 0) {
      narrate(TraceKind::mail, "no new messages (POP3)", server);
    } else {
      narrate(TraceKind::mail,
              account.pop3_keep ? "downloaded " + plural(job->downloaded, "new message") +
                                      " and left a copy on the server (POP3, keep mode)"
                                : "downloaded and deleted " + plural(job->downloaded, "message") +
                                      " from the server (POP3)",
              server);
    }
    pop3_known_uidls_[account.address] = job->session->known_uidls();
    job->start_tls = nullptr;
    if (job->connection && job->connection->is_open()) job->connection->close();
    done();
  };
  auto pump = [this, index, job, finish] {
    if (!job->connection) return;
    std::string out = job->session->poll_output();
    if (!out.empty() && job->connection->is_open()) job->connection->send(out);
    while (job->session->poll_event()) {
    }
    if (job->session->take_tls_request() && job->start_tls) {
      auto start_tls = job->start_tls;  // a copy: finish() may let go of the job's
      start_tls();
    }
    while (auto message = job->session->poll_message()) {
      DeviceMessage local;
      local.account = index;
      local.folder = "INBOX";
      local.uidl = message->uidl;
      local.bytes = std::move(message->bytes);
      local.arrived = host_->simulator().now();
      summarize_message(local);
      ++job->downloaded;
      narrate(TraceKind::mail, "new message " + quoted_subject(local.subject) + " from " + local.from_address,
              accounts_[index].incoming_server, local.tracking_id);
      store_.add(std::move(local));
    }
    if (job->session->finished()) finish();
  };
  connect(
      account.incoming_endpoint, account.incoming_server, account.incoming_tls,
      [this, job, pump, finish, server](std::shared_ptr<StreamConnection> connection) {
        // RFC 2595 §4: STLS, then the handshake on the same connection; USER waits for it.
        job->start_tls = [this, job, pump, finish, server] {
          start_job_tls(*host_, job, server, pump, finish, [job] { job->session->handle_close(); });
        };
        attach_session(job, connection, pump, finish, [job] { job->session->handle_close(); });
      },
      [this, index, done, server](const std::string& error) {
        problem("cannot reach " + server + " for POP3 (" + error + ")", server);
        (void)index;
        done();
      });
}

// ---- SMTP submission ------------------------------------------------------------------------------

namespace {
struct SmtpJob {
  std::unique_ptr<smtp::ClientSession> session;
  std::shared_ptr<StreamConnection> connection;
  std::function<void()> start_tls;  // set once connected (it holds the job: cleared at the end)
  bool finished = false;
};
}  // namespace

void MailClientService::submit(std::size_t index, std::string bytes, std::vector<std::string> recipients,
                               std::string subject, std::function<void(bool)> done) {
  const ClientAccount& account = accounts_[index];
  smtp::ClientOptions options;
  options.hostname = device();
  options.use_starttls = !account.smtp_plaintext;
  // No STARTTLS on offer: the password stays home (RFC 8314 §4.1), unless told otherwise.
  options.require_tls = !account.smtp_tls && !account.smtp_plaintext;
  options.tls_active = account.smtp_tls;
  options.server_name = account.smtp_server;
  options.verify_certificate = true;  // a mail program checks who it gives its password to
  options.auth_user = account.submission_login();
  options.auth_password = account.password;
  smtp::Envelope envelope{account.address, recipients};
  std::string tracking;
  if (ledger_) {
    tracking = ledger_->reserve();
    bytes = mail::prepend_header(bytes, tracking_header, tracking);
  }
  auto job = std::make_shared<SmtpJob>();
  job->session = std::make_unique<smtp::ClientSession>(options, envelope, std::move(bytes));
  const std::string server = account.smtp_server;
  std::string to_text;
  for (const auto& r : recipients) to_text += (to_text.empty() ? "" : ", ") + r;

  auto finish = [this, job, done, server, subject, to_text, tracking] {
    if (job->finished) return;
    job->finished = true;
    job->start_tls = nullptr;
    if (job->connection && job->connection->is_open()) job->connection->close();
    const auto& result = job->session->result();
    const bool ok = result.outcome == smtp::DeliveryOutcome::delivered;
    if (ok) {
      ++submitted_;
      narrate(TraceKind::mail, "sent " + quoted_subject(subject) + " to " + to_text + " via " + server + " (port 587)",
              server, tracking);
      for (const auto& r : job->session->recipients())
        if (r.status != smtp::RecipientStatus::delivered)
          problem("the server refused recipient " + r.address + ": " + r.reason, server, tracking);
    } else {
      problem("could not send " + quoted_subject(subject) + ": " +
                  (result.reason.empty() ? std::string(smtp::to_string(result.outcome)) : result.reason),
              server, tracking);
    }
    done(ok);
  };
  auto pump = [job, finish] {
    if (!job->connection) return;
    while (true) {
      std::string out = job->session->poll_output();
      if (!out.empty() && job->connection->is_open()) job->connection->send(out);
      auto event = job->session->poll_event();
      if (!event) break;
      if (std::holds_alternative<smtp::StartTlsRequested>(*event) && job->start_tls) {
        auto start_tls = job->start_tls;  // a copy: finish() may let go of the job's
        start_tls();
      }
    }
    if (job->session->finished()) finish();
  };
  narrate(TraceKind::note, "submitting " + quoted_subject(subject) + " to " + server + " with AUTH as " +
                               account.submission_login(),
          server, tracking);
  connect(
      account.smtp, account.smtp_server, account.smtp_tls,
      [this, job, pump, finish, server](std::shared_ptr<StreamConnection> connection) {
        // RFC 3207 §4: the handshake on the same connection; EHLO again once it is done. The
        // job holds this until it finishes (finish() lets go of it).
        job->start_tls = [this, job, pump, finish, server] {
          start_job_tls(*host_, job, server, pump, finish, [job] { job->session->handle_close(); });
        };
        attach_session(job, connection, pump, finish, [job] { job->session->handle_close(); });
        pump();
      },
      [this, done, server, tracking](const std::string& error) {
        problem("cannot reach " + server + " on the submission port (" + error + ")", server, tracking);
        done(false);
      });
}

void MailClientService::send_composed(std::size_t account, Composed composed, std::optional<std::uint64_t> answered,
                                      Done done) {
  const std::string bytes = composed.bytes;
  const std::string subject = composed.subject;
  submit(account, composed.bytes, composed.recipients, composed.subject,
         [this, account, bytes, subject, answered, done](bool ok) {
           if (!ok) return done();
           const ClientAccount& acct = accounts_[account];
           if (acct.incoming == ClientAccount::Incoming::pop3) {
             // POP3 has no Sent folder on the server: the copy lives on this device only.
             DeviceMessage copy;
             copy.account = account;
             copy.folder = "Sent";
             copy.bytes = bytes;
             copy.seen = true;
             copy.arrived = host_->simulator().now();
             summarize_message(copy);
             store_.add(std::move(copy));
             if (answered)
               if (auto* original = store_.find(*answered)) original->answered = true;
             narrate(TraceKind::note, "kept a copy of " + quoted_subject(subject) + " in Sent on this device (POP3)");
             return done();
           }
           // IMAP: the copy goes to the server's Sent folder, so every device sees it; and the
           // original is flagged \Answered there.
           imap_append_sent(account, bytes, [this, account, answered, done] {
             if (!answered) return done();
             imap_store_flag(account, *answered, "\\Answered", done);
           });
         });
}

}  // namespace maillab::engine
