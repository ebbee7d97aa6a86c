// The mailboxes of a mail server host: the MDA's delivery target and the one truth the POP3 and
// IMAP servers read (DESIGN.md: "MDA + mailbox store"). One per host. The MTA on the same host
// asks it whether a recipient exists (at RCPT time, RFC 5321 §3.3) and hands it each accepted
// message for local delivery; POP3 and IMAP services find it with Host::find_service.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/core/time.h"
#include "engine/net/host.h"
#include "protocols/store/mail_store.h"

namespace maillab::engine {

// The fixed calendar (Simulator::default_epoch_seconds, 2026-01-05 09:00:00 UTC) for what does not
// follow a scenario's clock: the world PKI's certificate dates and their TLS checks, the
// visualizer's inspector. Mail dates follow the Simulator's (wall_clock_seconds: `start:`, or the
// real clock in `maillab bridge`).
inline constexpr std::int64_t simulation_epoch_seconds = Simulator::default_epoch_seconds;
inline std::int64_t epoch_seconds(Time t) { return simulation_epoch_seconds + t / 1'000'000; }

struct LocalDelivery {
  enum class Status { delivered, unknown_user, quota_exceeded, failed } status = Status::failed;
  std::vector<std::string> delivered_to;  // "bob" (local users reached, aliases expanded)
  std::vector<std::string> forward_to;    // external addresses the MTA must re-inject
  std::string detail;                     // for replies and traces
};

class MailboxService : public Service {
 public:
  explicit MailboxService(std::vector<std::string> domains);
  std::string_view kind() const override { return "mailboxes"; }
  void start(Host& host) override { host_ = &host; }

  store::MailStore& store() { return store_; }
  const store::MailStore& store() const { return store_; }
  const std::vector<std::string>& domains() const { return domains_; }
  bool serves_domain(std::string_view domain) const;

  // Is `address` (local@domain) a user or alias here? The RCPT TO check (550 5.1.1 if not).
  bool has_recipient(std::string_view address) const;
  // Would a message of `size` bytes fit for every local user `address` reaches? (552 5.2.2)
  bool has_room_for(std::string_view address, std::uint64_t size) const;
  // Is a full mailbox a temporary failure (452 4.2.2: the sender queues and retries, and the mail
  // gets in once the user makes room) rather than a permanent one (552 5.2.2, bounced at once)?
  // RFC 3463 §3.3 calls X.2.2 "a useful transient failure"; Dovecot's quota_full_tempfail, off
  // by default as there. `mailboxes: {quota_full: temporary}`.
  bool quota_full_is_temporary() const { return quota_full_temporary_; }
  void set_quota_full_temporary(bool temporary) { quota_full_temporary_ = temporary; }

  // The MDA: delivers into `folder` (INBOX, or Junk for DMARC quarantine) of every local user the
  // address reaches, and reports forwards for the MTA to send on. Every mailbox keeps the one
  // text given (store::MessageBytes shares it), not a copy per user.
  LocalDelivery deliver(std::string_view address, std::string_view folder, const store::MessageBytes& message,
                        Time now);

 private:
  std::string local_part_if_ours(std::string_view address) const;  // "" if not our domain
  std::int64_t wall_clock_seconds(Time t) const;                   // INTERNALDATE of a delivery
  std::vector<std::string> domains_;
  store::MailStore store_;
  Host* host_ = nullptr;
  bool quota_full_temporary_ = false;
};

}  // namespace maillab::engine
