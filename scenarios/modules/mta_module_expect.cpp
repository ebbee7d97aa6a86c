// Mail expectations:
//   delivered:  {to: bob@example.org, subject?: "Hi", folder?: INBOX, count?: 1}
//   bounced:    {sender: alice@example.com, status?: 5.1.1, count?: 1}
//   rejected:   {reply: 554, contains?: "5.7.1", host?: mx.example.org}
//   smtp_reply: {host: mx.example.org, code: 550, contains?: "5.1.1", count?/at_least?}
//   queued:     {host: mail.example.com, count: 1}
#include <algorithm>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"
#include "protocols/mail/delivery_status.h"
#include "protocols/mail/message.h"
#include "scenarios/modules/mta_module.h"
#include "scenarios/modules/trace_tally.h"

namespace maillab::scenarios::mta_module {
namespace {

engine::MailboxService* mailboxes_for(engine::Network& network, const std::string& domain) {
  for (auto* host : network.hosts())
    if (auto* mailboxes = host->find_service<engine::MailboxService>())
      if (mailboxes->serves_domain(domain)) return mailboxes;
  return nullptr;
}

std::string header_value(const std::string& bytes, std::string_view name) {
  auto headers = mail::parse_headers(mail::header_section(bytes));
  return headers.ok() ? headers.value().get(name).value_or("") : "";
}

bool split_address(const std::string& address, std::string& user, std::string& domain) {
  const auto at = address.rfind('@');
  if (at == std::string::npos || at == 0) return false;
  user = address.substr(0, at);
  domain = address.substr(at + 1);
  return true;
}

std::optional<Expectation> parse_delivered(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "delivered", {"to"}, {"subject", "folder", "count", "contains"})) return std::nullopt;
  auto to = context.text(value["to"], "delivered to");
  std::optional<std::string> folder = std::string("INBOX"), subject, contains;
  if (value["folder"]) folder = context.text(value["folder"], "folder");
  if (value["subject"]) subject = context.text(value["subject"], "subject");
  if (value["contains"]) contains = context.text(value["contains"], "contains");
  std::optional<std::int64_t> count;
  if (value["count"]) count = context.integer(value["count"], "count", 0, 1'000'000);
  std::string user, domain;
  if (!to || !folder || (value["subject"] && !subject) || (value["count"] && !count) ||
      (value["contains"] && !contains))
    return std::nullopt;
  if (!split_address(*to, user, domain)) {
    context.error(value["to"], "'" + *to + "' is not an address", "user@domain");
    return std::nullopt;
  }
  engine::Network* network = &context.world.network;
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    auto* mailboxes = mailboxes_for(*network, domain);
    if (!mailboxes) return {false, "no host keeps mailboxes for " + domain};
    const auto* box = mailboxes->store().folder(user, *folder);
    if (!box) return {false, *to + " has no folder " + *folder};
    std::int64_t matching = 0;
    for (const auto& message : box->messages)
      if ((!subject || header_value(message.bytes.text(), "Subject") == *subject) &&
          (!contains || message.bytes.view().find(*contains) != std::string_view::npos))
        ++matching;
    std::string seen = *to + " " + *folder + " holds " + std::to_string(box->messages.size()) + " message(s)";
    if (subject || contains)
      seen += ", " + std::to_string(matching) + " with" + (subject ? " subject \"" + *subject + "\"" : "") +
              (subject && contains ? " and" : "") + (contains ? " \"" + *contains + "\" in it" : "");
    return {count ? matching == *count : matching > 0, seen};
  };
  return expectation;
}

std::optional<Expectation> parse_bounced(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "bounced", {"sender"}, {"status", "count"})) return std::nullopt;
  auto sender = context.text(value["sender"], "bounced sender");
  std::optional<std::string> status;
  if (value["status"]) status = context.text(value["status"], "status");
  std::optional<std::int64_t> count;
  if (value["count"]) count = context.integer(value["count"], "count", 0, 1'000'000);
  if (!sender || (value["status"] && !status) || (value["count"] && !count)) return std::nullopt;
  std::string user, domain;
  if (!split_address(*sender, user, domain)) {
    context.error(value["sender"], "'" + *sender + "' is not an address", "user@domain");
    return std::nullopt;
  }
  World* world = &context.world;
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    // The DSNs in the sender's mailbox (the bounce reached its sender) ...
    std::int64_t reports = 0;
    if (auto* mailboxes = mailboxes_for(world->network, domain))
      if (const auto* box = mailboxes->store().folder(user, "INBOX"))
        for (const auto& message : box->messages) {
          auto report = mail::parse_delivery_status_notification(message.bytes.text());
          if (!report.ok()) continue;
          // A delay warning (Action: delayed) is a DSN too, but not a bounce: the mail is still queued.
          for (const auto& recipient : report.value().recipients)
            if (recipient.action == mail::DeliveryAction::failed && (!status || recipient.status == *status)) {
              ++reports;
              break;
            }
        }
    // ... or, when the sender has no mailbox here, what the ledger says.
    // (Counted, not listed: a long run folds settled messages into counts, scenarios/bounded_run.h.)
    const auto ledger_bounces = static_cast<std::int64_t>(world->ledger.bounced_copies(*sender, status));
    const std::int64_t seen = reports > 0 ? reports : ledger_bounces;
    const std::string detail = std::to_string(reports) + " DSN(s)" + (status ? " with status " + *status : "") +
                               " in " + *sender + "'s INBOX; the ledger has " + std::to_string(ledger_bounces) +
                               " bounced copy(ies) from " + *sender;
    return {count ? seen == *count : seen > 0, detail};
  };
  return expectation;
}

