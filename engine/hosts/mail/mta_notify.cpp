// MtaService: RFC 3461 delivery status notifications the sender asked for with NOTIFY — the
// success notices ("delivered" into a mailbox here, §5.2.3; "relayed" to a server without DSN,
// §5.2.2), and which recipients want failure and delay notices (§4.1: with no NOTIFY, failures
// and, at the MTA's discretion, delays; NEVER: none at all).
#include "engine/hosts/mail/bounce.h"
#include "engine/hosts/mail/mail_trace.h"
#include "engine/hosts/mail/mta_service.h"

namespace maillab::engine {
namespace {

const QueuedRecipient* find_recipient(const QueueEntry& entry, const std::string& address) {
  for (const auto& recipient : entry.recipients)
    if (recipient.address == address) return &recipient;
  return nullptr;
}

}  // namespace

bool MtaService::wants_failure_notice(const QueueEntry& entry, const std::string& recipient) {
  const auto* found = find_recipient(entry, recipient);
  return !found || found->dsn.notify.wants_failure();
}

bool MtaService::wants_delay_notice(const QueueEntry& entry, const std::string& recipient) {
  const auto* found = find_recipient(entry, recipient);
  return !found || found->dsn.notify.wants_delay();
}

void MtaService::report_success(const QueueEntry& entry, const std::vector<std::string>& recipients,
                                mail::DeliveryAction action, const std::string& remote_mta) {
  const bool relayed = action == mail::DeliveryAction::relayed;
  // RFC 5321 §4.5.5: nothing is ever sent to the null sender (a DSN asks for no DSN).
  if (entry.is_bounce() || recipients.empty()) return;
  const Time now = host_->simulator().now();
  std::vector<BouncedRecipient> lines;
  for (const auto& address : recipients)
    lines.push_back(report_line(entry, address, "2.0.0",
                                relayed ? "the next server (" + remote_mta + ") does not offer DSN" : "",
                                relayed ? remote_mta : ""));
  const std::string dsn_id = ledger_.name_report(entry.ledger_id, "SUCCESS", entry.queue_id);
  std::string dsn = make_success_message(hostname(), entry, lines, action, now, ++message_counter_, dsn_id,
                                         host_->simulator().epoch_seconds());
  std::string to;
  for (const auto& address : recipients) to += (to.empty() ? "" : ", ") + address;
  record_mail(*host_, entry.ledger_id,
              std::string("DSN: success report sent to <") + entry.sender + "> as " + dsn_id + ": " + to +
                  (relayed ? " relayed to " + remote_mta + ", which offers no DSN (DSN Action: relayed, RFC 3461 §5.2.2)"
                   : action == mail::DeliveryAction::expanded
                       ? " delivered to several mailboxes or addresses (DSN Action: expanded, RFC 3461 §5.2.7.3)"
                       : " delivered (DSN Action: delivered, RFC 3461 §5.2.3)"));
  enqueue_report(dsn_id, entry.sender, std::move(dsn));
}

}  // namespace maillab::engine
