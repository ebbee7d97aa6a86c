// The `tls:` host block: the certificate this host's servers (SMTP, POP3, IMAP) present.
//   tls:
//     certificate: expired   # good (default) | expired | not-yet-valid | self-signed | wrong-name | untrusted
//     days: 3                # expired this many days ago / valid only in this many days
// Every certificate comes from the world's PKI (engine/hosts/tls/world_pki.h): a CA made from the
// seed, which every simulated client trusts. An MTA's outbound policy is the `mta:` block's
// `outbound_tls:` (may | encrypt | verify).
//
// The same keys in a `set:` action change the certificate mid-run (a renewal, or one that lapses):
//   - {at: 60s, set: {host: mx.example.org, tls: {certificate: good}}}
// Handshakes from then on get the new certificate; connections already encrypted keep theirs.
#include "engine/hosts/tls/world_pki.h"
#include "engine/net/network.h"
#include "scenarios/modules/builtin_modules.h"
#include "scenarios/registry.h"

namespace maillab::scenarios {
namespace {

struct CertificateSetting {
  engine::CertificateFault fault = engine::CertificateFault::none;
  int days = 3;
};

// The block's keys over `setting` (the defaults at load, the host's certificate for `set:`).
std::optional<CertificateSetting> read_tls_settings(const YAML::Node& block, CertificateSetting setting,
                                                    LoadContext& context) {
  if (!context.check_keys(block, "tls", {}, {"certificate", "days"})) return std::nullopt;
  if (const auto& node = block["certificate"]) {
    auto text = context.text(node, "certificate");
    if (!text) return std::nullopt;
    if (!engine::parse_certificate_fault(*text, setting.fault)) {
      context.error(node, "unknown certificate '" + *text + "'",
                    "good, expired, not-yet-valid, self-signed, wrong-name or untrusted");
      return std::nullopt;
    }
  }
  if (const auto& node = block["days"]) {
    auto value = context.integer(node, "days", 0, 10000);
    if (!value) return std::nullopt;
    setting.days = static_cast<int>(*value);
  }
  return setting;
}

std::unique_ptr<engine::Service> parse_tls(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  if (block.IsNull()) return nullptr;
  if (auto setting = read_tls_settings(block, {}, context))
    engine::world_pki(host.network()).set_fault(host.name(), setting->fault, setting->days);
  return nullptr;  // a setting of the world's PKI, not a service
}

std::string describe(const CertificateSetting& setting) {
  using engine::CertificateFault;
  switch (setting.fault) {
    case CertificateFault::none: return "certificate good from the next handshake";
    case CertificateFault::expired:
      return "certificate expired " + std::to_string(setting.days) + " days ago, from the next handshake";
    case CertificateFault::not_yet_valid:
      return "certificate valid only in " + std::to_string(setting.days) + " days, from the next handshake";
    default: return "certificate " + std::string(engine::to_string(setting.fault)) + " from the next handshake";
  }
}

// `set: {host: H, tls: {...}}`: any host may get a certificate (its servers ask the PKI at each
// handshake), so there is no service to look for.
std::optional<SettingChange> set_tls(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  engine::WorldPki& pki = engine::world_pki(host.network());
  const CertificateSetting now{pki.fault(host.name()), pki.fault_days(host.name())};
  if (!read_tls_settings(block, now, context)) return std::nullopt;
  if (!block["certificate"] && !block["days"]) {
    context.error(block, "set tls changes nothing", "certificate: good (or expired, ...) and/or days: N");
    return std::nullopt;
  }
  engine::Host* target = &host;
  World* world = &context.world;
  return SettingChange([target, world, block, file = context.file()]() -> std::vector<std::string> {
    engine::WorldPki& pki = engine::world_pki(target->network());
    Diagnostics diagnostics;
    LoadContext again(*world, diagnostics, file);
    auto next = read_tls_settings(block, {pki.fault(target->name()), pki.fault_days(target->name())}, again);
    if (!next) return {"not applied: " + diagnostics.errors().front().message};
    pki.set_fault(target->name(), next->fault, next->days);
    return {describe(*next)};
  });
}

}  // namespace

void register_tls_module(Registry& registry) {
  registry.add_service_parser("tls", parse_tls);
  registry.add_setting("tls", set_tls);
}

}  // namespace maillab::scenarios
