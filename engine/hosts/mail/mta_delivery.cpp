// MtaService: delivering what is in the queue — into local mailboxes (the MDA), or to another
// domain's mail exchangers in preference order (RFC 5321 §5.1) — and what happens when that
// fails: retry with back-off, expiry after the queue lifetime, bounces.
#include <algorithm>

#include "engine/hosts/mail/bounce.h"
#include "engine/hosts/mail/mail_trace.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"
#include "protocols/common/ascii_case.h"
#include "protocols/mail/date.h"
#include "protocols/mail/message.h"
#include "protocols/mail/text.h"

namespace maillab::engine {

struct MtaService::RemoteJob {
  std::string queue_id;
  std::string ledger_id;
  std::uint64_t epoch = 0;
  std::vector<Target> targets;
  std::size_t next = 0;
  std::vector<std::shared_ptr<SmtpClientAttempt>> attempts;  // keeps the running one alive
};

namespace {

std::string seconds_text(Time t) {
  std::string text = format_seconds(t);
  // "300.000000" -> "300"; keep fractions that matter.
  while (!text.empty() && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

// The ledger already counts this copy delivered: a mailbox has it. Taking it again is an SMTP
// duplicate (RFC 1047): an MTA took the message and answered 250, the sending MTA never heard
// that reply (a crash of either host lost it) and sent the message again. SMTP cannot rule this
// out; the ledger keeps one fate per copy and the trace says where the extra copy came from.
bool delivered_before(const MailLedger& ledger, const std::string& id, const std::string& recipient) {
  const LedgerEntry* entry = ledger.find(id);
  return entry && std::any_of(entry->copies.begin(), entry->copies.end(), [&](const LedgerCopy& copy) {
           return copy.fate == CopyFate::delivered && mail::equals_ignoring_case(copy.recipient, recipient);
         });
}

// Whether some line of the header section starts with `name` in any case: a field of that name
// may be there. False is certain (a field's line starts with its name, RFC 5322 §2.2), true only
// says the fields must be read. The section ends where mail::header_section ends it: at the first
// "\r\n\r\n" or "\n\n", each the start of an empty line here.
bool may_have_field(std::string_view message, std::string_view name) {
  std::size_t start = 0;
  while (start < message.size()) {
    const std::string_view rest = message.substr(start);
    const bool after_crlf = start == 0 || (start >= 2 && message[start - 2] == '\r');
    if (rest.starts_with('\n') || (after_crlf && rest.starts_with("\r\n"))) return false;
    if (common::starts_with_ignoring_case(rest, name)) return true;
    const std::size_t newline = message.find('\n', start);
    if (newline == std::string_view::npos) return false;
    start = newline + 1;
  }
  return false;
}

// Does the header section hold "Delivered-To: <address>" (any case)? Most messages have no such
// field: a look at the start of each line says so before any field is read (reading them all was
// most of the cost of a local delivery, once per recipient).
bool was_delivered_to(const std::string& message, std::string_view address) {
  if (!may_have_field(message, "Delivered-To")) return false;
  const mail::HeaderIndex headers(mail::header_section(message));
  for (const auto& value : headers.get_all("Delivered-To"))
    if (mail::equals_ignoring_case(mail::trim(value), address)) return true;
  return false;
}

// The DSN parameters of a forwarded copy of `recipient`'s mail. ORCPT: the one it came with, or
// (RFC 3461 §5.2.1 allows adding it) the address this MTA received, so a report from further on
// still names it. NOTIFY as it came, except after an "expanded" notice: SUCCESS has been answered
// here, so the copies ask only for the rest (NEVER if nothing is left), as Postfix does.
smtp::RecipientDsn forwarded_dsn(const QueuedRecipient& recipient, bool expanded) {
  smtp::RecipientDsn dsn = recipient.dsn;
  if (dsn.orcpt.empty()) dsn.orcpt = "rfc822;" + recipient.address;
  if (expanded && dsn.notify.success) {
    dsn.notify.success = false;
    if (!dsn.notify.given()) dsn.notify.never = true;
  }
  return dsn;
}

}  // namespace

bool MtaService::is_our_address(Address address) const { return host_ && address == host_->address(); }

void MtaService::attempt(QueueEntry& entry) {
  entry.in_flight = true;
  if (entry.local) deliver_local(entry);
  else deliver_remote(entry);
}

// --- local delivery (the MDA: MailboxService::deliver) ---

struct MtaService::LocalOutcome {
  struct Forward {
    std::string from;                    // the recipient whose forward it is
    std::vector<std::string> addresses;  // where it goes
    smtp::RecipientDsn dsn;              // the NOTIFY and ORCPT the copies go on with
  };
  std::vector<Failure> failures;  // bounced together
  std::vector<Forward> forwards;
  std::vector<std::string> delivered_notices, expanded_notices;  // RFC 3461 NOTIFY=SUCCESS
};

void MtaService::deliver_local(QueueEntry& entry) {
  const std::string folder = entry.folder.empty() ? "INBOX" : entry.folder;
  // RFC 5321 §4.4: the final delivery records the envelope sender in Return-Path. Made once for
  // the entry; every mailbox it reaches keeps this one text (store::MessageBytes shares it).
  const std::string& queued = entry.message;
  std::string stamped;
  stamped.reserve(queued.size() + entry.sender.size() + 17);
  stamped.append("Return-Path: <").append(entry.sender).append(">\r\n").append(queued);
  const store::MessageBytes message(std::move(stamped));
  LocalOutcome outcome;
  for (auto& recipient : entry.recipients)
    if (recipient.state == RecipientState::pending) deliver_to_mailbox(entry, recipient, folder, message, outcome);
  if (!outcome.delivered_notices.empty())
    report_success(entry, outcome.delivered_notices, mail::DeliveryAction::delivered, "");
  if (!outcome.expanded_notices.empty())
    report_success(entry, outcome.expanded_notices, mail::DeliveryAction::expanded, "");
  if (!outcome.failures.empty()) bounce(entry, outcome.failures);
  send_on_forwards(entry, outcome);
  end_attempt(entry.queue_id);
}

// One recipient into its mailbox: delivered (or forwarded), a failure to bounce, or deferred.
void MtaService::deliver_to_mailbox(QueueEntry& entry, QueuedRecipient& recipient, const std::string& folder,
                                    const store::MessageBytes& message, LocalOutcome& outcome) {
  auto* mailboxes = this->mailboxes();
  if (!mailboxes) {
    outcome.failures.push_back({recipient.address, "5.3.0", "no mailboxes on " + host_->name(), ""});
    return;
  }
  // A forward stamps "Delivered-To: <the address>" on the copy it sends on (Postfix local(8)); a
  // copy that comes back with it has gone round a loop (RFC 5321 §6.3; RFC 3463 5.4.6).
  if (was_delivered_to(entry.message, recipient.address)) {
    record_mail(*host_, entry.ledger_id,
                "mail forwarding loop for " + recipient.address + ": the message already says Delivered-To: " +
                    recipient.address);
    outcome.failures.push_back({recipient.address, "5.4.6", "mail forwarding loop for " + recipient.address, ""});
    return;
  }
  LocalDelivery result =
      mailboxes->deliver(mailbox_address(recipient.address), folder, message, host_->simulator().now());
  switch (result.status) {
    case LocalDelivery::Status::delivered:
      mailbox_took(entry, recipient, result, folder, outcome);
      break;
    case LocalDelivery::Status::unknown_user:
      outcome.failures.push_back(
          {recipient.address, "5.1.1", "550 5.1.1 <" + recipient.address + ">: user unknown", ""});
      break;
    case LocalDelivery::Status::quota_exceeded:
      if (mailboxes->quota_full_is_temporary()) {  // stays queued: retried after the back-off
        recipient.defer({.status = "4.2.2", .diagnostic = "mailbox full (" + result.detail + ")"});
        entry.last_error = recipient.last_diagnostic;
        break;
      }
      outcome.failures.push_back({recipient.address, "5.2.2",
                                  "552 5.2.2 <" + recipient.address + ">: mailbox full (" + result.detail + ")", ""});
      break;
    case LocalDelivery::Status::failed:
      recipient.defer({.status = "4.3.0", .diagnostic = "local delivery failed: " + result.detail});
      entry.last_error = recipient.last_diagnostic;
      break;
  }
}

// The mailboxes took the message for `recipient`: the ledger, the trace, the success notices
// asked for, and the forwards to send on.
void MtaService::mailbox_took(const QueueEntry& entry, QueuedRecipient& recipient, const LocalDelivery& result,
                              const std::string& folder, LocalOutcome& outcome) {
  const Time now = host_->simulator().now();
  recipient.state = RecipientState::done;
  // The ledger counts a delivery only where a mailbox took the message; a pure forward is a
  // forward, and the copies it makes are counted instead (mail_ledger.h).
  // RFC 3461 §5.2.3: "delivered" where SUCCESS was asked; an alias or forward that reached
  // several mailboxes or addresses is "expanded" (§5.2.7.3). A one-to-one forward reports
  // nothing here: NOTIFY goes on with the copy, and the hop that delivers it reports (§5.2.7.2).
  const bool expanded = result.delivered_to.size() + result.forward_to.size() > 1;
  if (recipient.dsn.notify.wants_success() && (expanded || !result.delivered_to.empty()))
    (expanded ? outcome.expanded_notices : outcome.delivered_notices).push_back(recipient.address);
  if (result.delivered_to.empty()) {
    ledger_.forwarded(entry.ledger_id, recipient.address, now);
  } else {
    const bool duplicate = delivered_before(ledger_, entry.ledger_id, recipient.address);
    ledger_.delivered(entry.ledger_id, recipient.address, "mailbox " + recipient.address + " " + folder, now);
    ++delivered_count_;
    if (mail_record_wanted(*host_))
      record_mail(*host_, entry.ledger_id, "delivered to mailbox " + recipient.address + " " + folder);
    if (duplicate)
      record_mail(*host_, entry.ledger_id,
                  "duplicate: " + recipient.address + " got " + entry.ledger_id +
                      " again; the MTA that sent it never heard the 250 for the earlier copy "
                      "(a crash lost the reply, RFC 1047)");
  }
  if (result.forward_to.empty()) return;
  outcome.forwards.push_back({recipient.address, {}, forwarded_dsn(recipient, expanded)});
  for (auto& forward : result.forward_to) {
    outcome.forwards.back().addresses.push_back(forward);
    ledger_.add_recipient(entry.ledger_id, forward);
    record_mail(*host_, entry.ledger_id, "forwarded: " + recipient.address + " is forwarded to " + forward);
  }
}

void MtaService::send_on_forwards(const QueueEntry& entry, const LocalOutcome& outcome) {
  for (const auto& forward : outcome.forwards) {
    // The copies keep the envelope's RET and ENVID and the recipient's NOTIFY and ORCPT (RFC 3461
    // §5.2.7.2-3, as Postfix's local(8) and virtual aliases do), so the sender's report still
    // names the address they wrote.
    smtp::Envelope envelope(entry.sender, forward.addresses);
    envelope.ret = entry.dsn_ret;
    envelope.envid = entry.dsn_envid;
    envelope.recipient_dsn.assign(forward.addresses.size(), forward.dsn);
    enqueue({.ledger_id = entry.ledger_id,
             .sender = entry.sender,
             .recipients = forward.addresses,
             .message = "Delivered-To: " + forward.from + "\r\n" + entry.message.str(),
             .dsn = &envelope});
  }
}

// --- remote delivery ---

void MtaService::deliver_remote(QueueEntry& entry) {
  auto job = std::make_shared<RemoteJob>();
  if (remote_jobs_.size() >= 64 && (remote_jobs_.size() & (remote_jobs_.size() - 1)) == 0)
    std::erase_if(remote_jobs_, [](const std::weak_ptr<RemoteJob>& weak) { return weak.expired(); });
  remote_jobs_.push_back(job);
  job->queue_id = entry.queue_id;
  job->ledger_id = entry.ledger_id;
  job->epoch = epoch_;
  if (config_.smarthost) {
    job->targets.push_back({*config_.smarthost, config_.smarthost_name, 0});
    record_mail(*host_, entry.ledger_id, "routing " + entry.domain + " via the smarthost " + config_.smarthost_name);
    return try_next_target(job);
  }
  if (mail_record_wanted(*host_)) record_mail(*host_, entry.ledger_id, "looking up the MX records of " + entry.domain);
  std::weak_ptr<bool> alive = alive_;
  resolver().resolve_mail_route(entry.domain, rng_, [this, alive, job](const StubResolver::MailRoute& route) {
    if (alive.expired() || job->epoch != epoch_) return;  // the host crashed meanwhile
    route_found(job, route);
  });
}

void MtaService::stop() {
  ++epoch_;  // nothing that still runs may reach the queue
  // An attempt's completion callback holds its job and the job holds the attempt: the cycle
  // breaks when the attempt finishes, so one still connecting at teardown is let go here.
  for (const auto& weak : remote_jobs_)
    if (auto job = weak.lock()) job->attempts.clear();
  remote_jobs_.clear();
}

void MtaService::route_found(const std::shared_ptr<RemoteJob>& job, const StubResolver::MailRoute& route) {
  QueueEntry* entry = queue_.find(job->queue_id);
  if (!entry) return;
  using Status = StubResolver::MailRoute::Status;
  switch (route.status) {
    case Status::nxdomain:  // RFC 3463 5.1.2: bad destination system address
      record_mail(*host_, entry->ledger_id, "no such domain: " + route.detail);
      fail_all_pending(*entry, "5.1.2", "DNS: " + route.detail);
      return end_attempt(job->queue_id);
    case Status::null_mx:  // RFC 7505 §3: fail at once, without retrying, with 5.1.10 (RFC 7505 §4.1)
      record_mail(*host_, entry->ledger_id, "null MX: " + route.detail);
      fail_all_pending(*entry, "5.1.10", "DNS: " + route.detail + " (RFC 7505)");
      return end_attempt(job->queue_id);
    case Status::no_address:  // RFC 3463 5.4.4: unable to route
      record_mail(*host_, entry->ledger_id, "no route: " + route.detail);
      fail_all_pending(*entry, "5.4.4", "DNS: no address to deliver to for " + entry->domain +
                                            (route.detail.empty() ? "" : " (" + route.detail + ")"));
      return end_attempt(job->queue_id);
    case Status::temporary_failure:  // RFC 3463 4.4.3: directory server failure; try later
      entry->defer_pending({.status = "4.4.3", .diagnostic = "DNS: " + route.detail});
      entry->last_error = "DNS lookup failed: " + route.detail;
      return end_attempt(job->queue_id);
    case Status::ok:
      break;
  }
  // RFC 5321 §5.1: if we are one of the exchangers, only those with a better (lower) preference
  // may be used, or the mail would loop back to us.
  std::optional<int> own_preference;
  for (const auto& exchanger : route.exchangers)
    for (auto address : exchanger.addresses)
      if (is_our_address(address) && (!own_preference || exchanger.preference < *own_preference))
        own_preference = exchanger.preference;
  std::string list;  // for the record below, made only when the trace is read
  const bool describe = host_->simulator().trace().wanted();
  for (const auto& exchanger : route.exchangers) {
    if (own_preference && exchanger.preference >= *own_preference) continue;
    for (auto address : exchanger.addresses) {
      job->targets.push_back({Endpoint{address, 25}, exchanger.host, exchanger.preference});
      if (describe)
        list += (list.empty() ? "" : ", ") + std::to_string(exchanger.preference) + " " + exchanger.host + " [" +
                format_address(address) + "]";
    }
  }
  if (job->targets.empty()) {  // Postfix: "mail for X loops back to myself" (5.4.6)
    record_mail(*host_, entry->ledger_id, "no route: mail for " + entry->domain + " loops back to myself");
    fail_all_pending(*entry, "5.4.6", "mail for " + entry->domain + " loops back to myself");
    return end_attempt(job->queue_id);
  }
  if (mail_record_wanted(*host_))
    record_mail(*host_, entry->ledger_id,
                std::string(route.implicit ? "no MX for " + entry->domain + ", using its A record (implicit MX): "
                                           : "MX for " + entry->domain + ": ") + list);
  try_next_target(job);
}

void MtaService::try_next_target(const std::shared_ptr<RemoteJob>& job) {
  QueueEntry* entry = queue_.find(job->queue_id);
  if (!entry) return;
  if (job->next >= job->targets.size() || entry->pending_count() == 0) return end_attempt(job->queue_id);
  const Target target = job->targets[job->next++];
  if (!entry->prepared_outgoing && !policies_.empty()) {
    // The policies may rewrite the text (DKIM signing puts its field on top): they work on a copy
    // that the entry then takes as its new text, never on the shared one (queued_text.h).
    std::string text;
    text.reserve(entry->message.size() + 1024);  // room on top for a signature field (~600 octets)
    text = entry->message.str();
    for (auto& policy : policies_) {
      OutgoingMessage outgoing{text, entry->sender, entry->domain, entry->submitted_here, entry->own_report};
      policy->prepare_outgoing(*host_, outgoing);
    }
    entry->message = std::move(text);
  }
  entry->prepared_outgoing = true;
  smtp::Envelope envelope;
  envelope.reverse_path = entry->sender;
  envelope.ret = entry->dsn_ret;  // RFC 3461 §5.2.1: relayed as they came
  envelope.envid = entry->dsn_envid;
  for (const auto& recipient : entry->recipients)
    if (recipient.state == RecipientState::pending) {
      envelope.recipients.push_back(recipient.address);
      envelope.recipient_dsn.push_back(recipient.dsn);
    }
  smtp::ClientOptions options;
  options.hostname = hostname();
  options.use_starttls = config_.starttls || config_.outbound_tls != MtaConfig::TlsPolicy::may;
  options.require_tls = config_.outbound_tls != MtaConfig::TlsPolicy::may;
  options.verify_certificate = config_.outbound_tls == MtaConfig::TlsPolicy::verify;
  options.server_name = target.name;
  if (mail_record_wanted(*host_))
    record_mail(*host_, entry->ledger_id,
                "connecting to " + target.name + " [" + format_address(target.endpoint.address) + "]:" +
                    std::to_string(target.endpoint.port) + (config_.smarthost ? "" : " (MX preference " +
                    std::to_string(target.preference) + ")") + " for queue entry " + entry->queue_id,
                host_label(*host_, target.endpoint.address));
  std::weak_ptr<bool> alive = alive_;
  job->attempts.push_back(SmtpClientAttempt::start(
      *host_, target.endpoint, std::move(options), std::move(envelope), entry->message.shared(), config_.command_timeout,
      entry->ledger_id,
      [this, alive, job, target](const AttemptResult& result) {
        if (alive.expired() || job->epoch != epoch_ || result.interrupted) return;
        attempt_finished(job, target, result);
      }));
}

void MtaService::attempt_finished(const std::shared_ptr<RemoteJob>& job, const Target& target,
                                  const AttemptResult& result) {
  QueueEntry* entry = queue_.find(job->queue_id);
  if (!entry) return;
  const Time now = host_->simulator().now();
  const std::string peer = host_label(*host_, target.endpoint.address);
  if (!result.connected) {
    const std::string reason = "connect to " + target.name + " [" + format_address(target.endpoint.address) +
                               "]:" + std::to_string(target.endpoint.port) + " failed: " + result.connect_error;
    entry->defer_pending({.status = "4.4.1", .diagnostic = reason, .remote_mta = ""});
    entry->last_error = reason;
    record_mail(*host_, entry->ledger_id, "connection failed: " + reason, peer);
    return try_next_target(job);
  }
  Host* next_host = host_->network().host_at(target.endpoint.address);
  const bool next_is_mta = next_host && next_host->find_service<MtaService>();
  std::vector<Failure> failures;
  std::vector<std::string> relayed_notices;  // NOTIFY=SUCCESS to a server that will not report it
  for (const auto& outcome : result.recipients) {
    auto recipient = std::find_if(entry->recipients.begin(), entry->recipients.end(), [&](const QueuedRecipient& r) {
      return r.address == outcome.address && r.state == RecipientState::pending;
    });
    if (recipient == entry->recipients.end()) continue;
    const std::string diagnostic = outcome.reply.code ? outcome.reply.summary() : outcome.reason;
    switch (outcome.status) {
      case smtp::RecipientStatus::delivered:
        recipient->state = RecipientState::done;
        ++relayed_count_;
        if (mail_record_wanted(*host_))
          record_mail(*host_, entry->ledger_id,
                      "relayed to " + target.name + " for " + outcome.address + ": " + outcome.reply.summary(), peer);
        // The next MTA now has it in its queue (and in the ledger's eyes it is still queued). A
        // server outside the simulation takes it out of our sight: count it as delivered there.
        if (!next_is_mta)
          ledger_.delivered(entry->ledger_id, outcome.address, "relayed to " + target.name, now);
        // RFC 3461 §5.2.2: a server without DSN will not send the success notice; we do, "relayed".
        // (One with DSN got NOTIFY with the RCPT and reports itself, §5.2.1.)
        if (recipient->dsn.notify.wants_success() && !result.server_offered_dsn)
          relayed_notices.push_back(outcome.address);
        break;
      case smtp::RecipientStatus::permanent_failure:
        failures.push_back({outcome.address, outcome.enhanced_status.empty() ? "5.0.0" : outcome.enhanced_status,
                            diagnostic, target.name});
        break;
      default:  // temporary failure (or never answered): try the next exchanger, then later
        recipient->defer({.status = outcome.enhanced_status.empty() ? "4.0.0" : outcome.enhanced_status,
                          .diagnostic = diagnostic,
                          .reply = outcome.reply.code ? outcome.reply.summary() : "",
                          .remote_mta = target.name});
        // A TLS failure is our own refusal (mta_config.h, outbound_tls), not something the server said.
        entry->last_error = outcome.stage == "TLS" ? diagnostic : target.name + " said: " + diagnostic;
        break;
    }
  }
  if (!relayed_notices.empty()) report_success(*entry, relayed_notices, mail::DeliveryAction::relayed, target.name);
  if (!failures.empty()) bounce(*entry, failures);
  if (entry->pending_count() > 0)
    record_mail(*host_, entry->ledger_id, "not delivered by " + target.name + ": " + entry->last_error, peer);
  try_next_target(job);
}

// --- the end of an attempt: done, or deferred, or expired ---

void MtaService::end_attempt(const std::string& queue_id) {
  QueueEntry* entry = queue_.find(queue_id);
  if (!entry) return;
  entry->in_flight = false;
  ++entry->attempts;
  if (entry->pending_count() == 0) {
    queue_.remove(queue_id);
  } else {
    defer(*entry);
  }
  schedule_queue_run();
}

void MtaService::defer(QueueEntry& entry) {
  const Time now = host_->simulator().now();
  const Time lifetime = entry.is_bounce() ? config_.queue.bounce_queue_lifetime : config_.queue.maximal_queue_lifetime;
  if (now - entry.arrived >= lifetime) {
    // RFC 3463 4.4.7: delivery time expired. The DSN says Action: failed (we stop trying).
    record_mail(*host_, entry.ledger_id,
                "expired: queue entry " + entry.queue_id + " has been queued " + seconds_text(now - entry.arrived) +
                    " s, longer than the lifetime of " + seconds_text(lifetime) + " s; giving up");
    std::vector<Failure> failures;
    for (const auto& recipient : entry.recipients)
      if (recipient.state == RecipientState::pending)
        failures.push_back({recipient.address, "4.4.7",
                            "delivery time expired; last error: " +
                                (recipient.last_diagnostic.empty() ? entry.last_error : recipient.last_diagnostic),
                            recipient.remote_mta});
    bounce(entry, failures, true);
    queue_.remove(entry.queue_id);
    return;
  }
  const Time delay = DeliveryQueue::backoff(entry.attempts, config_.queue);
  entry.next_attempt = now + delay;
  record_mail(*host_, entry.ledger_id,
              "deferred: queue entry " + entry.queue_id + " (" + entry.last_error + "); attempt " +
                  std::to_string(entry.attempts) + " failed, next retry at " + format_seconds(entry.next_attempt) +
                  " s (in " + seconds_text(delay) + " s)");
  warn_if_delayed(entry);
}

// Checked at each deferral, not with a timer of its own: like Postfix's queue manager, which
// compares the message's age with delay_warning_time when a delivery attempt fails. A message
// can only be "still undelivered" at the end of a failed attempt, so no other moment matters,
// and a message delivered before then never needs a cancelled timer.
void MtaService::warn_if_delayed(QueueEntry& entry) {
  const Time warning_time = config_.queue.delay_warning_time;
  const Time now = host_->simulator().now();
  // RFC 5321 §4.5.5: mail with the null sender <> (a DSN) is never answered, not even with a warning.
  if (warning_time <= 0 || entry.delay_warned || entry.is_bounce() || now - entry.arrived < warning_time) return;
  entry.delay_warned = true;
  const Time retry_until = entry.arrived + config_.queue.maximal_queue_lifetime;
  std::vector<BouncedRecipient> pending;
  std::string to, status;
  for (const auto& recipient : entry.recipients) {
    if (recipient.state != RecipientState::pending) continue;  // delivered or bounced: not listed
    if (!wants_delay_notice(entry, recipient.address)) continue;  // NOTIFY without DELAY (RFC 3461 §4.1)
    // A temporary failure's code (RFC 3463 4.x.x); "4.0.0" (other or undefined) if there was none.
    const std::string code = recipient.last_status.rfind("4.", 0) == 0 ? recipient.last_status : "4.0.0";
    pending.push_back(report_line(entry, recipient.address, code, recipient.last_reply, recipient.remote_mta));
    to += (to.empty() ? "" : ", ") + recipient.address;
    if (status.find(code) == std::string::npos) status += (status.empty() ? "" : ", ") + code;
  }
  if (pending.empty()) return;
  // Like a bounce it is the system's own mail: null sender, a "-DELAY" id the ledger does not
  // count, and the normal queue and delivery path to the sender.
  const std::string dsn_id = ledger_.name_report(entry.ledger_id, "DELAY", entry.queue_id);
  std::string dsn = make_delay_warning_message(hostname(), entry, pending, now, retry_until, ++message_counter_, dsn_id,
                                               host_->simulator().epoch_seconds());
  ++delay_warning_count_;
  record_mail(*host_, entry.ledger_id,
              "delay warning for " + entry.queue_id + " sent to <" + entry.sender + "> as " + dsn_id + ": " + to +
                  " still undelivered after " + seconds_text(now - entry.arrived) + " s (" + status +
                  "); DSN Action: delayed, still trying until " + format_seconds(retry_until) + " s (Will-Retry-Until: " +
                  mail::format_date(host_->simulator().wall_clock_seconds(retry_until)) + ")");
  enqueue_report(dsn_id, entry.sender, std::move(dsn));
}

void MtaService::fail_all_pending(QueueEntry& entry, const std::string& status, const std::string& diagnostic) {
  std::vector<Failure> failures;
  for (const auto& recipient : entry.recipients)
    if (recipient.state == RecipientState::pending) failures.push_back({recipient.address, status, diagnostic, ""});
  bounce(entry, failures);
}

void MtaService::bounce(QueueEntry& entry, const std::vector<Failure>& failures, bool expired) {
  if (failures.empty()) return;
  const Time now = host_->simulator().now();
  std::vector<BouncedRecipient> report;
  for (const auto& failure : failures) {
    for (auto& recipient : entry.recipients)
      if (recipient.address == failure.recipient && recipient.state == RecipientState::pending)
        recipient.state = RecipientState::done;
    ledger_.bounced(entry.ledger_id, failure.recipient, failure.status, now);
    ++bounced_count_;
    record_mail(*host_, entry.ledger_id,
                "bounced " + failure.recipient + ": " + failure.status + (expired ? " (delivery time expired)" : "") +
                    " — " + failure.diagnostic);
    // RFC 3461 §4.1: NOTIFY without FAILURE (NEVER, or only SUCCESS/DELAY): no failure notice.
    if (wants_failure_notice(entry, failure.recipient))
      report.push_back(report_line(entry, failure.recipient, failure.status, failure.diagnostic, failure.remote_mta));
  }
  if (entry.is_bounce()) {
    // RFC 5321 §4.5.5 (and §6.1): a message with the null reverse-path is never answered with a
    // bounce, or two broken servers could bounce bounces at each other forever.
    record_mail(*host_, entry.ledger_id,
                "dropped: the undeliverable message has the null sender <>, so no bounce is sent (RFC 5321 §4.5.5)");
    return;
  }
  if (report.empty()) {
    record_mail(*host_, entry.ledger_id,
                "no bounce report: the sender asked for none (RFC 3461 NOTIFY without FAILURE)");
    return;
  }
  const std::string dsn_id = ledger_.name_report(entry.ledger_id, "DSN", entry.queue_id);
  std::string dsn = make_bounce_message(hostname(), entry, report, now, ++message_counter_, dsn_id,
                                        host_->simulator().epoch_seconds());
  record_mail(*host_, entry.ledger_id,
              "DSN: bounce report (" + report.front().status + ") sent to <" + entry.sender + "> as " + dsn_id +
                  "; DSN Action: failed, given up (RFC 3464 §2.3.3)");
  enqueue_report(dsn_id, entry.sender, std::move(dsn));
}

}  // namespace maillab::engine
