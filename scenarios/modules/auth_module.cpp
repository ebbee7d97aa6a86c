// The `authentication:` host block (scenarios/README.md, "Sender authentication"):
//
//   authentication:
//     spf: check                 # check (default: record, Received-SPF) | enforce (550 5.7.23) | off
//     dkim_verify: true          # verify DKIM-Signatures at the end of DATA (default true)
//     dmarc: true                # true: act on the policy | report: only the header | false
//     authserv_id: mx.example.org   # Authentication-Results authserv-id (default: the MTA's hostname)
//     dkim_sign: {domain: example.com, selector: mail}   # sign what our users submit
//       # optional: algorithm: rsa|ed25519, bits: 1024..4096, private_key: "-----BEGIN PRIVATE KEY..."
//       # or false: no signing (useful in a set:)
//
// The same keys in a `set:` action change a running host's checks (only the keys written change):
//   - {at: 60s, set: {host: mx.example.org, authentication: {spf: enforce, dmarc: report}}}
//
// The block needs an `mta:` block on the same host; it adds MtaPolicies to that MTA.
#include "scenarios/modules/auth_module.h"

#include "engine/hosts/mail/mta_service.h"
#include "scenarios/modules/dns_module.h"
#include "scenarios/modules/builtin_modules.h"
#include "protocols/common/ascii_case.h"

