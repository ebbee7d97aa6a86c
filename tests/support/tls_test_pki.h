// A small PKI for the TLS unit tests: a CA, and a server certificate whose validity or name can
// be made wrong, all from fixed seeds.
#pragma once

#include <string>
#include <vector>

#include "protocols/tls/session.h"

namespace maillab::tls::testing {

constexpr std::int64_t test_now = 1796558400;  // 2026-12-06 12:00:00 UTC
constexpr std::int64_t day = 86400;

struct TestPki {
  DeterministicRandom random{42};
  PrivateKey ca_key = generate_key(random);
  Certificate ca = issue_certificate({"Test Lab CA", {}, true, test_now - 365 * day, test_now + 3650 * day, 1},
                                     ca_key, {}, ca_key, random);
  PrivateKey server_key = generate_key(random);
  // Issued once: every issue draws new random bytes (the ECDSA signature), so a second one differs.
  Certificate server = server_certificate("mx.example.org", test_now - 30 * day, test_now + 365 * day);

  Certificate server_certificate(std::string name, std::int64_t not_before, std::int64_t not_after) {
    return issue_certificate({name, {name}, false, not_before, not_after, 2}, server_key, ca, ca_key, random);
  }
  Certificate good(const std::string& name = "mx.example.org") {
    return server_certificate(name, test_now - 30 * day, test_now + 365 * day);
  }
};

inline Config server_config(const TestPki& pki, Certificate leaf, std::uint64_t seed = 7) {
  Config config;
  config.role = Role::server;
  config.random_seed = seed;
  config.verify_time = test_now;
  config.chain = {std::move(leaf), pki.ca};
  config.key = pki.server_key;
  return config;
}

inline Config client_config(const TestPki& pki, std::string name = "mx.example.org", std::uint64_t seed = 9) {
  Config config;
  config.role = Role::client;
  config.random_seed = seed;
  config.verify_time = test_now;
  config.server_name = std::move(name);
  config.trust_anchors = {pki.ca};
  return config;
}

// Runs both ends until neither has anything to say; every ciphertext chunk is kept in order.
struct Conversation {
  Session client, server;
  std::vector<std::string> wire;
  std::vector<std::string> labels;
  std::vector<Event> client_events, server_events;
  std::string client_received, server_received;

  Conversation(Config client_config, Config server_config)
      : client(std::move(client_config)), server(std::move(server_config)) {}

  bool step() {
    bool moved = false;
    while (auto output = client.poll_output()) {
      wire.push_back(output->bytes), labels.push_back("client: " + output->label);
      server.handle_ciphertext(output->bytes);
      moved = true;
    }
    while (auto output = server.poll_output()) {
      wire.push_back(output->bytes), labels.push_back("server: " + output->label);
      client.handle_ciphertext(output->bytes);
      moved = true;
    }
    while (auto event = client.poll_event()) client_events.push_back(*event);
    while (auto event = server.poll_event()) server_events.push_back(*event);
    client_received += client.poll_plaintext();
    server_received += server.poll_plaintext();
    return moved;
  }
  void run() {
    while (step()) {
    }
  }
};

template <typename T>
const T* find_event(const std::vector<Event>& events) {
  for (const auto& event : events)
    if (const T* found = std::get_if<T>(&event)) return found;
  return nullptr;
}

}  // namespace maillab::tls::testing
