// A mail client (MUA) on one device — a laptop, a phone, a webmail server (service kind
// "mail-client"). It holds one or more accounts and a local store of what the device shows, and
// performs what a person does, one operation at a time, in the order asked:
//
//   check_mail   POP3: download new messages (then delete them on the server, or leave a copy);
//                IMAP: LIST the folders, then for each folder SELECT, UID FETCH 1:* (UID FLAGS)
//                to learn flags and removals, UID FETCH the new ones (BODY.PEEK[] keeps \Seen off)
//   read         marks the message read here; with IMAP also on the server (UID STORE +FLAGS \Seen)
//   reply        "Re:", In-Reply-To/References, quoted text; forward: "Fwd:" and the original
//   compose      a new message; all three are submitted on port 587 with AUTH (RFC 6409) and a
//                copy kept in Sent (IMAP APPEND to the server's Sent; POP3: on this device only)
//   delete       POP3: this device only; IMAP: \Deleted + EXPUNGE on the server
//   move         IMAP: UID MOVE (RFC 6851) to another folder, created if needed
//
// Every IMAP operation opens its own connection (log in, work, LOGOUT), so the trace shows each
// step clearly. An account with `idle` set (push, like a phone or Thunderbird) also keeps one
// connection open after its first check_mail: SELECT INBOX, then IDLE (RFC 2177); when the
// server pushes EXISTS / EXPUNGE / FETCH it sends DONE, syncs INBOX the way check_mail does,
// tells what changed, and goes back to IDLE; it re-issues IDLE every 29 minutes and reconnects
// with back-off (30 s, doubling, at most 10 min) when the connection is lost. A device crash
// drops that connection; after a restart it is opened again by the next check_mail
// (mail_client_idle.cpp). The protocol lines are traced by the servers; the client adds `mail` and `note`
// records a student can read ("bob-phone: 2 new messages").
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/hosts/client/compose.h"
#include "engine/hosts/client/device_store.h"
#include "engine/hosts/mail_ledger.h"
#include "engine/net/host.h"

namespace maillab::imap {
struct CommandCompletion;
}  // namespace maillab::imap

namespace maillab::engine {

struct ClientAccount {
  enum class Incoming { pop3, imap };
  std::string address;         // bob@example.org
  std::string display_name;    // "Bob" (optional)
  std::string user;            // POP3/IMAP login name; the local part when empty
  std::string password;
  std::string smtp_user;       // AUTH name on 587; `user` when empty
  std::string smtp_server;     // host name, for narration
  Endpoint smtp{0, 587};
  // A mail program's "connection security" (Thunderbird's words): TLS from the first byte
  // (`*_tls`: 465, 993, 995), else STARTTLS (RFC 3207, RFC 2595 §4, RFC 3501 §6.2.1) before the
  // password goes out, and no login at all when the server offers none; `*_plaintext` (scenario
  // `security: none`) sends the password in the clear and never asks for TLS.
  bool smtp_tls = false;
  bool smtp_plaintext = false;
  Incoming incoming = Incoming::imap;
  std::string incoming_server;
  Endpoint incoming_endpoint{0, 143};
  bool incoming_tls = false;
  bool incoming_plaintext = false;
  bool pop3_keep = false;      // POP3 "leave a copy on the server"
  bool idle = false;           // IMAP: stay connected after check_mail and get new mail pushed (IDLE)

  std::string login() const;
  std::string submission_login() const;
};

class MailClientService : public Service {
 public:
  // With a ledger, each message sent takes its tracking id when it is submitted
  // (MailLedger::reserve), so this device's records join the message's journey.
  explicit MailClientService(std::vector<ClientAccount> accounts, MailLedger* ledger = nullptr);
  ~MailClientService() override;
  std::string_view kind() const override { return "mail-client"; }
  void start(Host& host) override { host_ = &host; }
  void on_crash() override;  // in-flight work is lost; what is stored on the device stays

  // ---- what a person does (queued; each runs when the previous one has finished) ----
  void check_mail(std::optional<std::size_t> account = std::nullopt);
  void read(std::string subject, std::string folder = {});
  void reply(std::string subject, std::string body, bool reply_all = false);
  void forward(std::string subject, std::vector<std::string> to, std::string body);
  void compose(std::vector<std::string> to, std::string subject, std::string body, std::size_t account = 0);
  void remove(std::string subject, std::string folder = {});
  void move(std::string subject, std::string folder, std::string from = {});

  // ---- what it has ----
  const std::vector<ClientAccount>& accounts() const { return accounts_; }
  // For loaders that resolve server names once every host exists.
  std::vector<ClientAccount>& mutable_accounts() { return accounts_; }
  const DeviceStore& store() const { return store_; }
  DeviceStore& store() { return store_; }
  bool busy() const { return running_ || !pending_.empty(); }
  std::uint64_t messages_submitted() const { return submitted_; }
  const std::vector<std::string>& problems() const { return problems_; }  // failed operations
  std::optional<std::size_t> account_index(const std::string& address) const;
  std::string device() const;
  // The account's IDLE connection is open and the server has said "+ idling".
  bool idling(std::size_t account = 0) const;

