// The `mta:` host block (scenarios/README.md, "Mail transfer (SMTP)"):
//
//   mta:
//     hostname: mail.example.com        # EHLO name / Received "by"; default: the host's name
//     domains: [example.com]            # default: this host's mailboxes: domains
//     relay_domains: [example.org]      # backup MX: accept and forward
//     submission: true                  # listen on 587 and 465 (default true)
//     relay: true                       # listen on 25 (default true)
//     ports: {relay: 25, submission: 587, implicit_tls: 465}
//     only_local_senders: false
//     auth_on_relay: false              # also offer AUTH on port 25 (RFC 4954)
//     credentials: {robot: s3cret}      # AUTH users besides the mailbox users
//     max_message_size: 10000000
//     max_recipients: 100
//     hop_limit: 50                     # Received lines that mean a loop: 554 5.4.6 (RFC 5321 §6.3)
//     queue: {minimal_backoff: 300s, maximal_backoff: 4000s, maximal_queue_lifetime: 5d, bounce_queue_lifetime: 5d,
//             delay_warning: 4h}         # delay_warning: one "delayed" DSN to the sender; default 0 = none
//     smarthost: relay.isp.net          # or {host: relay.isp.net, port: 25}
//     command_timeout: 300s
//     starttls: true
//     outbound_tls: may                 # may (opportunistic) | encrypt (TLS or defer) | verify (and a good certificate)
//     reverse_dns: false                # PTR + forward-confirmed A of each client, for Received
//     require_reverse_dns: false        # and 450 4.7.25 at RCPT TO without a confirmed name
//     reject_null_mx_sender: false      # 550 5.7.27 for a MAIL FROM domain with a null MX (RFC 7505 §4.2)
//     greylist: {delay: 300s, max_age: 35d}   # or true: 450 4.7.1 to a new (client, sender, recipient)
//     dsn: true                         # advertise DSN (RFC 3461) in EHLO
//
//   events:   # during the run, any of these keys (scenarios/README.md, "Changing settings during a run"):
//     - {at: 60s, set: {host: mx.example.org, mta: {relay: false, relay_domains: [example.net]}}}
#include "scenarios/modules/mta_module.h"

#include "engine/net/network.h"
#include "scenarios/modules/builtin_modules.h"
#include "scenarios/modules/dns_module.h"

