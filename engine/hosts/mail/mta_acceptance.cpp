// MtaService: the verdicts at MAIL FROM, RCPT TO and the end of DATA, and taking an accepted
// message into the queue (Received header, submission fix-ups, ledger, split by destination).
#include <algorithm>
#include <cctype>

#include "engine/hosts/mail/mail_trace.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "protocols/mail/date.h"
#include "protocols/mail/message.h"
#include "protocols/mail/text.h"
#include "protocols/smtp/received.h"
#include "protocols/common/ascii_case.h"

namespace maillab::engine {
namespace {


std::string domain_of(std::string_view address) {
  const auto at = address.rfind('@');
  std::string domain(at == std::string_view::npos ? std::string_view{} : address.substr(at + 1));
  domain = common::to_lower(domain);
  return domain;
}

// Does a line of the header section start a "Name:" field (as remove_header finds them)?
bool has_field_line(std::string_view section, std::string_view name) {
  for (std::size_t at = 0; at < section.size();) {
    std::size_t end = section.find('\n', at);
    end = end == std::string_view::npos ? section.size() : end + 1;
    const std::string_view line = section.substr(at, end - at);
    if (line.size() > name.size() && line[name.size()] == ':' && mail::starts_with_ignoring_case(line, name))
      return true;
    at = end;
  }
  return false;
}

// Removes every "Name:" field (with its continuation lines) from the header section.
std::string remove_header(std::string_view message, std::string_view name) {
  const std::string_view section = mail::header_section(message);
  std::string out;
  std::size_t at = 0;
  bool skipping = false;
  while (at < section.size()) {
    std::size_t end = section.find('\n', at);
    end = end == std::string_view::npos ? section.size() : end + 1;
    const std::string_view line = section.substr(at, end - at);
    const bool continuation = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!continuation)
      skipping = line.size() > name.size() && line[name.size()] == ':' && mail::starts_with_ignoring_case(line, name);
    if (!skipping) out.append(line);
    at = end;
  }
  out.append(message.substr(section.size()));
  return out;
}

smtp::Reply ok(int code, std::string_view status, std::string_view text) { return smtp::make_reply(code, status, text); }

// Runs policies one after another (each may answer later); stops at the first refusal.
template <typename Invoke>
void run_policies(std::shared_ptr<std::vector<std::shared_ptr<MtaPolicy>>> policies, std::size_t index,
                  std::shared_ptr<std::vector<PolicyVerdict>> verdicts, Invoke invoke,
                  std::function<void(std::vector<PolicyVerdict>&)> finish) {
  if (index >= policies->size()) return finish(*verdicts);
  invoke(*(*policies)[index], [=](PolicyVerdict verdict) {
    const bool refused = verdict.reply.code >= 400;
    verdicts->push_back(std::move(verdict));
    if (refused) return finish(*verdicts);
    run_policies(policies, index + 1, verdicts, invoke, finish);
  });
}

}  // namespace

void MtaService::verdict_sender(SmtpServerConnection& connection, const smtp::SenderVerdictNeeded& request,
                                std::function<void(smtp::Reply)> decide) {
  const std::string& sender = request.reverse_path;
  // `only_local_senders`: a domain that takes no mail from outside (the null sender of bounces
  // still gets in: refusing <> breaks error reporting, RFC 5321 §4.5.5).
  if (config_.only_local_senders && !sender.empty() && !is_local_domain(domain_of(sender)))
    return decide(ok(550, "5.7.1", "<" + sender + ">: Sender address rejected: " + hostname() +
                                       " does not accept mail from outside its own domains"));
  connection.transaction().declared_size = request.parameters.size.value_or(0);
  if (config_.reject_null_mx_sender && !sender.empty() && !domain_of(sender).empty()) {
    const std::string domain = domain_of(sender);
    std::weak_ptr<bool> alive = alive_;
    std::weak_ptr<SmtpServerConnection> weak = connection.shared_from_this();
    // RFC 7505 §4.2 (and RFC 7505 §5): a domain that says it takes no mail cannot take the
    // replies and bounces this message would bring, so its address is refused as a sender.
    return resolver().resolve_mail_route(
        domain, rng_, [this, alive, weak, request, decide, domain](const StubResolver::MailRoute& route) {
          auto self = weak.lock();
          if (alive.expired() || !self) return;  // the host crashed or the client left meanwhile
          if (route.status == StubResolver::MailRoute::Status::null_mx)
            return decide(ok(550, "5.7.27", "<" + request.reverse_path + ">: Sender address rejected: Domain " + domain +
                                                " does not accept mail (null MX)"));
          check_sender_policies(*self, request, decide);
        });
  }
  check_sender_policies(connection, request, std::move(decide));
}