namespace maillab::scenarios {
namespace auth_module {
namespace {

const std::vector<std::string> authentication_keys = {"spf", "dkim_verify", "dmarc", "dkim_sign", "authserv_id"};

std::unique_ptr<engine::Service> parse_authentication(const YAML::Node& block, engine::Host& host,
                                                      LoadContext& context) {
  if (!block.IsNull() && !context.check_keys(block, "authentication", {}, authentication_keys)) return nullptr;
  auto& state = context.world.module_state<State>();
  state.authentications.push_back({&host, block});
  return nullptr;
}

std::unique_ptr<engine::Service> parse_publish(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  auto& state = context.world.module_state<State>();
  state.publications.push_back({&host, block});
  return nullptr;
}

std::optional<auth::DkimKeyType> key_type(const YAML::Node& node, LoadContext& context) {
  if (!node) return auth::DkimKeyType::rsa;
  auto text = context.text(node, "algorithm");
  if (!text) return std::nullopt;
  if (*text == "rsa" || *text == "rsa-sha256") return auth::DkimKeyType::rsa;
  if (*text == "ed25519" || *text == "ed25519-sha256") return auth::DkimKeyType::ed25519;
  context.error(node, "unknown DKIM algorithm '" + *text + "'", "rsa or ed25519");
  return std::nullopt;
}

std::shared_ptr<engine::DkimSigner> parse_signer(const YAML::Node& node, LoadContext& context) {
  if (!context.check_keys(node, "dkim_sign", {"domain", "selector"}, {"algorithm", "bits", "private_key"}))
    return nullptr;
  auto domain = context.text(node["domain"], "dkim_sign domain");
  auto selector = context.text(node["selector"], "dkim_sign selector");
  auto type = key_type(node["algorithm"], context);
  std::optional<std::int64_t> bits = 2048;
  if (node["bits"]) bits = context.integer(node["bits"], "dkim_sign bits", 1024, 4096);
  if (!domain || !selector || !type || !bits) return nullptr;
  engine::DkimSignerOptions options;
  options.domain = *domain;
  options.selector = *selector;
  for (auto& c : options.domain) c = common::to_lower(c);
  if (node["private_key"]) {
    auto pem = context.text(node["private_key"], "dkim_sign private_key");
    if (!pem) return nullptr;
    std::string error;
    auto key = auth::DkimKey::from_pem(*pem, &error);
    if (!key || !key->has_private()) {
      context.error(node["private_key"], "private_key is not a usable private key" + (error.empty() ? "" : ": " + error),
                    "a PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
      return nullptr;
    }
    options.key = *key;
  } else {
    options.key = engine::deterministic_dkim_key(context.world.simulator.seed(), options.domain, options.selector,
                                                 *type, static_cast<int>(*bits));
  }
  return std::make_shared<engine::DkimSigner>(std::move(options));
}

// What an `authentication:` block (or a `set:` of one) writes; a key not written stays empty.
struct AuthenticationSettings {
  std::optional<std::string> spf;  // check | enforce | off
  std::optional<bool> dkim_verify;
  std::optional<engine::DmarcMode> dmarc;
  std::optional<std::string> authserv_id;
  std::optional<std::shared_ptr<engine::DkimSigner>> signer;  // nullptr: `dkim_sign: false`
};

// The one reader of the block's keys, for the block at load and for `set:`. False after errors.
bool read_authentication_settings(const YAML::Node& block, AuthenticationSettings& settings, LoadContext& context) {
  const std::size_t errors_before = context.diagnostics.count();
  if (const auto& node = block["spf"]) {
    auto text = node.IsScalar() && (node.Scalar() == "false" || node.Scalar() == "true")
                    ? std::optional<std::string>(node.Scalar() == "true" ? "check" : "off")
                    : context.text(node, "spf");
    if (text && *text != "check" && *text != "enforce" && *text != "off")
      context.error(node, "unknown spf mode '" + *text + "'", "check, enforce or off");
    else if (text)
      settings.spf = *text;
  }
  if (block["dkim_verify"])
    if (auto value = context.boolean(block["dkim_verify"], "dkim_verify")) settings.dkim_verify = *value;
  if (const auto& node = block["dmarc"]) {
    if (node.IsScalar() && node.Scalar() == "report") settings.dmarc = engine::DmarcMode::report;
    else if (auto value = context.boolean(node, "dmarc"))
      settings.dmarc = *value ? engine::DmarcMode::enforce : engine::DmarcMode::off;
  }
  if (block["authserv_id"])
    if (auto text = context.text(block["authserv_id"], "authserv_id")) settings.authserv_id = *text;
  if (const auto& node = block["dkim_sign"]) {
    if (node.IsScalar() && node.Scalar() == "false") settings.signer = nullptr;  // no signing
    else if (auto signer = parse_signer(node, context)) settings.signer = signer;
  }
  return context.diagnostics.count() == errors_before;
}

// Puts `settings` into the MTA's policies: at load over an empty setup (SPF, then the DKIM/DMARC
// checks, then the signer, in that order), during the run over what is there. What changed, for
// the trace.
std::vector<std::string> apply_settings(const AuthenticationSettings& settings, HostAuthentication& setup,
                                        engine::MtaService& mta) {
  std::vector<std::string> effects;
  if (settings.spf) {
    const bool wanted = *settings.spf != "off";
    const auto action = *settings.spf == "enforce" ? engine::SpfAction::reject : engine::SpfAction::none;
    if (!wanted && setup.spf) {
      mta.remove_policy(setup.spf.get());
      setup.spf.reset();
      effects.push_back("SPF not checked from the next MAIL FROM");
    } else if (wanted && !setup.spf) {
      setup.spf = std::make_shared<engine::SpfPolicy>(action, setup.lookups, setup.book);
      mta.add_policy(setup.spf);
      effects.push_back("SPF checked (" + *settings.spf + ") from the next MAIL FROM");
    } else if (wanted && setup.spf->action() != action) {
      setup.spf->set_action(action);
      effects.push_back("SPF " + *settings.spf + " from the next MAIL FROM");
    }
  }
  engine::DkimDmarcOptions options = setup.inbound ? setup.inbound->options() : engine::DkimDmarcOptions{};
  if (settings.dkim_verify) options.verify_dkim = *settings.dkim_verify;
  if (settings.dmarc) options.dmarc = *settings.dmarc;
  if (settings.authserv_id) options.authserv_id = *settings.authserv_id;  // "" = the MTA's greeting name
  if (!setup.inbound) {  // always: it writes Authentication-Results, even when it only reports SPF
    setup.inbound = std::make_shared<engine::DkimDmarcPolicy>(options, setup.lookups, setup.book);
    mta.add_policy(setup.inbound);
  } else {
    const auto& before = setup.inbound->options();
    static constexpr const char* dmarc_modes[] = {"off", "report only", "enforced"};
    if (before.verify_dkim != options.verify_dkim)
      effects.push_back(std::string("DKIM signatures ") + (options.verify_dkim ? "verified" : "not verified"));
    if (before.dmarc != options.dmarc)
      effects.push_back(std::string("DMARC ") + dmarc_modes[static_cast<int>(options.dmarc)]);
    if (before.authserv_id != options.authserv_id) effects.push_back("authserv-id '" + options.authserv_id + "'");
    setup.inbound->set_options(options);
  }
  if (settings.signer && *settings.signer != setup.signer) {
    if (setup.signer) mta.remove_policy(setup.signer.get());
    setup.signer = *settings.signer;
    if (setup.signer) {
      mta.add_policy(setup.signer);
      effects.push_back("DKIM signing as d=" + setup.signer->options().domain + " s=" + setup.signer->options().selector);
    } else {
      effects.push_back("no DKIM signing");
    }
  }
  return effects;
}

void attach(const State::Pending& pending, LoadContext& context, State& state) {
  const YAML::Node& block = pending.block;
  auto* mta = pending.host->find_service<engine::MtaService>();
  if (!mta) {
    context.error(block, "'" + pending.host->name() + "' has authentication: but runs no MTA",
                  "an mta: block on the same host");
    return;
  }
  // Every check asks DNS; without a resolver each would end in a temperror after the timeouts.
  if (pending.host->resolver_address() == 0) {
    context.error(block, "'" + pending.host->name() + "' has authentication: but no DNS resolver to ask",
                  "a resolver: entry on the host (e.g. resolver: resolver1)");
    return;
  }
  AuthenticationSettings settings;
  if (!block.IsNull() && !read_authentication_settings(block, settings, context)) return;
  if (!settings.spf) settings.spf = "check";

  HostAuthentication& setup = state.hosts[pending.host->name()];
  if (setup.lookups) {
    context.error(block, "'" + pending.host->name() + "' has more than one authentication: block", "one per host");
    return;
  }
  // Questions go through the host's stub resolver that the World keeps (the MTA uses the same).
  World* world = &context.world;
  setup.lookups = std::make_shared<engine::AuthLookups>(
      [world](engine::Host& host) { return &world->module_state<dns_module::State>().stub(host); });
  setup.book = std::make_shared<engine::SpfResultBook>();
  apply_settings(settings, setup, *mta);
}

// `set: {host: H, authentication: {...}}`: the same keys, on a host whose block was attached
// (events are read after the finalizers). Each check holds from its next use: SPF at the next
// MAIL FROM, DKIM/DMARC at the next end of DATA, signing at the next message relayed.
std::optional<SettingChange> set_authentication(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  auto& state = context.world.module_state<State>();
  auto found = state.hosts.find(host.name());
  auto* mta = host.find_service<engine::MtaService>();
  if (found == state.hosts.end() || !found->second.lookups || !mta) {
    context.error(block, "'" + host.name() + "' has no authentication: block",
                  "a host with authentication: at load (e.g. authentication: {spf: off, dkim_verify: false, dmarc: false})");
    return std::nullopt;
  }
  if (!context.check_keys(block, "authentication", {}, authentication_keys)) return std::nullopt;
  AuthenticationSettings settings;
  if (!read_authentication_settings(block, settings, context)) return std::nullopt;
  HostAuthentication* setup = &found->second;
  return SettingChange([settings, setup, mta] { return apply_settings(settings, *setup, *mta); });
}

void finalize(LoadContext& context) {
  auto& state = context.world.module_state<State>();
  for (const auto& pending : state.authentications) attach(pending, context, state);
  state.authentications.clear();
  publish_records(context);
}

}  // namespace
}  // namespace auth_module

void register_auth_module(Registry& registry) {
  registry.add_service_parser("authentication", auth_module::parse_authentication);
  registry.add_service_parser("publish", auth_module::parse_publish);
  registry.add_setting("authentication", auth_module::set_authentication);
  auth_module::register_script(registry);
  registry.add_finalizer(auth_module::finalize, FinalizePhase::after_topology);
}

}  // namespace maillab::scenarios
