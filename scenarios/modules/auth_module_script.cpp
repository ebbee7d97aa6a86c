// Events and expectations of sender authentication:
//
//   - {at: 0s, tamper: {host: relay, header: Subject, replace: "URGENT: new bank details"}}
//   - {at: 0s, tamper: {host: relay, body_replace: {find: "IBAN 1234", with: "IBAN 6666"}}}
//   - {at: 0s, tamper: {host: relay, body_append: "-- sent via the list"}}
//   - {at: 0s, tamper: {host: relay, add_header: {name: X-Scanned, value: "yes"}}}
//
// `host` runs an MTA that relays the message: from `at` on, each message it forwards is altered
// just before it leaves (a `fault` record "tampered in transit: ..."). Mail it delivers to its own
// mailboxes is not touched.
//
//   - {auth_results: {to: bob@example.org, folder?: INBOX, subject?: "Hi", spf?: pass, dkim?: fail,
//                     dmarc?: pass, contains?: "header.d=example.com"}}
//
// The newest matching message in that folder carries an Authentication-Results header whose
// spf/dkim/dmarc results are the ones given (dkim: any of its dkim results) and whose text
// contains `contains`.
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"
#include "protocols/auth/authentication_results.h"
#include "protocols/auth/message_headers.h"
#include "scenarios/modules/auth_module.h"

