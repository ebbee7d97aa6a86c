// The sender-authentication scenario module (SPF, DKIM, DMARC): host blocks `authentication:`
// (checks and signing on an MTA host) and `publish:` (SPF/DKIM/DMARC TXT records on an
// authoritative DNS server), action `tamper:` (a relay MTA alters messages it forwards),
// expectation `auth_results:`. scenarios/README.md, "Sender authentication: SPF, DKIM, DMARC".
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/hosts/auth/dkim_dmarc_policy.h"
#include "engine/hosts/auth/dkim_signer.h"
#include "engine/hosts/auth/spf_policy.h"
#include "engine/hosts/auth/tampering_relay.h"
#include "scenarios/registry.h"

namespace maillab::scenarios::auth_module {

// What one MTA host runs (for inspectors and tests).
struct HostAuthentication {
  std::shared_ptr<engine::AuthLookups> lookups;
  std::shared_ptr<engine::SpfResultBook> book;
  std::shared_ptr<engine::SpfPolicy> spf;
  std::shared_ptr<engine::DkimDmarcPolicy> inbound;
  std::shared_ptr<engine::DkimSigner> signer;
};

// A TXT record `publish:` put in DNS.
struct PublishedRecord {
  std::string server;  // host name of the authoritative server
  std::string name;    // "example.com", "mail._domainkey.example.com", "_dmarc.example.com"
  std::string text;    // the TXT content (character-strings joined)
};

struct State {
  struct Pending {
    engine::Host* host = nullptr;
    YAML::Node block;
  };
  std::vector<Pending> authentications;  // attached once every host exists
  std::vector<Pending> publications;
  std::map<std::string, HostAuthentication> hosts;                          // by host name
  std::map<std::string, std::shared_ptr<engine::TamperingRelay>> tamperers;  // by host name
  std::vector<PublishedRecord> published;
};

// auth_module_publish.cpp: the `publish:` finalizer.
void publish_records(LoadContext& context);
// auth_module_script.cpp: `tamper:` and `auth_results:`.
void register_script(Registry& registry);

}  // namespace maillab::scenarios::auth_module
