#include "engine/hosts/mail/bounce.h"

#include <optional>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "protocols/mail/date.h"
#include "protocols/mail/delivery_status.h"

namespace maillab::engine {
namespace {

// Both kinds of DSN: the same fields, only the action (and Will-Retry-Until) differ.
std::string make_report(const std::string& reporting_mta, const QueueEntry& entry,
                        const std::vector<BouncedRecipient>& recipients, mail::DeliveryAction action,
                        std::optional<Time> retry_until, Time now, std::uint64_t counter,
                        const std::string& ledger_id, std::int64_t epoch) {
  auto date_of = [epoch](Time t) { return epoch + t / 1'000'000; };
  mail::DeliveryStatusRequest request;
  request.reporting_mta = reporting_mta;
  request.original_sender = entry.sender;
  request.arrival_date = date_of(entry.arrived);
  request.date = date_of(now);
  request.message_id = mail::make_message_id(reporting_mta, counter, date_of(now));
  request.original_message = entry.message;  // only its header section goes back (RFC 3464 §2.1)
  for (const auto& recipient : recipients) {
    mail::RecipientReport report;
    report.final_recipient = recipient.address;
    report.action = action;
    report.status = recipient.status;
    report.remote_mta = recipient.remote_mta;
    report.diagnostic_code = recipient.diagnostic;
    report.last_attempt_date = date_of(now);
    if (retry_until) report.will_retry_until = date_of(*retry_until);
    request.recipients.push_back(std::move(report));
  }
  mail::Bounce bounce = mail::build_delivery_status_notification(request);
  bounce.message.headers.prepend("X-Maillab-Id", ledger_id);
  return bounce.bytes();
}

}  // namespace

std::string make_bounce_message(const std::string& reporting_mta, const QueueEntry& entry,
                                const std::vector<BouncedRecipient>& failures, Time now, std::uint64_t counter,
                                const std::string& ledger_id, std::int64_t epoch) {
  // RFC 3464 §2.3.3: Action: failed means we give up, even on a 4.x.x status.
  return make_report(reporting_mta, entry, failures, mail::DeliveryAction::failed, std::nullopt, now, counter,
                     ledger_id, epoch);
}

std::string make_delay_warning_message(const std::string& reporting_mta, const QueueEntry& entry,
                                       const std::vector<BouncedRecipient>& pending, Time now, Time retry_until,
                                       std::uint64_t counter, const std::string& ledger_id, std::int64_t epoch) {
  // RFC 3464 §2.3.3 "delayed" with §2.3.9 Will-Retry-Until: not a failure, the queue keeps trying.
  return make_report(reporting_mta, entry, pending, mail::DeliveryAction::delayed, retry_until, now, counter,
                     ledger_id, epoch);
}

}  // namespace maillab::engine
