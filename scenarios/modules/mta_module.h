// The mail transfer (SMTP) scenario module: host block `mta:`, action `send:`, expectations
// delivered, bounced, rejected, smtp_reply, queued. scenarios/README.md, "Mail transfer (SMTP)".
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/hosts/mail/mta_service.h"
#include "scenarios/registry.h"

namespace maillab::scenarios::mta_module {

struct State {
  struct PendingSmarthost {
    engine::MtaService* mta;
    YAML::Node node;
  };
  std::vector<PendingSmarthost> smarthosts;  // resolved once every host exists
  bool audit_added = false;
};

// mta_module_send.cpp
std::optional<engine::Simulator::Action> parse_send(const YAML::Node& value, LoadContext& context);
// mta_module_expect.cpp
void register_expectations(Registry& registry);

}  // namespace maillab::scenarios::mta_module
