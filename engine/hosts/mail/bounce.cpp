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
  request.original_message = entry.message.str();
  request.original_envelope_id = entry.dsn_envid;  // RFC 3461 §6.3 (a)
  // RFC 3461 §4.3: RET=FULL returns the whole message, RET=HDRS (and no RET, our choice, as
  // before) its header section; a report with no failure in it returns only the headers.
  request.return_full_message = entry.dsn_ret == "FULL" && action == mail::DeliveryAction::failed;
  for (const auto& recipient : recipients) {
    mail::RecipientReport report;
    report.original_recipient = recipient.original_recipient;
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

BouncedRecipient report_line(const QueueEntry& entry, const std::string& address, std::string status,
                             std::string diagnostic, std::string remote_mta) {
  BouncedRecipient line{address, std::move(status), std::move(diagnostic), std::move(remote_mta), {}};
  for (const auto& recipient : entry.recipients)
    if (recipient.address == address) line.original_recipient = recipient.dsn.orcpt;
  return line;
}

std::string make_success_message(const std::string& reporting_mta, const QueueEntry& entry,
                                 const std::vector<BouncedRecipient>& recipients, mail::DeliveryAction action, Time now,
                                 std::uint64_t counter, const std::string& ledger_id, std::int64_t epoch) {
  return make_report(reporting_mta, entry, recipients,
                     action, std::nullopt, now,
                     counter, ledger_id, epoch);
}

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
