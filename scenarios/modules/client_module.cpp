// The `mail_client:` host block and the actions a person takes on a device.
//
//   mail_client:
//     accounts:
//       - address: bob@example.org
//         password: secret
//         name: Bob                                  # display name (optional)
//         user: bob                                  # login name (default: the local part)
//         smtp: {server: mail.example.org}           # port 587 (default) with AUTH; security: tls for 465
//         incoming: {protocol: pop3, server: mail.example.org}   # port 110/143, 995/993 with security: tls
//         # security: starttls (default: STARTTLS/STLS first, no password in the clear), tls
//         # (TLS from the first byte; `tls: true` says the same) or none (plain text)
//         pop3_mode: keep                            # POP3 only: delete (default) or keep
//         idle: true                                 # IMAP only: after the first check_mail stay
//                                                    # connected, IDLE (RFC 2177), get new mail
//                                                    # pushed (default false: poll with check_mail)
//
//   events:
//     - {at: 5s, check_mail: {device: bob-phone}}   # or check_mail: bob-phone
//     - {at: 6s, read: {device: bob-phone, subject: "Lunch?"}}
//     - {at: 7s, reply: {device: bob-phone, subject: "Lunch?", body: "Yes!"}}
//     - {at: 8s, forward: {device: bob-phone, subject: "Lunch?", to: carol@example.net, body: "FYI"}}
//     - {at: 9s, compose: {device: bob-phone, to: alice@example.com, subject: "Hi", body: "..."}}
//     - {at: 10s, delete: {device: bob-phone, subject: "Hi"}}
//     - {at: 11s, move: {device: bob-phone, subject: "Lunch?", folder: Archive}}
#include "scenarios/modules/client_module.h"

#include "engine/hosts/mail/mta_service.h"
#include "engine/net/network.h"
#include "scenarios/modules/builtin_modules.h"

