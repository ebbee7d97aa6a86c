// The MTA (kind "mta"): an SMTP server on ports 25 (relay, RFC 5321), 587 (submission with AUTH,
// RFC 6409/4954) and 465 (implicit TLS, RFC 8314, simulated), a delivery queue with Postfix-style
// retries, local delivery into the host's MailboxService (the MDA), relaying to other domains
// by their MX records (RFC 5321 §5.1), RFC 3464 bounces and delay warnings.
//
// Who may send what (the relay rules of every real MTA):
//   - anyone may send to our own domains (the MailboxService's, or `domains`) and to
//     `relay_domains` (we are their backup MX: queue and forward);
//   - authenticated users (mailbox users of this host, or `credentials`) may send anywhere;
//   - anything else is relaying for strangers: 554 5.7.1 relay access denied.
//
// Conservation: every message is counted in the World's MailLedger from its first acceptance
// (submission, or port 25 from a client that is not one of our MTAs) to its final fate. The
// ledger id travels between our MTAs in an `X-Maillab-Id:` header — a simulator artefact, not a
// real header: it lets the next MTA know which ledger entry it is carrying. It is kept in the
// delivered message so students can see it (and is trusted only from a peer that runs an MTA,
// or when the ledger confirms it reserved the id for the simulated client that sent it).
//
// Files: mta_service.cpp (life cycle, queue runner, accessors), mta_acceptance.cpp (the verdicts
// at MAIL/RCPT/DATA and taking a message into the queue), mta_delivery.cpp (local delivery,
// MX routing and relaying, deferral, expiry, delay warnings and bounces).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/hosts/command_rate.h"
#include "engine/core/rng.h"
#include "engine/hosts/dns/stub_resolver.h"
#include "engine/hosts/mail/delivery_queue.h"
#include "engine/hosts/mail/mta_config.h"
#include "engine/hosts/mail/mta_policy.h"
#include "engine/hosts/mail/smtp_client_adapter.h"
#include "engine/hosts/mail/smtp_server_adapter.h"
#include "engine/hosts/mail_ledger.h"
#include "engine/net/host.h"
#include "protocols/mail/delivery_status.h"
#include "protocols/store/message_bytes.h"

namespace maillab::engine {

class MailboxService;
struct LocalDelivery;

class MtaService : public Service {
 public:
  MtaService(MtaConfig config, MailLedger& ledger);
  ~MtaService() override;

  std::string_view kind() const override { return "mta"; }
  void start(Host& host) override;
  void on_crash() override;
  // Teardown: delivery attempts still running are let go (a job and its attempt hold each other).
  void stop() override;
  void on_restart() override;

  // --- setup (before the run) ---
  MtaConfig& config() { return config_; }
  const MtaConfig& config() const { return config_; }
  // Policies run in the order added: check_mail_from at MAIL, check_message at the end of DATA,
  // prepare_outgoing once per queue entry before it is relayed. See mta_policy.h.
  void add_policy(std::shared_ptr<MtaPolicy> policy) { policies_.push_back(std::move(policy)); }
  // `set:` turning a check off: checks already running hold their own copy of the list and finish.
  void remove_policy(const MtaPolicy* policy) {
    std::erase_if(policies_, [policy](const std::shared_ptr<MtaPolicy>& held) { return held.get() == policy; });
  }
  const std::vector<std::shared_ptr<MtaPolicy>>& policies() const { return policies_; }
  // SMTP connections opened from now are held to `rate` (engine/hosts/command_rate.h).
  void set_command_rate(const CommandRate& rate) { command_rate_ = rate; }
  const CommandRate& command_rate() const { return command_rate_; }

  // --- during the run (a scenario's `set:`) ---
  // Takes new settings: listeners open and close to match (a closed port refuses new
  // connections; sessions already running keep theirs), new sessions and queue runs use the rest.
  // Returns what changed beyond the settings themselves ("port 25 closed"), for the trace.
  std::vector<std::string> apply_config(MtaConfig next);

  // --- what it is ---
  Host* host() const { return host_; }
  const std::string& hostname() const { return config_.hostname; }
  std::vector<std::string> domains() const;  // final destinations (lowercase)
  bool is_local_domain(std::string_view domain) const;
  bool is_relay_domain(std::string_view domain) const;
  MailboxService* mailboxes() const;
  // The host's stub resolver. Give one that outlives the host's transport (the scenario loader
  // passes the World's); without one the MTA makes its own at the first lookup.
  void set_resolver(StubResolver* resolver) { resolver_ = resolver; }
  StubResolver& resolver();
  bool check_credentials(std::string_view user, std::string_view password) const;