std::optional<Expectation> parse_rejected(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "rejected", {"reply"}, {"contains", "host"})) return std::nullopt;
  auto code = context.integer(value["reply"], "reply code", 400, 599);
  std::optional<std::string> contains;
  if (value["contains"]) contains = context.text(value["contains"], "contains");
  engine::Host* host = value["host"] ? context.host(value["host"], "host") : nullptr;
  if (!code || (value["contains"] && !contains) || (value["host"] && !host)) return std::nullopt;
  engine::Network* network = &context.world.network;
  const std::string host_name = host ? host->name() : "";
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    std::string seen;
    for (auto* mta : engine::all_mtas(*network)) {
      if (!host_name.empty() && mta->host()->name() != host_name) continue;
      for (const auto& rejection : mta->rejections()) {
        const std::string line = rejection.reply.summary();
        seen += (seen.empty() ? "" : "; ") + mta->host()->name() + ": " + line;
        if (rejection.reply.code == *code && (!contains || line.find(*contains) != std::string::npos))
          return {true, mta->host()->name() + " refused " + rejection.client + " at " + rejection.stage + ": " + line};
      }
    }
    return {false, seen.empty() ? "no MTA refused anything" : "refusals seen: " + seen};
  };
  return expectation;
}

std::optional<Expectation> parse_smtp_reply(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "smtp_reply", {"host", "code"}, {"contains", "count", "at_least"})) return std::nullopt;
  engine::Host* host = context.host(value["host"], "host");
  auto code = context.integer(value["code"], "reply code", 200, 599);
  std::optional<std::string> contains;
  if (value["contains"]) contains = context.text(value["contains"], "contains");
  std::optional<std::int64_t> count, at_least = 1;
  if (value["count"]) count = context.integer(value["count"], "count", 0, 1'000'000);
  if (value["at_least"]) at_least = context.integer(value["at_least"], "at_least", 0, 1'000'000);
  if (!host || !code || (value["contains"] && !contains) || (value["count"] && !count) || !at_least)
    return std::nullopt;
  const std::string name = host->name(), prefix = std::to_string(*code);
  // Counted as the records are made: `maillab run` keeps none.
  auto replies = std::make_shared<std::int64_t>(0);
  tally_trace(context.world.simulator.trace(), [=](const engine::TraceRecord& record) {
    if (record.kind != engine::TraceKind::protocol || record.protocol != "SMTP" || record.node != name) return;
    const std::string& line = record.summary;
    if (line.size() < 4 || line.compare(0, 3, prefix) != 0 || line[3] != ' ') return;  // last line of a reply
    if (contains && line.find(*contains) == std::string::npos) return;
    ++*replies;
  });
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    const std::int64_t matching = *replies;
    const bool passed = count ? matching == *count : matching >= *at_least;
    return {passed, std::to_string(matching) + " matching " + prefix + " repl(ies) sent by " + name};
  };
  return expectation;
}

std::optional<Expectation> parse_queued(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "queued", {"host", "count"}, {})) return std::nullopt;
  engine::Host* host = context.host(value["host"], "host");
  auto count = context.integer(value["count"], "count", 0, 1'000'000);
  if (!host || !count) return std::nullopt;
  auto* mta = host->find_service<engine::MtaService>();
  if (!mta) {
    context.error(value["host"], "'" + host->name() + "' runs no MTA", "a host with an mta: block");
    return std::nullopt;
  }
  Expectation expectation;
  expectation.check = [mta, want = *count]() -> ExpectationResult {
    std::string detail = std::to_string(mta->queue().size()) + " entr(ies) in " + mta->host()->name() + "'s queue";
    for (const auto& item : mta->queue_contents())
      detail += "; " + item.queue_id + " (" + item.ledger_id + ", " + std::to_string(item.attempts) +
                " attempt(s), next at " + engine::format_seconds(item.next_attempt) + " s)";
    return {static_cast<std::int64_t>(mta->queue().size()) == want, detail};
  };
  return expectation;
}

}  // namespace

void register_expectations(Registry& registry) {
  registry.add_expectation("delivered", parse_delivered);
  registry.add_expectation("bounced", parse_bounced);
  registry.add_expectation("rejected", parse_rejected);
  registry.add_expectation("smtp_reply", parse_smtp_reply);
  registry.add_expectation("queued", parse_queued);
}

}  // namespace maillab::scenarios::mta_module