 private:
  struct Imap;      // mail_client_imap.h
  struct IdleLink;  // mail_client_idle.cpp
  using Done = std::function<void()>;

  void enqueue(std::function<void(Done)> operation);
  void run_next();
  // A trace record about this device's mail; `tracking_id` links it to one message's journey.
  void narrate(TraceKind kind, const std::string& text, const std::string& peer = {},
               const std::string& tracking_id = {});
  void problem(const std::string& text, const std::string& peer = {}, const std::string& tracking_id = {});

  // ---- POP3 and SMTP (mail_client_service.cpp) ----
  void pop3_check(std::size_t account, Done done);
  void submit(std::size_t account, std::string bytes, std::vector<std::string> recipients, std::string subject,
              std::function<void(bool)> done);
  void send_composed(std::size_t account, Composed composed, std::optional<std::uint64_t> answered, Done done);
  // With `tls`, RFC 8314 implicit TLS: the certificate must verify for `server_name`.
  void connect(Endpoint to, const std::string& server_name, bool tls,
               std::function<void(std::shared_ptr<StreamConnection>)> connected,
               std::function<void(const std::string&)> failed);
  DeviceMessage* find_or_complain(const std::string& verb, const std::string& subject, const std::string& folder);

  // ---- IMAP (mail_client_imap.cpp) ----
  // Connects and queues LOGIN; `opened` once connected (commands may be queued at once);
  // `broken(imap, why)` when the runner fails or the connection closes before `finished` is set;
  // `unreachable` when no connection could be made.
  // Feeds `connection` to the IMAP session and back; moves to TLS when the session asks (STARTTLS).
  void imap_attach(const std::shared_ptr<Imap>& imap, const std::shared_ptr<StreamConnection>& connection,
                   std::function<void(std::shared_ptr<Imap>, std::string)> broken);
  void imap_connect(std::size_t account, std::function<void(std::shared_ptr<Imap>)> opened,
                    std::function<void(std::shared_ptr<Imap>, std::string)> broken,
                    std::function<void(const std::string&)> unreachable);
  // Connects and logs in, runs `work`, then LOGOUT; `finished(ok)` once in every case.
  void imap_session(std::size_t account, std::function<void(std::shared_ptr<Imap>, Done)> work,
                    std::function<void(bool)> finished);
  void imap_check(std::size_t account, Done done);
  void imap_sync_folder(std::shared_ptr<Imap> imap, std::string folder, Done then);
  // imap_sync_folder's steps, one per command answered.
  void imap_folder_selected(const std::shared_ptr<Imap>& imap, const std::string& folder,
                            const imap::CommandCompletion& selected, const Done& then);
  void imap_folder_listed(const std::shared_ptr<Imap>& imap, const std::string& folder,
                          const imap::CommandCompletion& listed, const Done& then);
  void imap_reconcile(Imap& imap, const std::string& folder,
                      const std::map<std::uint32_t, std::vector<std::string>>& on_server);
  void imap_bodies_fetched(Imap& imap, const std::string& folder, const imap::CommandCompletion& fetched_all);
  void imap_store_flag(std::size_t account, std::uint64_t local_id, std::string flag, Done done);
  void imap_delete(std::size_t account, std::uint64_t local_id, Done done);
  void imap_move(std::size_t account, std::uint64_t local_id, std::string folder, Done done);
  void imap_append_sent(std::size_t account, std::string bytes, Done done);

  // ---- IMAP IDLE, push (mail_client_idle.cpp) ----
  void idle_start(std::size_t account);
  void idle_connect(const std::shared_ptr<IdleLink>& link);
  void idle_sync(const std::shared_ptr<IdleLink>& link, const std::string& source);
  void idle_enter(const std::shared_ptr<IdleLink>& link);
  void idle_untagged(const std::shared_ptr<IdleLink>& link, const std::string& line);
  void idle_lost(const std::shared_ptr<IdleLink>& link, const std::string& why);
  void idle_stop(IdleLink& link);
  void idle_report(const Imap& imap, const std::string& source);
  void idle_timer(const std::shared_ptr<IdleLink>& link, Time delay, std::function<void()> action);
  // A crash (the connections are gone, and so is the wish to idle) or the end of the service;
  // its timers find the service gone by themselves, the simulator may be gone first.
  void drop_idle_links(bool cancel_timers = true);

  std::vector<ClientAccount> accounts_;
  Host* host_ = nullptr;
  MailLedger* ledger_ = nullptr;
  DeviceStore store_;
  std::deque<std::function<void(Done)>> pending_;
  bool running_ = false;
  std::uint64_t generation_ = 0;  // bumped by a crash: callbacks from before it are ignored
  std::uint64_t compose_counter_ = 0;
  std::uint64_t submitted_ = 0;
  std::vector<std::string> problems_;
  std::map<std::string, std::set<std::string>> pop3_known_uidls_;          // per account address
  std::map<std::pair<std::size_t, std::string>, std::uint32_t> uid_validity_;  // (account, folder)
  std::map<std::size_t, std::shared_ptr<IdleLink>> idle_links_;                 // per account
  std::shared_ptr<MailClientService*> self_;
};

}  // namespace maillab::engine