namespace maillab::scenarios {
namespace mta_module {
namespace {

void parse_queue(const YAML::Node& node, engine::QueuePolicy& queue, LoadContext& context) {
  if (!context.check_keys(node, "queue", {},
                          {"minimal_backoff", "maximal_backoff", "maximal_queue_lifetime", "bounce_queue_lifetime",
                           "delay_warning"}))
    return;
  auto read = [&](const char* key, engine::Time& into) {
    if (!node[key]) return;
    if (auto value = context.duration(node[key], key)) {
      if (*value <= 0) context.error(node[key], std::string(key) + " must be longer than 0", "a duration like 300s");
      else into = *value;
    }
  };
  read("minimal_backoff", queue.minimal_backoff);
  read("maximal_backoff", queue.maximal_backoff);
  read("maximal_queue_lifetime", queue.maximal_queue_lifetime);
  read("bounce_queue_lifetime", queue.bounce_queue_lifetime);
  // 0 is allowed here: it turns the warning off (the default, as in Postfix).
  if (node["delay_warning"])
    if (auto value = context.duration(node["delay_warning"], "delay_warning")) queue.delay_warning_time = *value;
  if (queue.maximal_backoff < queue.minimal_backoff)
    context.error(node, "maximal_backoff is shorter than minimal_backoff", "maximal_backoff >= minimal_backoff");
}

void parse_credentials(const YAML::Node& node, engine::MtaConfig& config, LoadContext& context) {
  if (!context.require_map(node, "credentials")) return;
  for (const auto& entry : node) {
    auto user = context.text(entry.first, "credentials user");
    auto password = context.text(entry.second, "credentials password");
    if (user && password) config.credentials[*user] = *password;
  }
}

const std::vector<std::string> mta_keys = {
    "hostname", "domains", "relay_domains", "submission", "relay", "ports", "only_local_senders", "auth_on_relay",
    "credentials", "max_message_size", "max_recipients", "hop_limit", "queue", "smarthost", "command_timeout",
    "starttls", "reverse_dns", "require_reverse_dns", "outbound_tls", "greylist", "dsn", "reject_null_mx_sender"};

// Reads the keys present in an `mta:` block into `config`, leaving the others as they are: the
// block at load (over the defaults) and a `set:` during the run (over the live settings) both
// come through here. `smarthost` names a host and is resolved by the caller. False after errors.
bool read_mta_settings(const YAML::Node& block, engine::MtaConfig& config, LoadContext& context) {
  const std::size_t errors_before = context.diagnostics.count();
  auto text_into = [&](const char* key, std::string& into) {
    if (!block[key]) return;
    if (auto value = context.text(block[key], key)) into = *value;
  };
  auto list_into = [&](const char* key, std::vector<std::string>& into) {
    if (!block[key]) return;
    if (auto value = context.text_list(block[key], key)) into = *value;
  };
  auto bool_into = [&](const char* key, bool& into) {
    if (!block[key]) return;
    if (auto value = context.boolean(block[key], key)) into = *value;
  };
  text_into("hostname", config.hostname);
  list_into("domains", config.domains);
  list_into("relay_domains", config.relay_domains);
  bool_into("submission", config.submission);
  bool_into("relay", config.relay);
  bool_into("only_local_senders", config.only_local_senders);
  bool_into("auth_on_relay", config.auth_on_relay);
  bool_into("starttls", config.starttls);
  bool_into("dsn", config.dsn);
  bool_into("reverse_dns", config.reverse_dns);
  bool_into("require_reverse_dns", config.require_reverse_dns);
  bool_into("reject_null_mx_sender", config.reject_null_mx_sender);
  if (const auto& node = block["outbound_tls"]) {
    const auto text = context.text(node, "outbound_tls");
    if (!text) {
    } else if (text == "may") config.outbound_tls = engine::MtaConfig::TlsPolicy::may;
    else if (text == "encrypt") config.outbound_tls = engine::MtaConfig::TlsPolicy::encrypt;
    else if (text == "verify") config.outbound_tls = engine::MtaConfig::TlsPolicy::verify;
    else context.error(node, "unknown outbound_tls '" + *text + "'", "may, encrypt or verify");
  }
  if (const auto& ports = block["ports"]) {
    if (context.check_keys(ports, "ports", {}, {"relay", "submission", "implicit_tls"})) {
      auto port_into = [&](const char* key, std::uint16_t& into) {
        if (!ports[key]) return;
        if (auto value = context.port(ports[key], std::string(key) + " port")) into = *value;
      };
      port_into("relay", config.relay_port);
      port_into("submission", config.submission_port);
      port_into("implicit_tls", config.implicit_tls_port);
    }
  }
  if (block["credentials"]) parse_credentials(block["credentials"], config, context);
  if (block["max_message_size"])
    if (auto value = context.integer(block["max_message_size"], "max_message_size", 0, 1'000'000'000))
      config.max_message_size = static_cast<std::uint64_t>(*value);
  if (block["max_recipients"])
    if (auto value = context.integer(block["max_recipients"], "max_recipients", 1, 100000))
      config.max_recipients = static_cast<std::size_t>(*value);
  if (block["hop_limit"])
    if (auto value = context.integer(block["hop_limit"], "hop_limit", 1, 1000))
      config.hop_limit = static_cast<std::size_t>(*value);
  if (block["queue"]) parse_queue(block["queue"], config.queue, context);
  if (const auto& node = block["greylist"]) {
    // greylist: true (postgrey's defaults), false (off) or {delay: 300s, max_age: 35d}
    engine::GreylistPolicy policy = config.greylist.value_or(engine::GreylistPolicy{});
    if (node.IsScalar()) {
      if (auto on = context.boolean(node, "greylist")) config.greylist = *on ? std::optional(policy) : std::nullopt;
    } else if (context.check_keys(node, "greylist", {}, {"delay", "max_age"})) {
      if (node["delay"])
        if (auto value = context.duration(node["delay"], "greylist delay")) policy.delay = *value;
      if (node["max_age"])
        if (auto value = context.duration(node["max_age"], "greylist max_age")) policy.max_age = *value;
      config.greylist = policy;
    }
  }
  if (block["command_timeout"])
    if (auto value = context.duration(block["command_timeout"], "command_timeout")) {
      if (*value <= 0) context.error(block["command_timeout"], "command_timeout must be longer than 0", "e.g. 300s");
      else config.command_timeout = *value;
    }
  return context.diagnostics.count() == errors_before;
}

std::unique_ptr<engine::Service> parse_mta(const YAML::Node& block, engine::Host&, LoadContext& context) {
  if (block.IsNull()) return std::make_unique<engine::MtaService>(engine::MtaConfig{}, context.world.ledger);
  if (!context.check_keys(block, "mta", {}, mta_keys)) return nullptr;
  engine::MtaConfig config;
  if (!read_mta_settings(block, config, context) || !context.ok()) return nullptr;
  auto mta = std::make_unique<engine::MtaService>(std::move(config), context.world.ledger);
  if (block["smarthost"]) context.world.module_state<State>().smarthosts.push_back({mta.get(), block["smarthost"]});
  return mta;
}

// `smarthost: relay.isp.net` or `{host: relay.isp.net, port: 25}`: where every remote message goes.
std::optional<std::pair<engine::Endpoint, std::string>> read_smarthost(const YAML::Node& node, LoadContext& context) {
  engine::Host* target = nullptr;
  std::uint16_t port = 25;
  if (node.IsMap()) {
    if (!context.check_keys(node, "smarthost", {"host"}, {"port"})) return std::nullopt;
    target = context.host(node["host"], "smarthost");
    if (node["port"]) {
      auto value = context.port(node["port"], "smarthost port");
      if (!value) return std::nullopt;
      port = *value;
    }
  } else {
    target = context.host(node, "smarthost");
  }
  if (!target) return std::nullopt;
  return std::pair{engine::Endpoint{target->address(), port}, target->name()};
}

// `set: {host: h, mta: {...}}`: the same keys as the block; the change applies to sessions that
// start after it (as a Postfix `postfix reload`: running smtpd processes finish with the old one).
std::optional<SettingChange> set_mta(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  auto* mta = host.find_service<engine::MtaService>();
  if (!mta) {
    context.error(block, "'" + host.name() + "' runs no MTA", "a host with an mta: block");
    return std::nullopt;
  }
  if (!context.check_keys(block, "mta", {}, mta_keys)) return std::nullopt;
  engine::MtaConfig trial = mta->config();
  if (!read_mta_settings(block, trial, context)) return std::nullopt;
  std::optional<std::pair<engine::Endpoint, std::string>> smarthost;
  if (block["smarthost"] && !(smarthost = read_smarthost(block["smarthost"], context))) return std::nullopt;
  World* world = &context.world;
  return SettingChange([mta, world, block, smarthost, file = context.file()]() -> std::vector<std::string> {
    // Read again over the settings as they are now (an earlier set: may have changed them).
    engine::MtaConfig next = mta->config();
    Diagnostics diagnostics;
    LoadContext again(*world, diagnostics, file);
    if (!read_mta_settings(block, next, again))
      return {"not applied: " + diagnostics.errors().front().message};
    if (smarthost) next.smarthost = smarthost->first, next.smarthost_name = smarthost->second;
    return mta->apply_config(std::move(next));
  });
}

void finalize(LoadContext& context) {
  auto& state = context.world.module_state<State>();
  for (auto& pending : state.smarthosts) {
    auto smarthost = read_smarthost(pending.node, context);
    if (!smarthost) continue;
    pending.mta->config().smarthost = smarthost->first;
    pending.mta->config().smarthost_name = smarthost->second;
  }
  state.smarthosts.clear();
  // Each MTA uses the World's stub resolver for its host (it outlives the host's transport).
  for (auto* mta : engine::all_mtas(context.world.network))
    mta->set_resolver(&context.world.module_state<dns_module::State>().stub(*mta->host()));
  if (!state.audit_added && !engine::all_mtas(context.world.network).empty()) {
    state.audit_added = true;
    World* world = &context.world;
    // Conservation (DESIGN.md): every copy the ledger counts as queued is in some MTA's queue.
    world->audits.push_back([world] { return engine::audit_mail_conservation(world->ledger, world->network); });
  }
}

}  // namespace
}  // namespace mta_module

void register_mta_module(Registry& registry) {
  registry.add_service_parser("mta", mta_module::parse_mta);
  registry.add_setting("mta", mta_module::set_mta);
  registry.add_action("send", [](const YAML::Node& value, engine::Time, LoadContext& context) {
    return mta_module::parse_send(value, context);
  });
  mta_module::register_expectations(registry);
  registry.add_finalizer(mta_module::finalize, FinalizePhase::after_topology);
}

}  // namespace maillab::scenarios