namespace maillab::scenarios {
namespace client_module {
namespace {

struct PendingServers {
  struct Entry {
    engine::MailClientService* client;
    std::size_t account;
    YAML::Node smtp_server, incoming_server;
  };
  std::vector<Entry> entries;
};

// Points `account` at the hosts its `server:` nodes name (nullptr: not given).
void resolve_account_servers(engine::ClientAccount& account, const YAML::Node* smtp_node,
                             const YAML::Node* incoming_node, LoadContext& context) {
  if (smtp_node)
    if (auto* host = context.host(*smtp_node, "smtp server")) {
      const YAML::Node& smtp_server = *smtp_node;
      account.smtp.address = host->address();
      account.smtp_server = host->name();
      // A mail program always logs in to send (RFC 6409): only where the server offers AUTH.
      const auto* mta = host->find_service<engine::MtaService>();
      if (mta && account.smtp.port == mta->config().relay_port && !mta->config().auth_on_relay)
        context.error(smtp_server,
                      "smtp port " + std::to_string(account.smtp.port) + ": the MTA on " + host->name() +
                          " offers no AUTH on its relay port, and a mail program logs in to send",
                      "port 587 (the default), tls: true (465), or auth_on_relay: true in " + host->name() +
                          "'s mta: block");
    }
  if (incoming_node)
    if (auto* host = context.host(*incoming_node, "incoming mail server")) {
      account.incoming_endpoint.address = host->address();
      account.incoming_server = host->name();
    }
}

// `server:` names are resolved once every host exists (a client may be listed before its server).
void resolve_servers(LoadContext& context) {
  auto& pending = context.world.module_state<PendingServers>();
  for (auto& entry : pending.entries)
    resolve_account_servers(entry.client->mutable_accounts()[entry.account], &entry.smtp_server,
                            &entry.incoming_server, context);
  pending.entries.clear();
}

// `security:` as a mail program's "connection security" setting: none (plain text, the password
// in the clear), starttls (the default: STARTTLS, and no password without it) or tls (TLS from
// the first byte). `tls: true` is the same as `security: tls`.
bool parse_security(const YAML::Node& node, std::string_view what, bool& tls, bool& plaintext, LoadContext& context) {
  if (node["tls"] && node["security"]) {
    context.error(node["tls"], std::string(what) + " has both tls and security", "security: tls alone");
    return false;
  }
  if (node["tls"]) {
    auto value = context.boolean(node["tls"], std::string(what) + " tls");
    if (!value) return false;
    tls = *value;
  }
  if (node["security"]) {
    auto value = context.text(node["security"], std::string(what) + " security");
    if (!value) return false;
    if (*value == "tls") tls = true;
    else if (*value == "none") plaintext = true;
    else if (*value != "starttls") {
      context.error(node["security"], "unknown " + std::string(what) + " security '" + *value + "'",
                    "none, starttls or tls");
      return false;
    }
  }
  return true;
}

bool parse_smtp(const YAML::Node& node, engine::ClientAccount& account, YAML::Node& server, LoadContext& context) {
  if (node.IsScalar()) {  // smtp: mail.example.org
    server = node;
    return true;
  }
  if (!context.check_keys(node, "smtp", {"server"}, {"port", "tls", "security", "user"})) return false;
  server = node["server"];
  if (!parse_security(node, "smtp", account.smtp_tls, account.smtp_plaintext, context)) return false;
  if (account.smtp_tls) account.smtp.port = 465;
  if (node["port"]) {
    auto port = context.port(node["port"], "smtp port");
    if (!port) return false;
    account.smtp.port = *port;
  }
  if (node["user"]) {
    auto user = context.text(node["user"], "smtp user");
    if (!user) return false;
    account.smtp_user = *user;
  }
  return true;
}

bool parse_incoming(const YAML::Node& node, engine::ClientAccount& account, YAML::Node& server, LoadContext& context) {
  if (!context.check_keys(node, "incoming", {"protocol", "server"}, {"port", "tls", "security"})) return false;
  server = node["server"];
  auto protocol = context.text(node["protocol"], "incoming protocol");
  if (!protocol) return false;
  if (*protocol == "pop3") account.incoming = engine::ClientAccount::Incoming::pop3;
  else if (*protocol == "imap") account.incoming = engine::ClientAccount::Incoming::imap;
  else {
    context.error(node["protocol"], "unknown incoming protocol '" + *protocol + "'", "pop3 or imap");
    return false;
  }
  const bool pop3 = account.incoming == engine::ClientAccount::Incoming::pop3;
  if (!parse_security(node, "incoming", account.incoming_tls, account.incoming_plaintext, context)) return false;
  account.incoming_endpoint.port = pop3 ? (account.incoming_tls ? 995 : 110) : (account.incoming_tls ? 993 : 143);
  if (node["port"]) {
    auto port = context.port(node["port"], "incoming port");
    if (!port) return false;
    account.incoming_endpoint.port = *port;
  }
  return true;
}

std::unique_ptr<engine::Service> parse_mail_client(const YAML::Node& block, engine::Host&, LoadContext& context) {
  if (!context.check_keys(block, "mail_client", {"accounts"}, {})) return nullptr;
  if (!context.require_sequence(block["accounts"], "accounts")) return nullptr;
  std::vector<engine::ClientAccount> accounts;
  std::vector<std::pair<YAML::Node, YAML::Node>> servers;
  bool clean = true;
  for (const auto& node : block["accounts"]) {
    if (!context.check_keys(node, "account", {"address", "password", "smtp", "incoming"}, {"name", "user", "pop3_mode", "idle"})) {
      clean = false;
      continue;
    }
    engine::ClientAccount account;
    auto address = context.text(node["address"], "account address");
    auto password = context.text(node["password"], "account password");
    if (!address || !password) {
      clean = false;
      continue;
    }
    const auto at = address->find('@');
    if (at == std::string::npos || at == 0 || at + 1 == address->size()) {
      context.error(node["address"], "'" + *address + "' is not an email address", "user@domain");
      clean = false;
      continue;
    }
    account.address = *address;
    account.password = *password;
    if (node["name"]) {
      auto name = context.text(node["name"], "display name");
      if (!name) clean = false;
      else account.display_name = *name;
    }
    if (node["user"]) {
      auto user = context.text(node["user"], "login name");
      if (!user) clean = false;
      else account.user = *user;
    }
    YAML::Node smtp_server, incoming_server;
    if (!parse_smtp(node["smtp"], account, smtp_server, context)) clean = false;
    if (!parse_incoming(node["incoming"], account, incoming_server, context)) clean = false;
    if (node["pop3_mode"]) {
      auto mode = context.text(node["pop3_mode"], "pop3_mode");
      if (!mode) clean = false;
      else if (*mode == "keep") account.pop3_keep = true;
      else if (*mode != "delete") {
        context.error(node["pop3_mode"], "unknown pop3_mode '" + *mode + "'",
                      "delete (download and remove from the server) or keep (leave a copy)");
        clean = false;
      } else if (account.incoming != engine::ClientAccount::Incoming::pop3) {
        context.error(node["pop3_mode"], "pop3_mode on an IMAP account", "incoming: {protocol: pop3, ...}");
        clean = false;
      }
    }
    if (node["idle"]) {
      auto idle = context.boolean(node["idle"], "idle");
      if (!idle) clean = false;
      else if (*idle && account.incoming != engine::ClientAccount::Incoming::imap) {
        context.error(node["idle"], "idle on a POP3 account (POP3 has no push)", "incoming: {protocol: imap, ...}");
        clean = false;
      } else account.idle = *idle;
    }
    accounts.push_back(std::move(account));
    servers.emplace_back(smtp_server, incoming_server);
  }
  if (!clean || accounts.empty()) {
    if (clean) context.error(block["accounts"], "mail_client has no accounts", "at least one account");
    return nullptr;
  }
  auto client = std::make_unique<engine::MailClientService>(std::move(accounts), &context.world.ledger);
  auto& pending = context.world.module_state<PendingServers>();
  for (std::size_t i = 0; i < servers.size(); ++i)
    pending.entries.push_back({client.get(), i, servers[i].first, servers[i].second});
  return client;
}

// `set: {host: laptop, mail_client: {account: bob@example.org, smtp: {...}, incoming: {...}}}`: the
// account's outgoing and/or incoming server settings, each written as in the block (a person
// typing new server settings into the mail program). `account:` may be left out on a device
// with one account. Used from the next connection on.
std::optional<SettingChange> set_mail_client(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  auto* client = host.find_service<engine::MailClientService>();
  if (!client) {
    context.error(block, "'" + host.name() + "' runs no mail program", "a host with a mail_client block");
    return std::nullopt;
  }
  if (!context.check_keys(block, "mail_client", {}, {"account", "smtp", "incoming"})) return std::nullopt;
  const auto& accounts = client->accounts();
  std::size_t index = 0;
  if (block["account"]) {
    auto address = context.text(block["account"], "account");
    if (!address) return std::nullopt;
    while (index < accounts.size() && accounts[index].address != *address) ++index;
    if (index == accounts.size()) {
      context.error(block["account"], "'" + host.name() + "' has no account " + *address, "one of its accounts' address");
      return std::nullopt;
    }
  } else if (accounts.size() != 1) {
    context.error(block, "'" + host.name() + "' has " + std::to_string(accounts.size()) + " accounts; which one?",
                  "account: <address>");
    return std::nullopt;
  }
  if (!block["smtp"] && !block["incoming"]) {
    context.error(block, "set mail_client changes nothing", "smtp: {server: ...} and/or incoming: {...}");
    return std::nullopt;
  }
  const std::size_t errors_before = context.diagnostics.count();
  engine::ClientAccount settings;  // fresh: smtp/incoming are given whole, as in the block
  YAML::Node smtp_server, incoming_server;
  if (block["smtp"]) parse_smtp(block["smtp"], settings, smtp_server, context);
  if (block["incoming"]) parse_incoming(block["incoming"], settings, incoming_server, context);
  resolve_account_servers(settings, block["smtp"] ? &smtp_server : nullptr,
                          block["incoming"] ? &incoming_server : nullptr, context);
  if (context.diagnostics.count() != errors_before) return std::nullopt;
  const bool smtp = !!block["smtp"], incoming = !!block["incoming"];
  return SettingChange([client, index, settings, smtp, incoming]() -> std::vector<std::string> {
    auto& account = client->mutable_accounts()[index];
    if (smtp) {
      account.smtp = settings.smtp, account.smtp_server = settings.smtp_server;
      account.smtp_tls = settings.smtp_tls, account.smtp_plaintext = settings.smtp_plaintext;
      if (!settings.smtp_user.empty()) account.smtp_user = settings.smtp_user;
    }
    if (incoming) {
      account.incoming = settings.incoming, account.incoming_server = settings.incoming_server;
      account.incoming_endpoint = settings.incoming_endpoint;
      account.incoming_tls = settings.incoming_tls, account.incoming_plaintext = settings.incoming_plaintext;
    }
    return {};
  });
}

// ---- actions ----------------------------------------------------------------------------------

using Action = std::optional<engine::Simulator::Action>;

struct Fields {
  engine::MailClientService* client = nullptr;
  std::string subject, body, folder, from;
  std::vector<std::string> to;
  bool reply_all = false;
  std::optional<std::size_t> account;
};

// Reads the common fields of an action's map; false after errors.
bool read_fields(const YAML::Node& value, std::string_view action, std::initializer_list<std::string_view> required,
                 std::initializer_list<std::string_view> optional, Fields& out, LoadContext& context) {
  if (!context.check_keys(value, action, required, optional)) return false;
  out.client = device(value["device"], context);
  bool ok = out.client != nullptr;
  auto text = [&](const char* key, std::string& into) {
    if (!value[key]) return;
    auto read = context.text(value[key], std::string(action) + " " + key);
    if (read) into = *read;
    else ok = false;
  };
  text("subject", out.subject);
  text("body", out.body);
  text("folder", out.folder);
  text("from", out.from);
  if (value["to"]) {
    auto to = context.text_list(value["to"], std::string(action) + " to");
    if (to) out.to = *to;
    else ok = false;
  }
  if (value["reply_all"]) {
    auto all = context.boolean(value["reply_all"], "reply_all");
    if (all) out.reply_all = *all;
    else ok = false;
  }
  if (value["account"] && out.client) {
    auto address = context.text(value["account"], "account");
    if (address) out.account = out.client->account_index(*address);
    if (address && !out.account) context.error(value["account"], "the device has no account " + *address, "one of its accounts' addresses");
    if (!out.account) ok = false;
  }
  return ok;
}

Action parse_check_mail(const YAML::Node& value, engine::Time, LoadContext& context) {
  Fields fields;
  if (value.IsScalar()) {
    fields.client = device(value, context);
  } else if (!read_fields(value, "check_mail", {"device"}, {"account"}, fields, context)) {
    return std::nullopt;
  }
  if (!fields.client) return std::nullopt;
  return [client = fields.client, account = fields.account] { client->check_mail(account); };
}

Action parse_read(const YAML::Node& value, engine::Time, LoadContext& context) {
  Fields f;
  if (!read_fields(value, "read", {"device", "subject"}, {"folder"}, f, context)) return std::nullopt;
  return [f] { f.client->read(f.subject, f.folder); };
}

Action parse_reply(const YAML::Node& value, engine::Time, LoadContext& context) {
  Fields f;
  if (!read_fields(value, "reply", {"device", "subject", "body"}, {"reply_all"}, f, context)) return std::nullopt;
  return [f] { f.client->reply(f.subject, f.body, f.reply_all); };
}

Action parse_forward(const YAML::Node& value, engine::Time, LoadContext& context) {
  Fields f;
  if (!read_fields(value, "forward", {"device", "subject", "to"}, {"body"}, f, context)) return std::nullopt;
  return [f] { f.client->forward(f.subject, f.to, f.body); };
}

Action parse_compose(const YAML::Node& value, engine::Time, LoadContext& context) {
  Fields f;
  if (!read_fields(value, "compose", {"device", "to", "subject", "body"}, {"account"}, f, context)) return std::nullopt;
  return [f] { f.client->compose(f.to, f.subject, f.body, f.account.value_or(0)); };
}

Action parse_delete(const YAML::Node& value, engine::Time, LoadContext& context) {
  Fields f;
  if (!read_fields(value, "delete", {"device", "subject"}, {"folder"}, f, context)) return std::nullopt;
  return [f] { f.client->remove(f.subject, f.folder); };
}

Action parse_move(const YAML::Node& value, engine::Time, LoadContext& context) {
  Fields f;
  if (!read_fields(value, "move", {"device", "subject", "folder"}, {"from"}, f, context)) return std::nullopt;
  return [f] { f.client->move(f.subject, f.folder, f.from); };
}

}  // namespace

engine::MailClientService* device(const YAML::Node& node, LoadContext& context) {
  engine::Host* host = context.host(node, "device");
  if (!host) return nullptr;
  auto* client = host->find_service<engine::MailClientService>();
  if (!client) context.error(node, "host " + host->name() + " has no mail_client", "a device with a mail_client: block");
  return client;
}

}  // namespace client_module

void register_client_module(Registry& registry) {
  registry.add_service_parser("mail_client", client_module::parse_mail_client);
  registry.add_setting("mail_client", client_module::set_mail_client);
  registry.add_finalizer(client_module::resolve_servers, FinalizePhase::after_topology);
  registry.add_action("check_mail", client_module::parse_check_mail);
  registry.add_action("read", client_module::parse_read);
  registry.add_action("reply", client_module::parse_reply);
  registry.add_action("forward", client_module::parse_forward);
  registry.add_action("compose", client_module::parse_compose);
  registry.add_action("delete", client_module::parse_delete);
  registry.add_action("move", client_module::parse_move);
  client_module::register_expectations(registry);
}

}  // namespace maillab::scenarios
