// Shared helpers for the MTA tests: load a shipped scenario or inline YAML, run it, and pick
// trace records.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/trace.h"
#include "engine/hosts/mail/mta_service.h"
#include "scenarios/loader.h"
#include "scenarios/outcome.h"

namespace mailtest {

std::string scenario_path(const std::string& name);  // "smtp-retry" -> <source>/scenarios/smtp-retry.yaml
std::unique_ptr<maillab::scenarios::World> load_file(const std::string& name,
                                                     std::optional<std::uint64_t> seed = std::nullopt);
std::unique_ptr<maillab::scenarios::World> load_text(const std::string& yaml);
// The diagnostics of a file that must not load (reported under the name set.yaml).
std::string load_errors(const std::string& yaml);
std::string shipped_text(const std::string& name);  // the YAML of scenarios/<name>.yaml
// The shipped scenario with its events replaced by `events` and its expectations dropped.
std::string with_events(const std::string& name, const std::string& events);

// Runs to the World's `until` and returns the outcome (expectations and audits).
maillab::scenarios::RunOutcome run(maillab::scenarios::World& world);

// Records of a kind at a node (empty node: any) whose summary contains `text`.
std::vector<const maillab::engine::TraceRecord*> records(const maillab::scenarios::World& world,
                                                         maillab::engine::TraceKind kind, const std::string& node,
                                                         const std::string& text);

maillab::engine::MtaService& mta_on(maillab::scenarios::World& world, const std::string& host);

// The messages in a user's folder (raw bytes).
std::vector<std::string> mailbox(maillab::scenarios::World& world, const std::string& host, const std::string& user,
                                 const std::string& folder = "INBOX");

// A small world for behaviour tests: alice-laptop, attacker and mail.example.com (example.com,
// users alice and carol), no DNS. `mta_block` is the YAML of mail.example.com's mta: value,
// `events` and `expect` are appended.
std::string small_world(const std::string& mta_block, const std::string& events, const std::string& expect = "");

// Two MTAs, no DNS: mail.example.com (users alice, carol) sends everything for example.org to
// mx.example.org (users bob, dave) as its smarthost. `mail_mta` and `mx_mta` are the YAML of
// their mta: values (mail_mta must name the smarthost); `events` is appended.
std::string smarthost_world(const std::string& mail_mta, const std::string& mx_mta, const std::string& events,
                            const std::string& until = "120s");

}  // namespace mailtest
