// The `generate:` section: a world of many mail domains and the traffic between them, made from a
// few lines and the seed, for busy scenarios and `maillab bench mail` (scenarios/README.md,
// "Generated worlds"). Everything is built directly as hosts, services, zones and timed
// submissions; nothing is written out as YAML and read back.
//
//   generate:
//     domains: {count: 200, users: 10, tlds: [com, org, net], clients: 1}
//     traffic:
//       - {count: 5000, start: 1s, rate: 100/s, arrival: poisson, size: [1KB, 8KB],
//          from: all, to: all, unknown_recipients: 0.02, nxdomain: 0.01, spoofed: 0.01}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/hosts/mail/submission_client.h"
#include "protocols/auth/dkim_key.h"
#include "protocols/dns/zone.h"
#include "engine/net/host.h"
#include "scenarios/load_context.h"
#include "scenarios/registry.h"

namespace maillab::scenarios::generate_module {

struct GeneratedDomain {
  std::string name;              // "d17.org"
  engine::Host* mta = nullptr;   // mail.d17.org: MTA and mailboxes, MX of the domain
  std::vector<engine::Host*> clients;  // the users' machines, submitting on 587 with AUTH
  std::vector<std::string> users;      // local parts: user1 ... userN
};

struct State {
  std::vector<GeneratedDomain> domains;
  engine::Host* spoofer = nullptr;  // sends forged mail straight to MX hosts on port 25
};

// generate_dkim.cpp: `dkim: rsa | ed25519` — the one key every generated domain signs with, and
// what one domain needs to sign its users' mail (key in its zone) and to verify what arrives.
inline constexpr const char* generated_dkim_selector = "mail";
auth::DkimKey generated_dkim_key(auth::DkimKeyType type, LoadContext& context);
void add_dkim(GeneratedDomain& domain, dns::Zone& zone, const auth::DkimKey& key, LoadContext& context);

// The password of a generated user (the clients log in with it).
std::string password_of(const std::string& user);

// generate_world.cpp: builds `domains:` (and the root, TLDs and resolvers above them).
bool build_domains(const YAML::Node& domains, LoadContext& context);
// generate_traffic.cpp: schedules each `traffic:` entry as a stream of submissions.
void schedule_traffic(const YAML::Node& traffic, LoadContext& context);

}  // namespace maillab::scenarios::generate_module
