// The `mailboxes:` host block (users, quotas, aliases, forwards of a mail domain) and the
// `mailbox:` expectation (what a user's folder holds at the end of the run).
//
//   mailboxes:
//     domains: [example.org]
//     users:
//       - {name: bob, password: secret, quota: 2000000}   # quota in bytes, optional
//     aliases: {sales: [bob, carol], info: [sales, someone@elsewhere.net]}
//     forwards: {carol: {to: [carol@elsewhere.net], keep_copy: false}}
//     postmaster: [bob]        # who reads postmaster@ (RFC 5321 §4.5.1); default: the first user
//                              # (or an alias or user named postmaster, if there is one)
//     quota_full: permanent    # or temporary: a full mailbox answers 452 4.2.2 and the sender retries
//
//   events:   # during the run: quotas, passwords, new users, forwards, quota_full
//     - {at: 30s, set: {host: mx.example.org, mailboxes: {users: [{name: bob, quota: 0}]}}}
//
//   expect:
//     - mailbox: {address: bob@example.org, folder: INBOX, count: 1, subject: "Hello"}
#include <algorithm>
#include <cctype>

#include "engine/hosts/mailbox/mailbox_service.h"
#include "scenarios/modules/builtin_modules.h"
#include "scenarios/modules/loop_checks.h"
#include "protocols/common/ascii_case.h"

