// The MTA's queue: messages it has taken responsibility for (RFC 5321 §6.1) and not yet
// delivered, relayed or bounced. It is "on disk": it survives a crash of the host; only the
// delivery attempts in flight are lost (they are retried after the restart).
//
// One entry is one message for one destination: the local mailboxes, or one remote domain
// (Postfix groups recipients by next hop the same way). Each recipient keeps its own state, so
// a message to two users of a domain can be delivered to one and deferred for the other.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/time.h"
#include "engine/hosts/mail/mta_config.h"
#include "engine/hosts/mail/queued_text.h"
#include "protocols/smtp/dsn_parameters.h"

namespace maillab::engine {

enum class RecipientState { pending, done };

struct QueuedRecipient {
  std::string address;
  RecipientState state = RecipientState::pending;
  std::string last_status;      // enhanced status of the last failure, e.g. "4.4.1"
  std::string last_diagnostic;  // the last server reply or reason, for the DSN's Diagnostic-Code
  std::string remote_mta;       // the server that answered last ("" if none was reached)
  std::string last_reply;       // the last temporary SMTP reply, "" when the last failure had none
  smtp::RecipientDsn dsn;       // RFC 3461 NOTIFY and ORCPT it came with (relayed as they came)

  // Why an attempt did not deliver to this recipient this time; it stays pending, and a delay
  // warning or, at expiry, the bounce reports these.
  struct Deferral {
    std::string status{};      // RFC 3463 4.x.x
    std::string diagnostic{};
    std::string reply{};       // the server's temporary SMTP reply, "" when the failure had none
    std::optional<std::string> remote_mta{};  // the server that answered ("" none); unset: unchanged
  };
  void defer(const Deferral& why);
};

struct QueueEntry {
  std::string queue_id;   // "Q3" (per MTA)
  std::string ledger_id;  // "M1"; for bounces the original's id with "-DSN"
  std::string sender;     // envelope reverse-path; "" is the null sender <> of a bounce
  std::string domain;     // destination domain (lowercase); "" for local delivery
  bool local = false;     // for this host's mailboxes
  std::vector<QueuedRecipient> recipients;
  QueuedText message;     // the bytes (CRLF), with this MTA's Received header on top; shared, never
                          // changed in place (queued_text.h)
  std::string folder;     // local delivery folder ("" = INBOX)
  bool submitted_here = false;     // taken from an authenticated client
  bool own_report = false;         // a DSN or delay warning this MTA wrote itself (not relayed traffic)
  bool prepared_outgoing = false;  // MtaPolicy::prepare_outgoing has run
  Time arrived = 0;
  Time next_attempt = 0;
  int attempts = 0;        // finished delivery attempts
  bool in_flight = false;  // an attempt is running now
  std::string last_error;  // why the last attempt failed, for people
  bool delay_warned = false;  // the one "delayed" DSN (QueuePolicy::delay_warning_time) was sent
  std::string dsn_ret;        // RFC 3461 RET (FULL, HDRS or "") and ENVID (decoded) from MAIL FROM
  std::string dsn_envid;

  bool is_bounce() const { return sender.empty(); }
  std::size_t pending_count() const;
  // Defers every pending recipient for the same reason (a DNS or connection failure reached none).
  void defer_pending(const QueuedRecipient::Deferral& why);
};

class DeliveryQueue {
 public:
  // Adds an entry; a fresh queue id is assigned when `queue_id` is empty. Returns the entry.
  QueueEntry& add(QueueEntry entry);
  std::string next_queue_id();  // reserves an id ("queued as Q3" is said before the entry exists)
  QueueEntry* find(const std::string& queue_id);
  void remove(const std::string& queue_id);

  // Entries in the order they were queued.
  const std::map<std::uint64_t, QueueEntry>& entries() const { return entries_; }
  std::map<std::uint64_t, QueueEntry>& entries() { return entries_; }
  std::size_t size() const { return entries_.size(); }

  // The earliest next_attempt of an entry that is not in flight; nullopt when none waits.
  std::optional<Time> next_due() const;
  // Does some entry still hold this ledger copy as pending? (the conservation audit)
  bool holds(const std::string& ledger_id, const std::string& recipient) const;

  // The wait after the `attempts`-th failed attempt: minimal_backoff, doubled after each further
  // failure, at most maximal_backoff. (Postfix computes it from the message's age, clamped to
  // the same bounds; for a message that failed at every try that is the same doubling.)
  static Time backoff(int attempts, const QueuePolicy& policy);

 private:
  std::map<std::uint64_t, QueueEntry> entries_;
  std::uint64_t next_sequence_ = 1;
  std::uint64_t next_id_ = 1;
};

}  // namespace maillab::engine
