// The mail client scenario module (scenarios/README.md, "Reading mail: POP3, IMAP and clients"):
// host block `mail_client:`; actions check_mail, read, reply, forward, compose, delete, move;
// expectations device_shows, device_count, device_ok, server_has.
#pragma once

#include <yaml-cpp/yaml.h>

#include "engine/hosts/client/mail_client_service.h"
#include "scenarios/registry.h"

namespace maillab::scenarios::client_module {

// The device's mail client, or nullptr after a located error ("bob-phone has no mail_client").
engine::MailClientService* device(const YAML::Node& node, LoadContext& context);

// client_module_expect.cpp
void register_expectations(Registry& registry);

}  // namespace maillab::scenarios::client_module