namespace maillab::scenarios {
namespace {

// Returns the name of the first user declared ("" if none).
std::string parse_users(const YAML::Node& users, engine::MailboxService& mailboxes, LoadContext& context) {
  std::string first;
  if (!context.require_sequence(users, "users")) return first;
  for (const auto& user : users) {
    if (!context.check_keys(user, "user", {"name", "password"}, {"quota"})) continue;
    auto name = context.text(user["name"], "user name");
    auto password = context.text(user["password"], "password");
    std::optional<std::int64_t> quota = 0;
    if (user["quota"]) quota = context.integer(user["quota"], "quota in bytes", 0, 1'000'000'000'000);
    if (!name || !password || !quota) continue;
    if (name->empty() || name->find('@') != std::string::npos) {
      context.error(user["name"], "user name '" + *name + "'", "a local part without '@', like bob");
      continue;
    }
    if (!mailboxes.store().add_user(*name, *password, static_cast<std::uint64_t>(*quota)))
      context.error(user["name"], "user '" + *name + "' is declared twice");
    else if (first.empty())
      first = *name;
  }
  return first;
}

// RFC 5321 §4.5.1: every domain that takes mail MUST accept it for "postmaster" (any case), with
// no setup at all. `postmaster:` says who reads it; a user or alias called postmaster is used as
// it is; otherwise it is the first user (on a small site, the one who runs it).
void set_up_postmaster(const YAML::Node& block, const std::string& first_user, engine::MailboxService& mailboxes,
                       LoadContext& context) {
  auto& store = mailboxes.store();
  const bool declared = store.resolve("postmaster").found;
  if (const auto& node = block["postmaster"]) {
    auto targets = context.text_list(node, "postmaster");
    if (!targets) return;
    if (declared)
      context.error(node, "postmaster is already a user or alias of these mailboxes",
                    "either a postmaster: key or a user/alias named postmaster, not both");
    else if (targets->empty())
      context.error(node, "postmaster: names nobody", "a user, an alias or an address");
    else
      store.add_alias("postmaster", *targets);
    return;
  }
  if (!declared && !first_user.empty()) store.add_alias("postmaster", {first_user});
}

void parse_aliases(const YAML::Node& aliases, engine::MailboxService& mailboxes, LoadContext& context) {
  if (!context.require_map(aliases, "aliases")) return;
  for (const auto& entry : aliases) {
    auto alias = context.text(entry.first, "alias name");
    auto targets = context.text_list(entry.second, "alias targets");
    if (!alias || !targets) continue;
    if (!mailboxes.store().add_alias(*alias, *targets))
      context.error(entry.first, "alias '" + *alias + "' is already a user", "a name that is not a user");
  }
}

struct ForwardSetting {
  std::string name;
  std::vector<std::string> to;
  bool keep_copy = false;
};

std::vector<ForwardSetting> read_forwards(const YAML::Node& forwards, LoadContext& context) {
  std::vector<ForwardSetting> settings;
  if (!context.require_map(forwards, "forwards")) return settings;
  for (const auto& entry : forwards) {
    auto name = context.text(entry.first, "forwarded user");
    if (!context.check_keys(entry.second, "forward", {"to"}, {"keep_copy"})) continue;
    auto to = context.text_list(entry.second["to"], "forward addresses");
    std::optional<bool> keep = false;
    if (entry.second["keep_copy"]) keep = context.boolean(entry.second["keep_copy"], "keep_copy");
    if (!name || !to || !keep) continue;
    settings.push_back({*name, *to, *keep});
  }
  return settings;
}

void apply_forwards(const std::vector<ForwardSetting>& forwards, engine::MailboxService& mailboxes) {
  for (const auto& forward : forwards) mailboxes.store().set_forward(forward.name, forward.to, forward.keep_copy);
}

// `quota_full: permanent` (552 5.2.2, the default) or `temporary` (452 4.2.2).
std::optional<bool> read_quota_full(const YAML::Node& node, LoadContext& context) {
  auto text = context.text(node, "quota_full");
  if (!text) return std::nullopt;
  if (*text == "temporary") return true;
  if (*text == "permanent") return false;
  context.error(node, "unknown quota_full '" + *text + "'", "permanent (552 5.2.2) or temporary (452 4.2.2)");
  return std::nullopt;
}

std::unique_ptr<engine::Service> parse_mailboxes(const YAML::Node& block, engine::Host&, LoadContext& context) {
  if (!context.check_keys(block, "mailboxes", {"domains"},
                          {"users", "aliases", "forwards", "postmaster", "quota_full"}))
    return nullptr;
  auto domains = context.text_list(block["domains"], "mailbox domains");
  if (!domains) return nullptr;
  auto mailboxes = std::make_unique<engine::MailboxService>(*domains);
  std::string first_user;
  if (block["users"]) first_user = parse_users(block["users"], *mailboxes, context);
  if (block["aliases"]) {
    parse_aliases(block["aliases"], *mailboxes, context);
    report_alias_loops(block, context);
  }
  if (block["forwards"]) apply_forwards(read_forwards(block["forwards"], context), *mailboxes);
  if (block["quota_full"])
    if (auto temporary = read_quota_full(block["quota_full"], context)) mailboxes->set_quota_full_temporary(*temporary);
  set_up_postmaster(block, first_user, *mailboxes, context);
  return mailboxes;
}

// `set: {host: h, mailboxes: {users: [...], forwards: {...}, quota_full: ...}}`. A user listed
// under users: that exists gets the quota and/or password given; a new one needs a password, as
// in the block. (Domains, aliases and postmaster are the mail system's shape: not changed here.)
std::optional<SettingChange> set_mailboxes(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  auto* mailboxes = host.find_service<engine::MailboxService>();
  if (!mailboxes) {
    context.error(block, "'" + host.name() + "' keeps no mailboxes", "a host with a mailboxes: block");
    return std::nullopt;
  }
  if (!context.check_keys(block, "mailboxes", {}, {"users", "forwards", "quota_full"})) return std::nullopt;
  const std::size_t errors_before = context.diagnostics.count();
  struct UserSetting {
    std::string name;
    std::optional<std::string> password;
    std::optional<std::uint64_t> quota;
  };
  std::vector<UserSetting> users;
  if (block["users"] && context.require_sequence(block["users"], "users"))
    for (const auto& user : block["users"]) {
      if (!context.check_keys(user, "user", {"name"}, {"password", "quota"})) continue;
      UserSetting setting;
      auto name = context.text(user["name"], "user name");
      if (user["password"]) setting.password = context.text(user["password"], "password");
      if (user["quota"])
        if (auto quota = context.integer(user["quota"], "quota in bytes", 0, 1'000'000'000'000))
          setting.quota = static_cast<std::uint64_t>(*quota);
      if (!name) continue;
      setting.name = *name;
      if (!mailboxes->store().has_user(*name) && !user["password"])
        context.error(user, "user '" + *name + "' is not on " + host.name() + " yet, and a new user needs a password",
                      "password: for a new user, or the name of an existing one");
      users.push_back(std::move(setting));
    }
  std::vector<ForwardSetting> forwards;
  if (block["forwards"]) forwards = read_forwards(block["forwards"], context);
  std::optional<bool> quota_full_temporary;
  if (block["quota_full"]) quota_full_temporary = read_quota_full(block["quota_full"], context);
  if (context.diagnostics.count() != errors_before) return std::nullopt;
  return SettingChange([mailboxes, users, forwards, quota_full_temporary]() -> std::vector<std::string> {
    std::vector<std::string> effects;
    auto& store = mailboxes->store();
    for (const auto& user : users) {
      if (!store.has_user(user.name)) {
        store.add_user(user.name, *user.password, user.quota.value_or(0));
        effects.push_back("new user " + user.name);
        continue;
      }
      if (user.password && !store.check_password(user.name, *user.password)) {
        store.set_password(user.name, *user.password);
        effects.push_back(user.name + "'s password changed");
      }
      if (user.quota)
        effects.push_back(user.name + " uses " + std::to_string(store.used_bytes(user.name)) + " bytes, quota " +
                          (*user.quota ? std::to_string(*user.quota) + " bytes" : "none"));
      if (user.quota) store.set_quota(user.name, *user.quota);
    }
    apply_forwards(forwards, *mailboxes);
    if (quota_full_temporary) mailboxes->set_quota_full_temporary(*quota_full_temporary);
    return effects;
  });
}

// The mailbox service holding `address`'s domain, searched over every host.
engine::MailboxService* mailboxes_for(engine::Network& network, const std::string& domain) {
  for (auto* host : network.hosts())
    for (const auto& service : host->services())
      if (auto* mailboxes = dynamic_cast<engine::MailboxService*>(service.get()))
        if (mailboxes->serves_domain(domain)) return mailboxes;
  return nullptr;
}

std::string header_value(const std::string& message, std::string_view name) {
  // Enough header reading for a check: the first "Name:" line at the start of a line in the header.
  const auto end = message.find("\r\n\r\n");
  const std::string header = message.substr(0, end);
  std::size_t at = 0;
  while (at < header.size()) {
    const auto line_end = std::min(header.find("\r\n", at), header.size());
    std::string_view line(header.data() + at, line_end - at);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        std::equal(name.begin(), name.end(), line.begin(),
                   [](char a, char b) { return common::to_lower(a) == common::to_lower(b); })) {
      auto value = line.substr(name.size() + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    at = line_end + 2;
  }
  return {};
}

std::optional<Expectation> parse_mailbox_expectation(const YAML::Node& value, LoadContext& context) {
  if (!context.check_keys(value, "mailbox", {"address"}, {"folder", "count", "subject"})) return std::nullopt;
  auto address = context.text(value["address"], "mailbox address");
  std::optional<std::string> folder = std::string("INBOX");
  if (value["folder"]) folder = context.text(value["folder"], "folder");
  std::optional<std::int64_t> count;
  if (value["count"]) count = context.integer(value["count"], "message count", 0, 1'000'000);
  std::optional<std::string> subject;
  if (value["subject"]) subject = context.text(value["subject"], "subject");
  if (!address || !folder || (value["count"] && !count) || (value["subject"] && !subject)) return std::nullopt;
  const auto at = address->rfind('@');
  if (at == std::string::npos) {
    context.error(value["address"], "'" + *address + "' is not an address", "user@domain");
    return std::nullopt;
  }
  engine::Network* network = &context.world.network;
  const std::string user = address->substr(0, at), domain = address->substr(at + 1);
  const bool want_count = count.has_value();
  Expectation expectation;
  expectation.check = [=]() -> ExpectationResult {
    auto* mailboxes = mailboxes_for(*network, domain);
    if (!mailboxes) return {false, "no host keeps mailboxes for " + domain};
    const auto* box = mailboxes->store().folder(user, *folder);
    if (!box) return {false, *address + " has no folder " + *folder};
    std::int64_t matching = 0;
    for (const auto& message : box->messages)
      if (!subject || header_value(message.bytes.text(), "Subject") == *subject) ++matching;
    const std::string seen = *address + " " + *folder + " holds " + std::to_string(box->messages.size()) +
                             " message(s)" + (subject ? ", " + std::to_string(matching) + " with that subject" : "");
    const bool passed = want_count ? matching == *count : matching > 0;
    return {passed, seen};
  };
  return expectation;
}

}  // namespace

void register_mailbox_module(Registry& registry) {
  registry.add_service_parser("mailboxes", parse_mailboxes);
  registry.add_setting("mailboxes", set_mailboxes);
  registry.add_expectation("mailbox", parse_mailbox_expectation);
}

}  // namespace maillab::scenarios