  // --- inspectors ---
  const DeliveryQueue& queue() const { return queue_; }
  struct QueueItem {
    std::string queue_id, ledger_id, sender, destination;  // destination: domain, or "local"
    std::vector<std::string> recipients;                   // still pending
    int attempts = 0;
    Time arrived = 0, next_attempt = 0;
    bool in_flight = false;
    std::string last_error;
  };
  std::vector<QueueItem> queue_contents() const;
  struct Rejection {
    Time when = 0;
    std::string client;  // host name of the client
    std::string stage;   // "MAIL FROM", "RCPT TO", "end of DATA"
    smtp::Reply reply;
  };
  const std::vector<Rejection>& rejections() const { return rejections_; }
  std::uint64_t delivered_count() const { return delivered_count_; }
  std::uint64_t relayed_count() const { return relayed_count_; }
  std::uint64_t bounced_count() const { return bounced_count_; }
  std::uint64_t delay_warning_count() const { return delay_warning_count_; }  // "delayed" DSNs sent

  // Takes a message into the queue as if accepted now (for tests and for services on this host).
  // Returns the ledger id: `ledger_id` if given, else a new ledger entry.
  std::string inject(std::string sender, std::vector<std::string> recipients, std::string message,
                     std::string ledger_id = {});

  // --- called by SmtpServerConnection (smtp_server_adapter.cpp) ---
  void verdict_sender(SmtpServerConnection& connection, const smtp::SenderVerdictNeeded& request,
                      std::function<void(smtp::Reply)> decide);
  void verdict_recipient(SmtpServerConnection& connection, const smtp::RecipientVerdictNeeded& request,
                         std::function<void(smtp::Reply)> decide);
  void verdict_message(SmtpServerConnection& connection, const smtp::MessageVerdictNeeded& request,
                       std::function<void(smtp::Reply)> decide);
  void message_accepted(SmtpServerConnection& connection, const smtp::MessageAccepted& accepted);
  // A refusal we gave; `copies` recipient copies of a message that was never accepted.
  void note_rejection(SmtpServerConnection& connection, std::string stage, const smtp::Reply& reply,
                      std::size_t copies);
  void connection_closed(std::uint64_t id);

 private:
  // mta_service.cpp
  void listen_on(std::uint16_t port, smtp::ServerMode mode);
  std::map<std::uint16_t, smtp::ServerMode> listeners() const;  // what config_ says to listen on
  smtp::ServerOptions server_options(smtp::ServerMode mode) const;
  void schedule_queue_run();
  void run_queue();

  // mta_acceptance.cpp
  // MAIL FROM after the sender-domain check: the policies' check_mail_from in turn.
  void check_sender_policies(SmtpServerConnection& connection, const smtp::SenderVerdictNeeded& request,
                             std::function<void(smtp::Reply)> decide);
  // End of DATA, before the policies: a refusal for a looping message or one no local mailbox
  // has room for; nothing when the policies may go on.
  std::optional<smtp::Reply> refuse_before_policies(const smtp::MessageVerdictNeeded& request,
                                                    const mail::HeaderIndex& fields);
  // The checks passed: their header fields and folder kept for message_accepted, a queue id
  // reserved; the 250 that says so.
  smtp::Reply queue_checked_message(SmtpServerConnection& connection, std::vector<PolicyVerdict>& verdicts);
  // An accepted message being made ready for the queue: the fields this server adds collect in
  // `above`, each on top of the last (as prepending it would put it), and go in front of `below`
  // once; prepending them one by one copied the whole message per field.
  struct Stamped {
    std::string above;
    // The received text (the event's), or below_without_tracking when a tracking field was cut.
    std::string_view below;
    std::string below_without_tracking;
    std::optional<std::string> subject;  // read from `below` in the one parse it gets
    bool has_date = false, has_message_id = false;
    void prepend(std::string_view name, std::string_view value);
  };
  // The accepted message's ledger id: carried from one of our MTAs, or given now (its tracking
  // header then goes above the message, any other copy of that header is removed from it).
  std::string ledger_id_for(SmtpServerConnection& connection, const smtp::MessageAccepted& accepted,
                            const mail::HeaderIndex& fields, Stamped& message);
  // RFC 6409 §8.2-8.3: the Date and Message-ID a submission server may add when missing.
  void add_missing_submission_headers(Stamped& message, Time now);
  // 250 for a recipient we take, unless greylisting holds this triplet back (450 4.7.1).
  smtp::Reply accept_recipient(const smtp::RecipientVerdictNeeded& request, const std::string& recipient,
                               std::string text);
  struct Split {
    bool local;
    std::string domain;
    std::vector<std::string> recipients;
  };
  std::vector<Split> split_by_destination(const std::vector<std::string>& recipients) const;
  // The address to give the mailboxes for a local recipient (postmaster of any of our domains).
  std::string mailbox_address(const std::string& recipient) const;
  // A message for the queue: enqueue() makes one entry per destination of its recipients.
  struct QueueRequest {
    std::string ledger_id{};
    std::string sender{};  // the envelope reverse-path; "" is the null sender <>
    std::vector<std::string> recipients{};
    QueuedText message{};           // one text for every entry made from it (queued_text.h)
    std::string folder{};           // for local delivery; "" is INBOX
    bool submitted_here = false;    // from an authenticated client or a program on this host
    std::string first_queue_id{};   // the id already given the client ("queued as Q3"); "": a new one
    bool own_report = false;      // a DSN or delay warning this MTA wrote itself
    // The envelope the message came with, whose RFC 3461 parameters (RET, ENVID, and each
    // recipient's NOTIFY and ORCPT) the queue keeps and relays; nullptr: none.
    const smtp::Envelope* dsn = nullptr;
  };
  void enqueue(QueueRequest request);
  // A report this MTA wrote (a bounce, delay warning or success notice) queued from <> to `to`.
  void enqueue_report(const std::string& report_id, const std::string& to, std::string report);

