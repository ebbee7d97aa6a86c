// `generate: domains:` — a small Internet of `count` mail domains under a generated root and TLDs.
//
// Shape (a tree, so routes are unique and the picture is readable):
//   core router ── a.root-servers.net (the root zone, generated from every zone served)
//     ├─ tld-com router ── a.com-servers.net (the com zone), resolver-com (the region's resolver)
//     │    ├─ d1.com-net router ── mail.d1.com (MTA + mailboxes), ns.d1.com (d1.com's zone),
//     │    │                       client1.d1.com ... (the users' machines)
//     │    └─ ...
//     ├─ tld-org ...
//     └─ spoofer (sends forged mail straight to the MX hosts)
// `loss:` is the loss probability of each domain router's uplink (d1.com-net to tld-com);
// `starttls: false` makes every MTA plaintext (no STARTTLS offered or used: `bench mail` without --tls);
// `dkim: rsa | ed25519` signs every domain's mail and verifies it at every MX (generate_dkim.cpp).
// Domain k (0-based) is d<k+1>.<tld>, the TLDs taken in turn; its hosts live in 10.<k/256>.<k%256>.0/24
// (.1 router, .25 mail, .53 ns, .100+ clients). The infrastructure lives in 100.64.0.0/16.
// Each region's resolver serves every MTA of its TLD: an ISP's resolver, shared, with one cache.
#include <cstdio>
#include <set>

#include "engine/hosts/dns/authoritative_service.h"
#include "engine/hosts/dns/resolver_service.h"
#include "engine/hosts/mail/mta_service.h"
#include "engine/hosts/mailbox/mailbox_service.h"
#include "engine/net/network.h"
#include "protocols/dns/zone.h"
#include "scenarios/modules/dns_module.h"
#include "scenarios/modules/generate_module.h"

namespace maillab::scenarios::generate_module {
namespace {

constexpr std::int64_t max_domains = 65536;  // 10.<0-255>.<0-255>.0/24
constexpr std::int64_t max_users = 100000;
constexpr std::int64_t max_clients = 100;   // .100 to .199 of the domain's /24

engine::Address address_of(unsigned a, unsigned b, unsigned c, unsigned d) { return (a << 24) | (b << 16) | (c << 8) | d; }

dns::Name dns_name(const std::string& text) { return dns::Name::from_text(text + ".").value(); }

// d1.com's zone: SOA, MX 10 mail.d1.com, and the A records of its MX and name server. The NS
// set and the delegation above it are added by the DNS module's finalizer, as for any zone.
dns::Zone domain_zone(const std::string& domain, engine::Address mail, engine::Address ns) {
  const dns::Name origin = dns_name(domain);
  const dns::Name mail_name = dns_name("mail." + domain), ns_name = dns_name("ns." + domain);
  // RFC 1035 §3.3.13: MNAME the primary, RNAME the hostmaster's mailbox.
  dns::Zone zone(dns::make_record(origin, 3600,
                                  dns::rdata::SOA{ns_name, dns_name("hostmaster." + domain), 1, 3600, 600, 86400, 300}));
  zone.add(dns::make_record(origin, 3600, dns::rdata::MX{10, mail_name}));
  zone.add(dns::make_record(mail_name, 3600, dns::rdata::A{mail}));
  zone.add(dns::make_record(ns_name, 3600, dns::rdata::A{ns}));
  return zone;
}

struct Builder {
  LoadContext& context;
  const YAML::Node& where;
  engine::Network& network;
  bool ok = true;

  engine::Host* host(const std::string& name, engine::Address address, const std::string& role) {
    engine::Host* made = network.add_host(name, address, role);
    if (!made) fail("a generated host '" + name + "' clashes with a name or address (" + engine::format_address(address) +
                    ") already in the scenario");
    return made;
  }
  void router(const std::string& name, engine::Address address) {
    if (!network.add_router(name, address, "router"))
      fail("a generated router '" + name + "' clashes with a name or address already in the scenario");
  }
  void link(const std::string& a, const std::string& b, engine::Time latency, std::uint64_t bandwidth,
            double loss = 0) {
    engine::LinkSpec spec;
    spec.latency = latency;
    spec.bandwidth_bps = bandwidth;
    spec.loss = loss;
    if (ok && !network.add_link(a, b, spec)) fail("cannot link generated nodes '" + a + "' and '" + b + "'");
  }
  void fail(const std::string& what) {
    if (ok) context.error(where, what, "generated names (d1.com, mail.d1.com, tld-com, core ...) left free");
    ok = false;
  }

