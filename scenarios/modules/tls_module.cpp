// The `tls:` host block: the certificate this host's servers (SMTP, POP3, IMAP) present.
//   tls:
//     certificate: expired   # good (default) | expired | not-yet-valid | self-signed | wrong-name | untrusted
//     days: 3                # expired this many days ago / valid only in this many days
// Every certificate comes from the world's PKI (engine/hosts/tls/world_pki.h): a CA made from the
// seed, which every simulated client trusts. An MTA's outbound policy is the `mta:` block's
// `outbound_tls:` (may | encrypt | verify).
#include "engine/hosts/tls/world_pki.h"
#include "engine/net/network.h"
#include "scenarios/modules/builtin_modules.h"
#include "scenarios/registry.h"

namespace maillab::scenarios {
namespace {

std::unique_ptr<engine::Service> parse_tls(const YAML::Node& block, engine::Host& host, LoadContext& context) {
  if (block.IsNull() || !context.check_keys(block, "tls", {}, {"certificate", "days"})) return nullptr;
  engine::CertificateFault fault = engine::CertificateFault::none;
  if (const auto& node = block["certificate"]) {
    auto text = context.text(node, "certificate");
    if (!text) return nullptr;
    if (!engine::parse_certificate_fault(*text, fault)) {
      context.error(node, "unknown certificate '" + *text + "'",
                    "good, expired, not-yet-valid, self-signed, wrong-name or untrusted");
      return nullptr;
    }
  }
  int days = 3;
  if (const auto& node = block["days"]) {
    auto value = context.integer(node, "days", 0, 10000);
    if (!value) return nullptr;
    days = static_cast<int>(*value);
  }
  engine::world_pki(host.network()).set_fault(host.name(), fault, days);
  return nullptr;  // a setting of the world's PKI, not a service
}

}  // namespace

void register_tls_module(Registry& registry) { registry.add_service_parser("tls", parse_tls); }

}  // namespace maillab::scenarios
