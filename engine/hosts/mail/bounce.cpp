#include "engine/hosts/mail/bounce.h"

#include "engine/hosts/mailbox/mailbox_service.h"
#include "protocols/mail/date.h"
#include "protocols/mail/delivery_status.h"

namespace maillab::engine {

std::string make_bounce_message(const std::string& reporting_mta, const QueueEntry& entry,
                                const std::vector<BouncedRecipient>& failures, Time now, std::uint64_t counter,
                                const std::string& ledger_id) {
  mail::DeliveryStatusRequest request;
  request.reporting_mta = reporting_mta;
  request.original_sender = entry.sender;
  request.arrival_date = epoch_seconds(entry.arrived);
  request.date = epoch_seconds(now);
  request.message_id = mail::make_message_id(reporting_mta, counter, epoch_seconds(now));
  request.original_message = entry.message;  // only its header section goes back (RFC 3464 §2.1)
  for (const auto& failure : failures) {
    mail::RecipientReport report;
    report.final_recipient = failure.address;
    report.action = mail::DeliveryAction::failed;  // RFC 3464 §2.3.3: we give up, even on a 4.x.x
    report.status = failure.status;
    report.remote_mta = failure.remote_mta;
    report.diagnostic_code = failure.diagnostic;
    report.last_attempt_date = epoch_seconds(now);
    request.recipients.push_back(std::move(report));
  }
  mail::Bounce bounce = mail::build_delivery_status_notification(request);
  bounce.message.headers.prepend("X-Maillab-Id", ledger_id);
  return bounce.bytes();
}

}  // namespace maillab::engine