  void authoritative(engine::Host& on, dns::ZoneSet zones, std::optional<dns::Name> generate) {
    auto service = std::make_unique<engine::AuthoritativeService>(std::move(zones));
    dns_module::ServerEntry entry;
    entry.host = &on;
    entry.service = service.get();
    entry.generate = std::move(generate);
    entry.block = where;
    context.world.module_state<dns_module::State>().servers.push_back(std::move(entry));
    on.add_service(std::move(service));
  }
  void resolver(engine::Host& on) {
    auto service = std::make_unique<engine::ResolverService>();
    dns_module::ResolverEntry entry;
    entry.host = &on;
    entry.service = service.get();
    entry.block = where;
    context.world.module_state<dns_module::State>().resolvers.push_back(std::move(entry));
    on.set_resolver_address(on.address());
    on.add_service(std::move(service));
  }
};

std::optional<std::vector<std::string>> read_tlds(const YAML::Node& node, LoadContext& context) {
  auto tlds = context.text_list(node, "tlds");
  if (!tlds) return std::nullopt;
  std::set<std::string> seen;
  for (const auto& tld : *tlds) {
    bool letters = !tld.empty() && tld.size() <= 20;
    for (char c : tld) letters = letters && c >= 'a' && c <= 'z';
    if (!letters || !seen.insert(tld).second) {
      context.error(node, "bad or repeated top-level domain '" + tld + "'", "distinct lowercase words like com, org");
      return std::nullopt;
    }
  }
  if (tlds->empty() || tlds->size() > 200) {
    context.error(node, "tlds has " + std::to_string(tlds->size()) + " entries", "1 to 200 top-level domains");
    return std::nullopt;
  }
  return tlds;
}

// What the domains: block asks for.
struct DomainsOptions {
  std::int64_t count = 0, users = 10, clients = 1;
  std::vector<std::string> tlds{"com", "org", "net"};
  double loss = 0.0;
  bool starttls = true;
  std::optional<auth::DkimKeyType> dkim;  // none: no signing, no verifying
};

// Reads every key, reporting each bad one; nothing when any was bad.
std::optional<DomainsOptions> read_domains_options(const YAML::Node& block, LoadContext& context) {
  if (!context.check_keys(block, "generate domains", {"count"},
                             {"users", "tlds", "clients", "loss", "starttls", "dkim"}))
    return std::nullopt;
  DomainsOptions options;
  auto count = context.integer(block["count"], "domain count", 1, max_domains);
  std::optional<std::int64_t> users = options.users, clients = options.clients;
  if (block["users"]) users = context.integer(block["users"], "users per domain", 1, max_users);
  if (block["clients"]) clients = context.integer(block["clients"], "client machines per domain", 1, max_clients);
  std::optional<std::vector<std::string>> tlds = options.tlds;
  if (block["tlds"]) tlds = read_tlds(block["tlds"], context);
  std::optional<double> loss = options.loss;
  if (block["loss"]) loss = context.number(block["loss"], "loss of each domain's uplink", 0.0, 1.0);
  std::optional<bool> starttls = options.starttls;
  if (block["starttls"]) starttls = context.boolean(block["starttls"], "generate domains starttls");
  if (const YAML::Node& node = block["dkim"]) {
    auto text = context.text(node, "generate domains dkim");
    if (!text) return std::nullopt;
    if (*text == "rsa" || *text == "true") options.dkim = auth::DkimKeyType::rsa;
    else if (*text == "ed25519") options.dkim = auth::DkimKeyType::ed25519;
    else if (*text != "false" && *text != "none") {
      context.error(node, "unknown dkim '" + *text + "' for generated domains", "rsa (2048-bit), ed25519 or false");
      return std::nullopt;
    }
  }
  if (!count || !users || !clients || !tlds || !loss || !starttls) return std::nullopt;
  options.count = *count;
  options.users = *users;
  options.clients = *clients;
  options.tlds = std::move(*tlds);
  options.loss = *loss;
  options.starttls = *starttls;
  return options;
}

constexpr std::uint64_t fast = 10'000'000'000ULL, lan = 1'000'000'000ULL;  // 10 Gb/s backbone, 1 Gb/s LANs

// The shared part: the core router, the root server, the spoofer, and per TLD its router, its
// name server and the region's resolver.
void build_backbone(Builder& build, State& state, const std::vector<std::string>& tlds) {
  build.router("core", address_of(100, 64, 0, 1));
  engine::Host* root = build.host("a.root-servers.net", address_of(100, 64, 0, 4), "dns-root");
  if (root) {
    build.authoritative(*root, {}, dns::Name());
    build.link("core", root->name(), engine::milliseconds(10), fast);
  }
  state.spoofer = build.host("spoofer", address_of(100, 64, 0, 66), "client");
  if (state.spoofer) build.link("core", "spoofer", engine::milliseconds(20), lan);
  for (std::size_t t = 0; t < tlds.size() && build.ok; ++t) {
    const std::string& tld = tlds[t];
    const unsigned region = static_cast<unsigned>(t + 1);
    build.router("tld-" + tld, address_of(100, 64, region, 1));
    build.link("core", "tld-" + tld, engine::milliseconds(10), fast);
    if (engine::Host* server = build.host("a." + tld + "-servers.net", address_of(100, 64, region, 2), "dns-tld")) {
      build.authoritative(*server, {}, dns_name(tld));
      build.link("tld-" + tld, server->name(), engine::milliseconds(2), fast);
    }
    if (engine::Host* resolver = build.host("resolver-" + tld, address_of(100, 64, region, 53), "resolver")) {
      build.resolver(*resolver);
      build.link("tld-" + tld, resolver->name(), engine::milliseconds(1), fast);
    }
  }
}

// Domain k: its router under its TLD's, its MTA with the users' mailboxes, its name server with
// its zone, and its client machines. Nothing when a generated name or address clashes.
std::optional<GeneratedDomain> build_domain(Builder& build, std::int64_t k, const DomainsOptions& options,
                                            const std::optional<auth::DkimKey>& dkim_key) {
  const std::size_t t = static_cast<std::size_t>(k) % options.tlds.size();
  const std::string& tld = options.tlds[t];
  GeneratedDomain domain;
  domain.name = "d" + std::to_string(k + 1) + "." + tld;
  const unsigned high = static_cast<unsigned>(k / 256), low = static_cast<unsigned>(k % 256);
  const std::string net = domain.name + "-net";
  build.router(net, address_of(10, high, low, 1));
  build.link("tld-" + tld, net, engine::milliseconds(5), lan, options.loss);
  const engine::Address resolver_address = address_of(100, 64, static_cast<unsigned>(t + 1), 53);

  domain.mta = build.host("mail." + domain.name, address_of(10, high, low, 25), "mta");
  engine::Host* ns = build.host("ns." + domain.name, address_of(10, high, low, 53), "dns-authoritative");
  if (!domain.mta || !ns) return std::nullopt;
  auto mailboxes = std::make_unique<engine::MailboxService>(std::vector<std::string>{domain.name});
  for (std::int64_t u = 1; u <= options.users; ++u) {
    domain.users.push_back("user" + std::to_string(u));
    mailboxes->store().add_user(domain.users.back(), password_of(domain.users.back()));
  }
  domain.mta->set_resolver_address(resolver_address);
  domain.mta->add_service(std::move(mailboxes));
  engine::MtaConfig mta;
  mta.starttls = options.starttls;
  domain.mta->add_service(std::make_unique<engine::MtaService>(std::move(mta), build.context.world.ledger));
  dns::Zone zone = domain_zone(domain.name, domain.mta->address(), ns->address());
  if (dkim_key) add_dkim(domain, zone, *dkim_key, build.context);
  dns::ZoneSet zones;
  zones.add(std::move(zone));
  build.authoritative(*ns, std::move(zones), std::nullopt);
  build.link(net, domain.mta->name(), engine::milliseconds(1), lan);
  build.link(net, ns->name(), engine::milliseconds(1), lan);
  for (std::int64_t c = 0; c < options.clients; ++c) {
    engine::Host* client = build.host("client" + std::to_string(c + 1) + "." + domain.name,
                                      address_of(10, high, low, static_cast<unsigned>(100 + c)), "client");
    if (!client) break;
    client->set_resolver_address(resolver_address);
    build.link(net, client->name(), engine::milliseconds(2), lan);
    domain.clients.push_back(client);
  }
  return domain;
}

}  // namespace

std::string password_of(const std::string& user) { return user + "-secret"; }

bool build_domains(const YAML::Node& block, LoadContext& context) {
  const auto options = read_domains_options(block, context);
  if (!options) return false;
  const std::optional<auth::DkimKey> dkim_key =
      options->dkim ? std::optional<auth::DkimKey>(generated_dkim_key(*options->dkim, context)) : std::nullopt;

  Builder build{context, block, context.world.network};
  State& state = context.world.module_state<State>();
  build_backbone(build, state, options->tlds);
  state.domains.reserve(static_cast<std::size_t>(options->count));
  for (std::int64_t k = 0; k < options->count && build.ok; ++k) {
    auto domain = build_domain(build, k, *options, dkim_key);
    if (!domain) break;
    state.domains.push_back(std::move(*domain));
  }
  return build.ok;
}

}  // namespace maillab::scenarios::generate_module
