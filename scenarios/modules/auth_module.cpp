// The `authentication:` host block (scenarios/README.md, "Sender authentication"):
//
//   authentication:
//     spf: check                 # check (default: record, Received-SPF) | enforce (550 5.7.23) | off
//     dkim_verify: true          # verify DKIM-Signatures at the end of DATA (default true)
//     dmarc: true                # true: act on the policy | report: only the header | false
//     authserv_id: mx.example.org   # Authentication-Results authserv-id (default: the MTA's hostname)
//     dkim_sign: {domain: example.com, selector: mail}   # sign what our users submit
//       # optional: algorithm: rsa|ed25519, bits: 1024..4096, private_key: "-----BEGIN PRIVATE KEY..."
//
// The block needs an `mta:` block on the same host; it adds MtaPolicies to that MTA.
#include "scenarios/modules/auth_module.h"

#include "engine/hosts/mail/mta_service.h"
#include "scenarios/modules/dns_module.h"
#include "scenarios/modules/builtin_modules.h"

namespace maillab::scenarios {
namespace auth_module {
namespace {

std::unique_ptr<engine::Service> parse_authentication(const YAML::Node& block, engine::Host& host,
                                                      LoadContext& context) {
  if (!block.IsNull() &&
      !context.check_keys(block, "authentication", {}, {"spf", "dkim_verify", "dmarc", "dkim_sign", "authserv_id"}))
    return nullptr;
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
  for (auto& c : options.domain) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
  std::string spf_mode = "check";
  if (block["spf"]) {
    auto text = block["spf"].IsScalar() && (block["spf"].Scalar() == "false" || block["spf"].Scalar() == "true")
                    ? std::optional<std::string>(block["spf"].Scalar() == "true" ? "check" : "off")
                    : context.text(block["spf"], "spf");
    if (!text) return;
    if (*text != "check" && *text != "enforce" && *text != "off") {
      context.error(block["spf"], "unknown spf mode '" + *text + "'", "check, enforce or off");
      return;
    }
    spf_mode = *text;
  }
  bool verify = true;
  if (block["dkim_verify"]) {
    auto value = context.boolean(block["dkim_verify"], "dkim_verify");
    if (!value) return;
    verify = *value;
  }
  engine::DmarcMode dmarc = engine::DmarcMode::enforce;
  if (block["dmarc"]) {
    const YAML::Node& node = block["dmarc"];
    if (node.IsScalar() && node.Scalar() == "report") dmarc = engine::DmarcMode::report;
    else if (auto value = context.boolean(node, "dmarc"))
      dmarc = *value ? engine::DmarcMode::enforce : engine::DmarcMode::off;
    else
      return;
  }
  std::string authserv_id;
  if (block["authserv_id"]) {
    auto text = context.text(block["authserv_id"], "authserv_id");
    if (!text) return;
    authserv_id = *text;
  }
  std::shared_ptr<engine::DkimSigner> signer;
  if (block["dkim_sign"]) {
    signer = parse_signer(block["dkim_sign"], context);
    if (!signer) return;
  }

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
  if (spf_mode != "off") {
    setup.spf = std::make_shared<engine::SpfPolicy>(
        spf_mode == "enforce" ? engine::SpfAction::reject : engine::SpfAction::none, setup.lookups, setup.book);
    mta->add_policy(setup.spf);
  }
  {  // always: it writes Authentication-Results, even when it only reports SPF
    engine::DkimDmarcOptions options;
    options.verify_dkim = verify;
    options.dmarc = dmarc;
    options.authserv_id = authserv_id;  // "" = the name the MTA gives in its greeting
    setup.inbound = std::make_shared<engine::DkimDmarcPolicy>(options, setup.lookups, setup.book);
    mta->add_policy(setup.inbound);
  }
  if (signer) {
    setup.signer = signer;
    mta->add_policy(signer);
  }
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
  auth_module::register_script(registry);
  registry.add_finalizer(auth_module::finalize, FinalizePhase::after_topology);
}

}  // namespace maillab::scenarios