void MtaService::check_sender_policies(SmtpServerConnection& connection, const smtp::SenderVerdictNeeded& request,
                                       std::function<void(smtp::Reply)> decide) {
  if (policies_.empty()) {  // what the chain below ends in with no policy, without its copies
    connection.transaction().mail_from_verdicts.clear();
    return decide(ok(250, "2.1.0", "Ok"));
  }
  const std::string& sender = request.reverse_path;
  auto policies = std::make_shared<std::vector<std::shared_ptr<MtaPolicy>>>(policies_);
  auto check = std::make_shared<MailFromCheck>(MailFromCheck{*request.session, sender});
  Host* host = host_;
  std::weak_ptr<SmtpServerConnection> weak = connection.shared_from_this();
  run_policies(
      policies, 0, std::make_shared<std::vector<PolicyVerdict>>(),
      [host, check](MtaPolicy& policy, std::function<void(PolicyVerdict)> done) {
        policy.check_mail_from(*host, *check, std::move(done));
      },
      [weak, decide](std::vector<PolicyVerdict>& verdicts) {
        if (!verdicts.empty() && verdicts.back().reply.code >= 400) return decide(verdicts.back().reply);
        if (auto self = weak.lock()) self->transaction().mail_from_verdicts = verdicts;
        decide(ok(250, "2.1.0", "Ok"));
      });
}

void MtaService::verdict_recipient(SmtpServerConnection& connection, const smtp::RecipientVerdictNeeded& request,
                                   std::function<void(smtp::Reply)> decide) {
  // Postfix's reject_unknown_client_hostname in smtpd_client_restrictions, which with
  // smtpd_delay_reject=yes answers at RCPT TO: a temporary 450 (unknown_client_reject_code), so
  // the client comes back once its DNS is fixed. RFC 7372 §3.3: 4.7.25 "Reverse DNS validation
  // failed". Only the relay port: a user who logs in on 587 may send from any address.
  const auto& client = connection.client_hostname();
  if (config_.require_reverse_dns && request.session->mode == smtp::ServerMode::relay &&
      request.session->authenticated_user.empty() && client && client->status != ClientHostname::Status::verified)
    return decide(ok(450, "4.7.25", "Client host rejected: cannot find your hostname, [" +
                                        request.session->client_address + "]"));
  std::string recipient = request.recipient;
  if (recipient.find('@') == std::string::npos) {  // <postmaster> (RFC 5321 §4.1.1.3): ours
    const auto list = domains();
    recipient += "@" + (list.empty() ? hostname() : list.front());
  }
  const std::string domain = domain_of(recipient);
  if (is_local_domain(domain)) {
    recipient = mailbox_address(recipient);
    if (auto* mailboxes = this->mailboxes()) {
      if (!mailboxes->has_recipient(recipient))  // RFC 5321 §3.3: refuse unknown users at RCPT
        return decide(ok(550, "5.1.1", "<" + recipient + ">: Recipient address rejected: User unknown"));
      // SIZE= from MAIL FROM (RFC 1870) lets us refuse a message that would not fit now.
      // (RFC 5321 §4.5.3.1.10 reserves 552 for storage; RFC 3463 5.2.2 is "mailbox full".)
      const std::uint64_t size = connection.transaction().declared_size;
      if (!mailboxes->has_room_for(recipient, size))
        return decide(mailboxes->quota_full_is_temporary()
                          ? ok(452, "4.2.2", "<" + recipient + ">: Recipient address rejected: Mailbox full, try again later")
                          : ok(552, "5.2.2", "<" + recipient + ">: Recipient address rejected: Mailbox full"));
    }
    return decide(accept_recipient(request, recipient, "Ok"));
  }
  if (is_relay_domain(domain)) return decide(accept_recipient(request, recipient, "Ok (we are a backup MX for " + domain + ")"));
  if (!request.session->authenticated_user.empty()) return decide(ok(250, "2.1.5", "Ok"));
  // Relaying for a stranger. RFC 5321 §3.6.2 and §4.2.2 would rather have 550 here; Postfix (and
  // this project's issue) answer 554 5.7.1 "Relay access denied" (RFC 3463: delivery not authorized).
  return decide(ok(554, "5.7.1", "<" + recipient + ">: Relay access denied"));
}

