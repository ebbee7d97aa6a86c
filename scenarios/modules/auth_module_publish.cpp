// The `publish:` host block on an authoritative DNS server: the TXT records of sender
// authentication, generated so that nobody has to paste a public key into a zone:
//
//   publish:
//     domain: example.com
//     spf: "v=spf1 ip4:10.0.1.25 -all"          # TXT at example.com (RFC 7208 §3)
//     dkim: {selector: mail}                    # TXT at mail._domainkey.example.com with the
//                                               # scenario's deterministic key (RFC 6376 §3.6.1)
//       # or {selector: mail, algorithm: ed25519, bits: 2048, record: "v=DKIM1; k=rsa; p="}
//     dmarc: "v=DMARC1; p=reject"               # TXT at _dmarc.example.com (RFC 7489 §6.1)
//     ttl: 300
//
// or a list of such maps. The domain must lie in a zone this server serves (`dns_server: zones:`);
// secondaries of that server get the records too. The DKIM key is the one an
// `authentication: {dkim_sign: {domain, selector}}` block with the same algorithm and bits signs with.
#include "engine/hosts/auth/dkim_signer.h"
#include "engine/hosts/dns/authoritative_service.h"
#include "engine/net/network.h"
#include "scenarios/modules/auth_module.h"
#include "protocols/common/ascii_case.h"

namespace maillab::scenarios::auth_module {
namespace {

// Adds `record` to the zone holding it on `server` and on every server that serves the same zone.
bool add_everywhere(engine::AuthoritativeService& server, const dns::ResourceRecord& record, engine::Network& network,
                    std::string& error) {
  const dns::Zone* home = server.zones().find_zone(record.name);
  if (!home) {
    error = "no zone served here contains " + record.name.to_short_text();
    return false;
  }
  const dns::Name origin = home->origin();
  for (auto* host : network.hosts()) {
    auto* service = host->find_service<engine::AuthoritativeService>();
    if (!service) continue;
    dns::ZoneSet updated;
    bool changed = false;
    for (dns::Zone zone : service->zones().zones()) {
      if (zone.origin() == origin) {
        if (auto problem = zone.add(record)) {
          error = problem->message;
          return false;
        }
        changed = true;
      }
      updated.add(std::move(zone));
    }
    if (changed) service->set_zones(std::move(updated));
  }
  return true;
}

void publish_one(const YAML::Node& node, engine::Host& host, engine::AuthoritativeService& server, LoadContext& context,
                 State& state) {
  if (!context.check_keys(node, "publish", {"domain"}, {"spf", "dkim", "dmarc", "ttl"})) return;
  auto domain_text = context.text(node["domain"], "publish domain");
  if (!domain_text) return;
  const std::string domain = common::to_lower(*domain_text);
  std::uint32_t ttl = 300;
  if (node["ttl"]) {
    auto value = context.integer(node["ttl"], "publish ttl", 0, 2147483647);
    if (!value) return;
    ttl = static_cast<std::uint32_t>(*value);
  }
  auto publish = [&](const YAML::Node& at, const std::string& owner, const std::string& text) {
    auto name = dns::Name::from_text(owner);
    if (!name.ok()) {
      context.error(at, "'" + owner + "' is not a valid DNS name", "a domain like example.com");
      return;
    }
    std::string error;
    if (!add_everywhere(server, dns::make_record(name.value(), ttl, dns::txt_from_text(text)), context.world.network, error)) {
      context.error(at, "cannot publish TXT " + owner + " on " + host.name() + ": " + error,
                    "a domain inside one of this server's zones");
      return;
    }
    state.published.push_back({host.name(), owner, text});
  };
  if (node["spf"]) {
    if (auto text = context.text(node["spf"], "publish spf")) {
      if (text->rfind("v=spf1", 0) != 0)
        context.error(node["spf"], "an SPF record starts with v=spf1", "e.g. \"v=spf1 ip4:10.0.1.25 -all\"");
      else
        publish(node["spf"], domain, *text);
    }
  }
  if (node["dmarc"]) {
    if (auto text = context.text(node["dmarc"], "publish dmarc")) {
      auto parsed = auth::parse_dmarc_record(*text);
      if (!parsed.record)
        context.error(node["dmarc"], "bad DMARC record: " + parsed.error, "e.g. \"v=DMARC1; p=reject\"");
      else
        publish(node["dmarc"], "_dmarc." + domain, *text);
    }
  }
  if (const YAML::Node& dkim = node["dkim"]) {
    if (!context.check_keys(dkim, "publish dkim", {"selector"}, {"algorithm", "bits", "record"})) return;
    auto selector = context.text(dkim["selector"], "dkim selector");
    if (!selector) return;
    std::string record;
    if (dkim["record"]) {
      auto text = context.text(dkim["record"], "dkim record");
      if (!text) return;
      record = *text;
    } else {
      auth::DkimKeyType type = auth::DkimKeyType::rsa;
      if (dkim["algorithm"]) {
        auto text = context.text(dkim["algorithm"], "dkim algorithm");
        if (!text) return;
        if (*text == "ed25519" || *text == "ed25519-sha256") type = auth::DkimKeyType::ed25519;
        else if (*text != "rsa" && *text != "rsa-sha256") {
          context.error(dkim["algorithm"], "unknown DKIM algorithm '" + *text + "'", "rsa or ed25519");
          return;
        }
      }
      std::optional<std::int64_t> bits = 2048;
      if (dkim["bits"]) bits = context.integer(dkim["bits"], "dkim bits", 1024, 4096);
      if (!bits) return;
      record = engine::deterministic_dkim_key(context.world.simulator.seed(), domain, *selector, type,
                                              static_cast<int>(*bits))
                   .key_record();
    }
    publish(dkim, *selector + "._domainkey." + domain, record);
  }
}

}  // namespace

void publish_records(LoadContext& context) {
  auto& state = context.world.module_state<State>();
  for (const auto& pending : state.publications) {
    auto* server = pending.host->find_service<engine::AuthoritativeService>();
    if (!server) {
      context.error(pending.block, "'" + pending.host->name() + "' has publish: but serves no DNS zones",
                    "a dns_server: block with the domain's zone on the same host");
      continue;
    }
    if (pending.block.IsSequence()) {
      for (const auto& item : pending.block) publish_one(item, *pending.host, *server, context, state);
    } else {
      publish_one(pending.block, *pending.host, *server, context, state);
    }
  }
  state.publications.clear();
}

}  // namespace maillab::scenarios::auth_module
