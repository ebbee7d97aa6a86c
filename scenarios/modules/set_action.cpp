// The `set:` action: change a host's settings during a run, with one shape for every setting a
// scenario can name in a host block (scenarios/README.md, "Changing settings during a run"):
//
//   - {at: 30s, set: {host: mx.example.org, mailboxes: {users: [{name: bob, quota: 0}]}}}
//   - {at: 40s, set: {host: mx.example.org, mta: {relay: false}}}           # close port 25
//   - {at: 50s, set: {host: ns1.example.org, dns_server: {records: ["mx 300 IN A 10.0.2.26"]}}}
//   - {at: 60s, set: {host: laptop, mail_client: {account: bob@example.org, smtp: {server: mx2}}}}
//   - {at: 70s, set: {host: resolver1, resolver: {flush_cache: true}}}
//   - {at: 80s, set: {host: mx.example.org, authentication: {spf: enforce}, tls: {certificate: good}}}
//
// `host:` names the host; every other key names one of its blocks, whose module registered a
// SettingParser (registry.h) that reads the partial block with the block's own readers. What
// changed is one trace record (kind fault, like a link going down) per effect, so a student sees
// in the trace when the world changed and what it changed into.
#include "scenarios/modules/builtin_modules.h"
#include "scenarios/values.h"

namespace maillab::scenarios {
namespace {

std::string list_of(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& key : keys) out += (out.empty() ? "" : ", ") + key;
  return out;
}

std::optional<engine::Simulator::Action> parse_set(const YAML::Node& value, LoadContext& context,
                                                   const Registry& registry) {
  if (!context.require_map(value, "set")) return std::nullopt;
  if (!value["host"]) {
    context.error(value, "set has no host", "set: {host: <name>, <block>: {<setting>: <value>}}");
    return std::nullopt;
  }
  engine::Host* host = context.host(value["host"], "set host");
  if (!host) return std::nullopt;
  const std::vector<std::string> blocks = registry.setting_keys();
  std::vector<std::pair<std::string, SettingChange>> changes;  // "mta: {relay: false}", what it does
  bool ok = true;
  for (const auto& entry : value) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    if (key == "host") continue;
    const SettingParser* parser = registry.setting(key);
    if (!parser) {
      context.error(entry.first, "set cannot change '" + key + "'" + did_you_mean(key, blocks),
                    "host: and one or more host blocks: " + list_of(blocks));
      ok = false;
      continue;
    }
    auto change = (*parser)(entry.second, *host, context);
    if (change) changes.emplace_back(key + ": " + LoadContext::one_line(entry.second), std::move(*change));
    else ok = false;
  }
  if (!ok) return std::nullopt;
  if (changes.empty()) {
    context.error(value, "set names no setting", "a host block to change, e.g. mta: {max_recipients: 5}");
    return std::nullopt;
  }
  return engine::Simulator::Action([host, changes = std::move(changes)] {
    for (const auto& [written, change] : changes) {
      std::string effects;
      for (const auto& effect : change()) effects += (effects.empty() ? " (" : "; ") + effect;
      engine::TraceRecord record;
      record.time = host->simulator().now();
      record.kind = engine::TraceKind::fault;
      record.node = host->name();
      record.summary = "set " + written + (effects.empty() ? "" : effects + ")");
      host->simulator().trace().record(std::move(record));
    }
  });
}

}  // namespace

void register_set_action(Registry& registry) {
  // The settings are looked up in the built-in registry at parse time, not captured here: a
  // Registry is a value (builtin_registry() builds one and returns it), so a pointer to the one
  // being filled would not survive the copy.
  registry.add_action("set", [](const YAML::Node& value, engine::Time, LoadContext& context) {
    return parse_set(value, context, builtin_registry());
  });
}

}  // namespace maillab::scenarios