smtp::Reply MtaService::accept_recipient(const smtp::RecipientVerdictNeeded& request, const std::string& recipient,
                                          std::string text) {
  // Like postgrey behind Postfix's check_policy_service: only strangers on the relay port, and
  // only once the recipient is known to be one we take (unknown users get their 550 first).
  if (config_.greylist && request.session->mode == smtp::ServerMode::relay &&
      request.session->authenticated_user.empty()) {
    const auto verdict =
        greylist_.check(request.session->client_address, request.reverse_path, recipient, host_->simulator().now());
    if (!verdict.pass)
      return ok(450, "4.7.1", "<" + recipient + ">: Recipient address rejected: Greylisted, try again in " +
                                  std::to_string((verdict.wait + 999'999) / 1'000'000) + " s");
  }
  return ok(250, "2.1.5", text);
}

std::optional<smtp::Reply> MtaService::refuse_before_policies(const smtp::MessageVerdictNeeded& request,
                                                              const mail::HeaderIndex& fields) {
  // RFC 5321 §6.3: a message that has passed through hop_limit servers is in a loop (a forward
  // that points back, two MX records naming each other); refuse it so it is bounced, not relayed.
  const std::size_t hops = fields.count("Received");
  if (hops >= config_.hop_limit)
    return ok(554, "5.4.6", "Too many hops: the message has " + std::to_string(hops) +
                                " Received lines (hop_limit " + std::to_string(config_.hop_limit) +
                                "); mail loop? (RFC 5321 §6.3)");
  // A message bigger than a local recipient's free space (only now is its size known for sure).
  auto* mailboxes = this->mailboxes();
  if (!mailboxes) return std::nullopt;
  bool any_fits = false, any_local = false;
  for (const auto& recipient : request.envelope.recipients) {
    if (!is_local_domain(domain_of(recipient))) {
      any_fits = true;
      continue;
    }
    any_local = true;
    if (!mailboxes->has_recipient(recipient) || mailboxes->has_room_for(recipient, request.message->size()))
      any_fits = true;
  }
  if (!any_local || any_fits) return std::nullopt;
  return mailboxes->quota_full_is_temporary()
             ? ok(452, "4.2.2", "Requested action not taken: mailbox full, try again later")
             : ok(552, "5.2.2", "Requested mail action aborted: mailbox full");
}

void MtaService::verdict_message(SmtpServerConnection& connection, const smtp::MessageVerdictNeeded& request,
                                 std::function<void(smtp::Reply)> decide) {
  // The header fields are read here once, for these checks and for message_accepted after them.
  SmtpServerConnection::Transaction& transaction = connection.transaction();
  transaction.message = request.message;
  const mail::HeaderIndex& fields = transaction.headers.emplace(mail::header_section(*request.message));
  if (auto refusal = refuse_before_policies(request, fields)) return decide(*refusal);
  if (policies_.empty()) {  // what the chain below ends in with no policy, without its copies
    std::vector<PolicyVerdict> none;
    return decide(queue_checked_message(connection, none));
  }
  auto policies = std::make_shared<std::vector<std::shared_ptr<MtaPolicy>>>(policies_);
  // The policies may answer after the connection is gone: they keep the shared text alive.
  smtp::SharedMessage message = request.message;
  auto from_verdicts = std::make_shared<std::vector<PolicyVerdict>>(connection.transaction().mail_from_verdicts);
  auto check = std::make_shared<MessageCheck>(MessageCheck{*request.session, request.envelope, message.get(),
                                                           from_verdicts.get()});
  Host* host = host_;
  std::weak_ptr<SmtpServerConnection> weak = connection.shared_from_this();
  std::weak_ptr<bool> alive = alive_;
  run_policies(
      policies, 0, std::make_shared<std::vector<PolicyVerdict>>(),
      [host, check, message, from_verdicts](MtaPolicy& policy, std::function<void(PolicyVerdict)> done) {
        policy.check_message(*host, *check, std::move(done));
      },
      [this, alive, weak, decide](std::vector<PolicyVerdict>& verdicts) {
        if (!verdicts.empty() && verdicts.back().reply.code >= 400) return decide(verdicts.back().reply);
        auto self = weak.lock();
        if (!self || alive.expired()) return;
        decide(queue_checked_message(*self, verdicts));
      });
}

smtp::Reply MtaService::queue_checked_message(SmtpServerConnection& connection, std::vector<PolicyVerdict>& verdicts) {
  PolicyVerdict merged;
  for (auto& verdict : verdicts) {
    for (auto& header : verdict.prepend_headers) merged.prepend_headers.push_back(header);
    if (!verdict.folder.empty()) merged.folder = verdict.folder;
  }
  connection.transaction().message_verdict = std::move(merged);
  connection.transaction().queue_id = queue_.next_queue_id();
  return ok(250, "2.0.0", "Ok: queued as " + connection.transaction().queue_id);
}

void MtaService::Stamped::prepend(std::string_view name, std::string_view value) {
  above.insert(0, mail::fold_header_line(name, value));  // what mail::prepend_header writes
}

std::string MtaService::ledger_id_for(SmtpServerConnection& connection, const smtp::MessageAccepted& accepted,
                                      const mail::HeaderIndex& fields, Stamped& message) {
  // Carried from one of our MTAs, or a new message entering the system — with the id its
  // simulated sender reserved, if the ledger confirms it did (a header from anywhere else is
  // never trusted: the ledger knows which ids it gave out).
  const std::string_view text = *accepted.message;
  // What message_accepted asks about `below`.
  auto read_fields = [&message](const mail::HeaderIndex& read) {
    message.subject = read.get("Subject");
    message.has_date = read.contains("Date");
    message.has_message_id = read.contains("Message-ID");
  };
  const std::string carried = fields.get(tracking_header).value_or("");
  message.below = text;
  if (connection.peer_is_mta() && !carried.empty()) {
    read_fields(fields);
    return carried;
  }
  if (has_field_line(mail::header_section(text), tracking_header)) {
    message.below_without_tracking = remove_header(text, tracking_header);
    message.below = message.below_without_tracking;
  }
  // The removal takes the tracking field alone, so the fields read below are the first read's;
  // read again only when the first read failed.
  if (fields.ok()) read_fields(fields);
  else read_fields(mail::HeaderIndex(mail::header_section(message.below)));
  std::string ledger_id = ledger_.accept(accepted.envelope.reverse_path, message.subject.value_or(""),
                                         accepted.envelope.recipients, host_->simulator().now(), carried);
  message.prepend(tracking_header, ledger_id);
  return ledger_id;
}

void MtaService::add_missing_submission_headers(Stamped& message, Time now) {
  if (!message.has_date) message.prepend("Date", mail::format_date(host_->simulator().wall_clock_seconds(now)));
  if (!message.has_message_id)
    message.prepend("Message-ID",
                    mail::make_message_id(hostname(), ++message_counter_, host_->simulator().wall_clock_seconds(now)));
}

void MtaService::message_accepted(SmtpServerConnection& connection, const smtp::MessageAccepted& accepted) {
  const Time now = host_->simulator().now();
  const smtp::SessionInfo& session = *accepted.session;
  const bool submitted = !session.authenticated_user.empty() || session.mode != smtp::ServerMode::relay;
  // The fields verdict_message read from this very text, or (a session asked no verdict of this
  // MTA, as when its synchronous policy decided) read now.
  const SmtpServerConnection::Transaction& transaction = connection.transaction();
  std::optional<mail::HeaderIndex> read_now;
  const mail::HeaderIndex& fields = transaction.message == accepted.message && transaction.headers
                                        ? *transaction.headers
                                        : read_now.emplace(mail::header_section(*accepted.message));
  Stamped stamped;
  const std::string ledger_id = ledger_id_for(connection, accepted, fields, stamped);
  if (submitted) add_missing_submission_headers(stamped, now);
  // RFC 5321 §4.4: every SMTP server that takes a message prepends a Received line.
  const std::string queue_id =
      connection.transaction().queue_id.empty() ? queue_.next_queue_id() : connection.transaction().queue_id;
  const std::string for_recipient = accepted.envelope.recipients.size() == 1 ? accepted.envelope.recipients[0] : "";
  stamped.above.insert(0, smtp::received_header(session, queue_id, for_recipient, host_->simulator().wall_clock_seconds(now)));
  // Then the policies' trace fields above it: Received-SPF from MAIL FROM, Authentication-Results
  // from the end of DATA on top (RFC 8601 §5: prepended, like Received). Each verdict's fields
  // keep their order.
  auto prepend_policy_fields = [&stamped](const PolicyVerdict& verdict) {
    for (auto it = verdict.prepend_headers.rbegin(); it != verdict.prepend_headers.rend(); ++it)
      stamped.prepend(it->first, it->second);
  };
  for (const auto& from_verdict : connection.transaction().mail_from_verdicts) prepend_policy_fields(from_verdict);
  const PolicyVerdict& verdict = connection.transaction().message_verdict;
  prepend_policy_fields(verdict);
  std::string message = std::move(stamped.above);
  message.reserve(message.size() + stamped.below.size());
  message += stamped.below;

  if (mail_record_wanted(*host_)) {
    std::string how = std::string(smtp::to_string(session.mode)) + " port" +
                      (session.authenticated_user.empty() ? "" : ", authenticated as " + session.authenticated_user);
    record_mail(*host_, ledger_id,
                "accepted from " + connection.peer_name() + " (" + how + "): <" + accepted.envelope.reverse_path +
                    "> to " + std::to_string(accepted.envelope.recipients.size()) + " recipient(s), queued as " +
                    queue_id,
                connection.peer_name());
  }
  enqueue({.ledger_id = ledger_id,
           .sender = accepted.envelope.reverse_path,
           .recipients = accepted.envelope.recipients,
           .message = std::move(message),
           .folder = verdict.folder,
           .submitted_here = submitted,
           .first_queue_id = queue_id,
           .dsn = &accepted.envelope});
}

std::string MtaService::inject(std::string sender, std::vector<std::string> recipients, std::string message,
                               std::string ledger_id) {
  const Time now = host_->simulator().now();
  if (ledger_id.empty()) {
    ledger_id = ledger_.accept(sender, mail::HeaderIndex(mail::header_section(message)).get("Subject").value_or(""),
                               recipients, now);
    message = mail::prepend_header(message, tracking_header, ledger_id);
  }
  record_mail(*host_, ledger_id, "accepted from a program on " + host_->name() + ": <" + sender + "> to " +
                                     std::to_string(recipients.size()) + " recipient(s)");
  enqueue({.ledger_id = ledger_id,
           .sender = std::move(sender),
           .recipients = std::move(recipients),
           .message = std::move(message),
           .submitted_here = true});
  return ledger_id;
}

std::string MtaService::mailbox_address(const std::string& recipient) const {
  // RFC 5321 §4.5.1: postmaster (the local part in any case) is accepted at every domain this MTA
  // takes mail for, even one its mailboxes do not list: that mail goes to their postmaster.
  auto* mailboxes = this->mailboxes();
  const auto at = recipient.rfind('@');
  if (!mailboxes || mailboxes->domains().empty() || at == std::string::npos ||
      !mail::equals_ignoring_case(std::string_view(recipient).substr(0, at), "postmaster") ||
      mailboxes->serves_domain(domain_of(recipient)))
    return recipient;
  return "postmaster@" + mailboxes->domains().front();
}

std::vector<MtaService::Split> MtaService::split_by_destination(const std::vector<std::string>& recipients) const {
  std::vector<Split> splits;
  for (const auto& recipient : recipients) {
    std::string domain = domain_of(recipient);
    const bool local = recipient.find('@') == std::string::npos || is_local_domain(domain);
    if (local) domain.clear();
    auto found = std::find_if(splits.begin(), splits.end(),
                              [&](const Split& split) { return split.local == local && split.domain == domain; });
    if (found == splits.end()) splits.push_back({local, domain, {recipient}});
    else found->recipients.push_back(recipient);
  }
  return splits;
}

void MtaService::enqueue_report(const std::string& report_id, const std::string& to, std::string report) {
  enqueue({.ledger_id = report_id, .recipients = {to}, .message = std::move(report), .own_report = true});
}

void MtaService::enqueue(QueueRequest request) {
  const Time now = host_->simulator().now();
  const smtp::Envelope* dsn = request.dsn;
  std::vector<Split> splits = split_by_destination(request.recipients);
  for (auto& split : splits) {
    const bool last = &split == &splits.back();  // the last entry takes the text, the others a copy
    QueueEntry entry;
    entry.queue_id = std::move(request.first_queue_id);
    request.first_queue_id.clear();
    entry.ledger_id = request.ledger_id;
    entry.sender = request.sender;
    entry.domain = split.domain;
    entry.local = split.local;
    for (auto& recipient : split.recipients) {
      std::string address = recipient;
      if (address.find('@') == std::string::npos) {  // <postmaster>
        const auto list = domains();
        address += "@" + (list.empty() ? hostname() : list.front());
      }
      QueuedRecipient queued_recipient;
      queued_recipient.address = address;
      if (dsn)
        for (std::size_t index = 0; index < dsn->recipients.size(); ++index)
          if (dsn->recipients[index] == recipient) queued_recipient.dsn = dsn->dsn_for(index);
      entry.recipients.push_back(std::move(queued_recipient));
    }
    entry.message = last ? std::move(request.message) : request.message;
    entry.folder = request.folder;
    entry.submitted_here = request.submitted_here;
    entry.own_report = request.own_report;
    if (dsn) {
      entry.dsn_ret = dsn->ret;
      entry.dsn_envid = dsn->envid;
    }
    entry.arrived = now;
    entry.next_attempt = now;
    QueueEntry& queued = queue_.add(std::move(entry));
    if (!mail_record_wanted(*host_)) continue;
    std::string to;
    for (const auto& recipient : queued.recipients) to += (to.empty() ? "" : ", ") + recipient.address;
    record_mail(*host_, request.ledger_id,
                "queued " + queued.queue_id + " for " + (queued.local ? "local delivery" : queued.domain) + ": " + to);
  }
  schedule_queue_run();
}

}  // namespace maillab::engine
