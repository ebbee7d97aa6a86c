// Bounces and delay warnings: the RFC 3464 delivery status notifications an MTA sends to a
// message's envelope sender when it gives up on some recipients (Action: failed), or when they
// are still queued after QueuePolicy::delay_warning_time (Action: delayed, a warning only).
// protocols/mail/delivery_status.h builds the message. The DSN has the null reverse-path <>
// (RFC 5321 §4.5.5), so it can never cause another one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/time.h"
#include "engine/hosts/mail/delivery_queue.h"
#include "protocols/mail/delivery_status.h"

namespace maillab::engine {

// One recipient of a DSN: a failed one in a bounce, a still pending one in a delay warning.
struct BouncedRecipient {
  std::string address;
  std::string status;      // RFC 3463 code, e.g. "5.1.1", or "4.4.7" when the lifetime ran out
  std::string diagnostic;  // the server's reply or our reason ("" for none)
  std::string remote_mta;  // "" when no server was reached
  std::string original_recipient;  // ORCPT (RFC 3461 §4.2), decoded "rfc822;addr"; "" when none
};

// The DSN's bytes, for `entry` (the original message and its sender) and the failed recipients.
// `ledger_id` is written in the X-Maillab-Id header of the DSN (see mta_service.h); `epoch` is the
// Unix time of simulated time 0 (Simulator::epoch_seconds), for the report's dates.
std::string make_bounce_message(const std::string& reporting_mta, const QueueEntry& entry,
                                const std::vector<BouncedRecipient>& failures, Time now, std::uint64_t counter,
                                const std::string& ledger_id, std::int64_t epoch);

// The delay warning's bytes: Action: delayed for each still pending recipient, with
// Will-Retry-Until `retry_until` (arrival + maximal_queue_lifetime).
std::string make_delay_warning_message(const std::string& reporting_mta, const QueueEntry& entry,
                                       const std::vector<BouncedRecipient>& pending, Time now, Time retry_until,
                                       std::uint64_t counter, const std::string& ledger_id, std::int64_t epoch);

// A success report (RFC 3461 §5.2.2, §5.2.3, §5.2.7.3): `action` delivered (into a mailbox here),
// expanded (an alias that reached several mailboxes or addresses) or relayed (handed to a server
// without DSN, which will not report), for recipients that asked NOTIFY=SUCCESS.
std::string make_success_message(const std::string& reporting_mta, const QueueEntry& entry,
                                 const std::vector<BouncedRecipient>& recipients, mail::DeliveryAction action, Time now,
                                 std::uint64_t counter, const std::string& ledger_id, std::int64_t epoch);

// The report line of a queued recipient (its ORCPT included).
BouncedRecipient report_line(const QueueEntry& entry, const std::string& address, std::string status,
                             std::string diagnostic, std::string remote_mta);

}  // namespace maillab::engine
