// Small worlds as scenario YAML, for tests that load them with scenario.h's load_text: each is the
// smallest network its tests need, built from the same keys a student writes.
#pragma once

#include <string>
#include <vector>

#include "tests/support/scenario.h"

namespace maillab::testing {

// One MTA, no DNS: alice-laptop, attacker and mail.example.com (example.com, users alice and
// carol). `mta_block` is the YAML of mail.example.com's mta: value; `events` and `expect` are
// appended.
std::string small_world(const std::string& mta_block, const std::string& events, const std::string& expect = "");

// Two MTAs, no DNS: mail.example.com (users alice, carol) sends everything for example.org to
// mx.example.org (users bob, dave) as its smarthost. `mail_mta` and `mx_mta` are the YAML of
// their mta: values (mail_mta must name the smarthost); `events` is appended.
std::string smarthost_world(const std::string& mail_mta, const std::string& mx_mta, const std::string& events,
                            const std::string& until = "120s");

// A small Internet for the DNS hosts: laptop (stub), resolver1, a root, the org TLD and
// ns1.example.org. `zone_records`: example.org's records, one master-file line each;
// `extra_hosts` (YAML list items under hosts:), `events` and `expect` are appended.
std::string dns_world(const std::vector<std::string>& zone_records, const std::string& events,
                      const std::string& extra_hosts = "", const std::string& expect = "");

// In a dns_world: the iterative queries resolver1 sent ("Q ..." protocol records with a peer).
std::vector<const engine::TraceRecord*> resolver_queries(const World& world);

}  // namespace maillab::testing