  // mta_delivery.cpp
  struct Target {
    Endpoint endpoint;
    std::string name;  // the exchanger's name, for traces and Remote-MTA
    int preference = 0;
  };
  struct RemoteJob;
  void attempt(QueueEntry& entry);
  void deliver_local(QueueEntry& entry);
  struct LocalOutcome;  // what one local delivery attempt leaves to do (mta_delivery.cpp)
  void deliver_to_mailbox(QueueEntry& entry, QueuedRecipient& recipient, const std::string& folder,
                          const store::MessageBytes& message, LocalOutcome& outcome);
  void mailbox_took(const QueueEntry& entry, QueuedRecipient& recipient, const LocalDelivery& result,
                    const std::string& folder, LocalOutcome& outcome);
  void send_on_forwards(const QueueEntry& entry, const LocalOutcome& outcome);
  void deliver_remote(QueueEntry& entry);
  void route_found(const std::shared_ptr<RemoteJob>& job, const StubResolver::MailRoute& route);
  void try_next_target(const std::shared_ptr<RemoteJob>& job);
  void attempt_finished(const std::shared_ptr<RemoteJob>& job, const Target& target, const AttemptResult& result);
  void end_attempt(const std::string& queue_id);
  void defer(QueueEntry& entry);
  struct Failure {
    std::string recipient, status, diagnostic, remote_mta;
  };
  // Marks these recipients done, counts them bounced and sends one DSN to the sender (unless the
  // sender is <>: a bounce is never bounced, RFC 5321 §4.5.5).
  void bounce(QueueEntry& entry, const std::vector<Failure>& failures, bool expired = false);
  void fail_all_pending(QueueEntry& entry, const std::string& status, const std::string& diagnostic);
  // Sends the entry's one delay warning (Action: delayed) to its sender when it is due.
  void warn_if_delayed(QueueEntry& entry);
  // mta_notify.cpp: RFC 3461 NOTIFY=SUCCESS. One "delivered" ("expanded" for an alias that reached
  // several, "relayed" when the next server has no DSN to report with) notice to the sender for
  // these recipients of `entry`.
  void report_success(const QueueEntry& entry, const std::vector<std::string>& recipients, mail::DeliveryAction action,
                      const std::string& remote_mta);
  // RFC 3461 §4.1: which of these recipients asked for a failure (or delay) notice.
  static bool wants_failure_notice(const QueueEntry& entry, const std::string& recipient);
  static bool wants_delay_notice(const QueueEntry& entry, const std::string& recipient);
  bool is_our_address(Address address) const;

  MtaConfig config_;
  MailLedger& ledger_;
  Host* host_ = nullptr;
  Rng rng_;
  StubResolver* resolver_ = nullptr;
  std::unique_ptr<StubResolver> own_resolver_;
  std::vector<std::shared_ptr<MtaPolicy>> policies_;
  DeliveryQueue queue_;
  std::map<std::uint64_t, std::shared_ptr<SmtpServerConnection>> connections_;
  std::vector<Rejection> rejections_;
  Greylist greylist_;
  CommandRate command_rate_;
  Simulator::EventId queue_timer_ = 0;
  Time queue_timer_at_ = 0;
  std::vector<std::weak_ptr<RemoteJob>> remote_jobs_;  // for stop(); expired ones pruned as it grows
  std::uint64_t epoch_ = 0;  // bumped at each crash: callbacks from before it are void
  std::uint64_t message_counter_ = 0;  // for Message-IDs this host makes
  std::uint64_t delivered_count_ = 0, relayed_count_ = 0, bounced_count_ = 0, delay_warning_count_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// Every MTA of a network (for the conservation audit and expectations).
std::vector<MtaService*> all_mtas(Network& network);

// Checks that every ledger copy counted as queued is pending in some MTA's queue; returns the
// problems (empty when conservation holds).
std::vector<std::string> audit_mail_conservation(const MailLedger& ledger, Network& network);

}  // namespace maillab::engine
