// What a device shows, and what the server holds, at the end of a run.
//
//   expect:
//     - device_shows: {device: bob-phone, folder: INBOX, subject: "Lunch?", count: 1, seen: true}
//     - device_shows: {device: bob-phone, subject: "Lunch?", not_seen: true}
//     - device_count: {device: bob-laptop, folder: INBOX, count: 0}
//     - device_ok: bob-phone                     # no operation of the device failed
//     - server_has: {address: bob@example.org, folder: INBOX, subject: "Lunch?", count: 1, seen: true}
//
// device_shows and server_has count the messages that match every filter given (subject exact,
// from as a substring of the From field, seen / answered); with no `count:` at least one must.
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"
#include "protocols/mail/message.h"
#include "scenarios/modules/client_module.h"

namespace maillab::scenarios::client_module {
namespace {

struct Filters {
  std::string folder = "INBOX";
  std::optional<std::string> subject, from;
  std::optional<bool> seen, answered;
  std::optional<std::int64_t> count;
  std::string describe() const {
    std::string out;
    if (subject) out += " subject '" + *subject + "'";
    if (from) out += " from '" + *from + "'";
    if (seen) out += *seen ? " read" : " unread";
    if (answered) out += *answered ? " answered" : " not answered";
    return out;
  }
};

bool read_filters(const YAML::Node& value, Filters& filters, LoadContext& context) {
  bool ok = true;
  auto text = [&](const char* key, std::optional<std::string>& into) {
    if (!value[key]) return;
    into = context.text(value[key], key);
    if (!into) ok = false;
  };
  auto flag = [&](const char* key, std::optional<bool>& into, bool invert) {
    if (!value[key]) return;
    auto read = context.boolean(value[key], key);
    if (!read) ok = false;
    else into = invert ? !*read : *read;
  };
  std::optional<std::string> folder;
  text("folder", folder);
  if (folder) filters.folder = *folder;
  text("subject", filters.subject);
  text("from", filters.from);
  flag("seen", filters.seen, false);
  if (value["not_seen"]) {
    if (value["seen"]) {
      context.error(value["not_seen"], "both seen and not_seen", "one of them");
      ok = false;
    }
    flag("not_seen", filters.seen, true);
  }
  flag("answered", filters.answered, false);
  if (value["count"]) {
    filters.count = context.integer(value["count"], "message count", 0, 1'000'000);
    if (!filters.count) ok = false;
  }
  return ok;
}

ExpectationResult judge(std::int64_t matching, std::size_t in_folder, const std::string& where, const Filters& filters) {
  const bool passed = filters.count ? matching == *filters.count : matching > 0;
  std::string detail = where + " holds " + std::to_string(in_folder) + " message(s)";
  if (!filters.describe().empty()) detail += ", " + std::to_string(matching) + " of them" + filters.describe();
  return {passed, detail};
}

std::optional<Expectation> parse_device_shows(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "device_shows", {"device"},
                          {"folder", "subject", "from", "seen", "not_seen", "answered", "count"}))
    return std::nullopt;
  auto* client = device(value["device"], context);
  Filters filters;
  if (!read_filters(value, filters, context) || !client) return std::nullopt;
  Expectation expectation;
  expectation.check = [client, filters]() -> ExpectationResult {
    const auto shown = client->store().in_folder(filters.folder);
    std::int64_t matching = 0;
    for (const auto* m : shown) {
      if (filters.subject && m->subject != *filters.subject) continue;
      if (filters.from && m->from.find(*filters.from) == std::string::npos) continue;
      if (filters.seen && m->seen != *filters.seen) continue;
      if (filters.answered && m->answered != *filters.answered) continue;
      ++matching;
    }
    return judge(matching, shown.size(), client->device() + "'s " + filters.folder, filters);
  };
  return expectation;
}

std::optional<Expectation> parse_device_count(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "device_count", {"device", "count"}, {"folder"})) return std::nullopt;
  auto* client = device(value["device"], context);
  Filters filters;
  if (!read_filters(value, filters, context) || !client) return std::nullopt;
  Expectation expectation;
  expectation.check = [client, filters]() -> ExpectationResult {
    const auto shown = client->store().in_folder(filters.folder);
    return judge(static_cast<std::int64_t>(shown.size()), shown.size(), client->device() + "'s " + filters.folder, filters);
  };
  return expectation;
}

std::optional<Expectation> parse_device_ok(const YAML::Node& value, LoadContext& context) {
  auto* client = device(value, context);
  if (!client) return std::nullopt;
  Expectation expectation;
  expectation.check = [client]() -> ExpectationResult {
    if (client->problems().empty()) return {true, client->device() + ": every operation worked"};
    std::string detail = client->device() + ": " + std::to_string(client->problems().size()) + " problem(s), first: " +
                         client->problems().front();
    return {false, detail};
  };
  return expectation;
}

engine::MailboxService* mailboxes_for(engine::Network& network, const std::string& domain) {
  for (auto* host : network.hosts())
    if (auto* mailboxes = host->find_service<engine::MailboxService>())
      if (mailboxes->serves_domain(domain)) return mailboxes;
  return nullptr;
}

std::optional<Expectation> parse_server_has(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "server_has", {"address"}, {"folder", "subject", "from", "seen", "not_seen", "answered", "count"}))
    return std::nullopt;
  auto address = context.text(value["address"], "mailbox address");
  Filters filters;
  if (!read_filters(value, filters, context) || !address) return std::nullopt;
  const auto at = address->rfind('@');
  if (at == std::string::npos) {
    context.error(value["address"], "'" + *address + "' is not an address", "user@domain");
    return std::nullopt;
  }
  engine::Network* network = &context.world.network;
  const std::string user = address->substr(0, at), domain = address->substr(at + 1);
  Expectation expectation;
  expectation.check = [network, user, domain, filters, address = *address]() -> ExpectationResult {
    auto* mailboxes = mailboxes_for(*network, domain);
    if (!mailboxes) return {false, "no host keeps mailboxes for " + domain};
    const auto* folder = mailboxes->store().folder(user, filters.folder);
    if (!folder) return {false, address + " has no folder " + filters.folder + " on the server"};
    std::int64_t matching = 0;
    for (const auto& message : folder->messages) {
      auto parsed = mail::parse_message(message.bytes);
      const std::string subject = parsed.ok() ? parsed.value().subject() : "";
      const std::string from = parsed.ok() ? parsed.value().headers.get("From").value_or("") : "";
      if (filters.subject && subject != *filters.subject) continue;
      if (filters.from && from.find(*filters.from) == std::string::npos) continue;
      if (filters.seen && bool(message.flags & store::flag_seen) != *filters.seen) continue;
      if (filters.answered && bool(message.flags & store::flag_answered) != *filters.answered) continue;
      ++matching;
    }
    return judge(matching, folder->messages.size(), "the server's " + address + " " + filters.folder, filters);
  };
  return expectation;
}

}  // namespace

void register_expectations(Registry& registry) {
  registry.add_expectation("device_shows", parse_device_shows);
  registry.add_expectation("device_count", parse_device_count);
  registry.add_expectation("device_ok", parse_device_ok);
  registry.add_expectation("server_has", parse_server_has);
}

}  // namespace maillab::scenarios::client_module
