// `generate: domains: {dkim: rsa | ed25519}`: every generated domain signs what its users submit
// (RFC 6376) and every generated MX verifies what arrives on port 25, as `authentication:
// {dkim_sign: ..., dkim_verify: true, spf: off, dmarc: false}` plus `publish: dkim:` would for
// one domain. SPF and DMARC stay off so that `bench mail --dkim` measures the signatures alone.
//
// One key serves every generated domain, each publishing it at mail._domainkey.<domain>: a
// 2048-bit RSA key per domain would make loading a thousand domains a matter of minutes, and the
// cost a run pays per message (sign once, verify once) is the same with one key or many.
#include <memory>

#include "engine/hosts/auth/dkim_signer.h"
#include "engine/hosts/mail/mta_service.h"
#include "scenarios/modules/auth_module.h"
#include "scenarios/modules/dns_module.h"
#include "scenarios/modules/generate_module.h"

namespace maillab::scenarios::generate_module {

auth::DkimKey generated_dkim_key(auth::DkimKeyType type, LoadContext& context) {
  return engine::deterministic_dkim_key(context.world.simulator.seed(), "generated.invalid", generated_dkim_selector,
                                        type, 2048);
}

void add_dkim(GeneratedDomain& domain, dns::Zone& zone, const auth::DkimKey& key, LoadContext& context) {
  auto* mta = domain.mta->find_service<engine::MtaService>();
  if (!mta) return;
  const dns::Name record_name =
      dns::Name::from_text(std::string(generated_dkim_selector) + "._domainkey." + domain.name + ".").value();
  zone.add(dns::make_record(record_name, 3600, dns::txt_from_text(key.key_record())));

  World* world = &context.world;
  auto& setup = world->module_state<auth_module::State>().hosts[domain.mta->name()];
  setup.lookups = std::make_shared<engine::AuthLookups>(
      [world](engine::Host& host) { return &world->module_state<dns_module::State>().stub(host); });
  setup.book = std::make_shared<engine::SpfResultBook>();
  engine::DkimDmarcOptions verify;
  verify.verify_dkim = true;
  verify.dmarc = engine::DmarcMode::off;
  setup.inbound = std::make_shared<engine::DkimDmarcPolicy>(verify, setup.lookups, setup.book);
  mta->add_policy(setup.inbound);
  setup.signer = std::make_shared<engine::DkimSigner>(engine::DkimSignerOptions{domain.name, generated_dkim_selector, key});
  mta->add_policy(setup.signer);
}

}  // namespace maillab::scenarios::generate_module