namespace maillab::scenarios::auth_module {
namespace {

std::string to_crlf_lines(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

std::optional<engine::Simulator::Action> parse_tamper(const YAML::Node& value, engine::Time at, LoadContext& context) {
  if (!context.check_keys(value, "tamper", {"host"}, {"header", "replace", "body_replace", "body_append", "add_header"}))
    return std::nullopt;
  engine::Host* host = context.host(value["host"], "tamper host");
  if (!host) return std::nullopt;
  auto* mta = host->find_service<engine::MtaService>();
  if (!mta) {
    context.error(value["host"], "'" + host->name() + "' runs no MTA, so it relays no mail to tamper with",
                  "a host with an mta: block that forwards the message");
    return std::nullopt;
  }
  std::vector<engine::TamperRule> rules;
  if (value["header"] || value["replace"]) {
    if (!value["header"] || !value["replace"]) {
      context.error(value, "header: and replace: go together", "{header: Subject, replace: \"new text\"}");
      return std::nullopt;
    }
    auto header = context.text(value["header"], "tamper header");
    auto replace = context.text(value["replace"], "tamper replace");
    if (!header || !replace) return std::nullopt;
    rules.push_back({engine::TamperRule::Kind::replace_header, *header, "", *replace, at});
  }
  if (const YAML::Node& body = value["body_replace"]) {
    if (!context.check_keys(body, "body_replace", {"find", "with"}, {})) return std::nullopt;
    auto find = context.text(body["find"], "body_replace find");
    auto with = context.text(body["with"], "body_replace with");
    if (!find || !with) return std::nullopt;
    if (find->empty()) {
      context.error(body["find"], "body_replace find is empty", "the text to replace");
      return std::nullopt;
    }
    rules.push_back({engine::TamperRule::Kind::replace_body_text, "", to_crlf_lines(*find), to_crlf_lines(*with), at});
  }
  if (value["body_append"]) {
    auto text = context.text(value["body_append"], "body_append");
    if (!text) return std::nullopt;
    rules.push_back({engine::TamperRule::Kind::append_body, "", "", to_crlf_lines(*text), at});
  }
  if (const YAML::Node& add = value["add_header"]) {
    if (!context.check_keys(add, "add_header", {"name", "value"}, {})) return std::nullopt;
    auto name = context.text(add["name"], "add_header name");
    auto text = context.text(add["value"], "add_header value");
    if (!name || !text) return std::nullopt;
    rules.push_back({engine::TamperRule::Kind::add_header, *name, "", *text, at});
  }
  if (rules.empty()) {
    context.error(value, "tamper says nothing to change", "header:+replace:, body_replace:, body_append: or add_header:");
    return std::nullopt;
  }
  auto& relay = context.world.module_state<State>().tamperers[host->name()];
  if (!relay) {
    relay = std::make_shared<engine::TamperingRelay>();
    mta->add_policy(relay);
  }
  std::string what;
  for (const auto& rule : rules) {
    relay->add_rule(rule);
    switch (rule.kind) {
      case engine::TamperRule::Kind::replace_header: what += " rewrite " + rule.header + ";"; break;
      case engine::TamperRule::Kind::add_header: what += " add a " + rule.header + " header;"; break;
      case engine::TamperRule::Kind::replace_body_text: what += " change text in the body;"; break;
      case engine::TamperRule::Kind::append_body: what += " append to the body;"; break;
    }
  }
  what.pop_back();
  engine::Host* where = host;
  return engine::Simulator::Action([where, what] {
    engine::TraceRecord record;
    record.time = where->simulator().now();
    record.kind = engine::TraceKind::fault;
    record.node = where->name();
    record.summary = "tampering relay: from now on " + where->name() + " will" + what + " in mail it forwards";
    where->simulator().trace().record(std::move(record));
  });
}

engine::MailboxService* mailboxes_for(engine::Network& network, const std::string& domain) {
  for (auto* host : network.hosts())
    if (auto* mailboxes = host->find_service<engine::MailboxService>())
      if (mailboxes->serves_domain(domain)) return mailboxes;
  return nullptr;
}

std::optional<Expectation> parse_auth_results(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "auth_results", {"to"}, {"folder", "subject", "spf", "dkim", "dmarc", "contains"}))
    return std::nullopt;
  auto to = context.text(value["to"], "auth_results to");
  std::optional<std::string> folder = std::string("INBOX");
  if (value["folder"]) folder = context.text(value["folder"], "folder");
  std::map<std::string, std::string> wanted;
  for (const char* method : {"spf", "dkim", "dmarc"}) {
    if (!value[method]) continue;
    auto text = context.text(value[method], method);
    if (!text) return std::nullopt;
    wanted[method] = *text;
  }
  std::optional<std::string> subject, contains;
  if (value["subject"] && !(subject = context.text(value["subject"], "subject"))) return std::nullopt;
  if (value["contains"] && !(contains = context.text(value["contains"], "contains"))) return std::nullopt;
  if (!to || !folder) return std::nullopt;
  const auto at = to->rfind('@');
  if (at == std::string::npos || at == 0) {
    context.error(value["to"], "'" + *to + "' is not an address", "user@domain");
    return std::nullopt;
  }
  const std::string user = to->substr(0, at), domain = to->substr(at + 1);
  engine::Network* network = &context.world.network;
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    auto* mailboxes = mailboxes_for(*network, domain);
    if (!mailboxes) return {false, "no host keeps mailboxes for " + domain};
    const auto* box = mailboxes->store().folder(user, *folder);
    if (!box) return {false, *to + " has no folder " + *folder};
    for (auto message = box->messages.rbegin(); message != box->messages.rend(); ++message) {
      const auto split = auth::split_message(auth::to_crlf(message->bytes.text()));
      if (subject) {
        bool same = false;
        for (const auto& field : split.headers)
          if (field.name == "Subject" && field.value() == *subject) same = true;
        if (!same) continue;
      }
      const auth::HeaderField* found = nullptr;
      for (const auto& field : split.headers)
        if (field.name == "Authentication-Results") {
          found = &field;  // the topmost one: added by the last MTA, the mailbox's own
          break;
        }
      if (!found) return {false, "the newest message in " + *to + " " + *folder + " has no Authentication-Results header"};
      const std::string text = found->value();
      auto parsed = auth::parse_authentication_results(text);
      if (!parsed) return {false, "unreadable Authentication-Results: " + text};
      std::string problems;
      for (const auto& [method, result] : wanted) {
        bool match = false;
        std::string seen;
        for (const auto& item : parsed->results)
          if (item.method == method) {
            seen += (seen.empty() ? "" : ",") + item.result;
            if (item.result == result) match = true;
          }
        if (!match) problems += " " + method + "=" + (seen.empty() ? "(absent)" : seen) + " (wanted " + result + ")";
      }
      if (contains && text.find(*contains) == std::string::npos) problems += " no '" + *contains + "' in it";
      return {problems.empty(), "Authentication-Results: " + text + (problems.empty() ? "" : " --" + problems)};
    }
    return {false, *to + " " + *folder + " holds " + std::to_string(box->messages.size()) + " message(s), none matching"};
  };
  return expectation;
}

}  // namespace

void register_script(Registry& registry) {
  registry.add_action("tamper", parse_tamper);
  registry.add_expectation("auth_results", parse_auth_results);
}

}  // namespace maillab::scenarios::auth_module
