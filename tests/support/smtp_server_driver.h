// Drives one SMTP ServerSession for tests: sends bytes, collects its events, answers every verdict
// with the default positive reply unless told not to. Relay and submission options with one user.
#pragma once

#include <string>
#include <vector>

#include "protocols/smtp/server_session.h"

namespace maillab::smtp::testing {

inline ServerOptions relay_options() {
  ServerOptions config;
  config.hostname = "mx.example.net";
  config.check_credentials = [](std::string_view user, std::string_view password) {
    return user == "alice" && password == "wonderland";
  };
  return config;
}

inline ServerOptions submission_options() {
  ServerOptions config = relay_options();
  config.hostname = "smtp.example.org";
  config.mode = ServerMode::submission;
  return config;
}

struct ServerDriver {
  ServerSession server;
  std::vector<ServerEvent> events;
  bool auto_accept = true;  // answer every verdict with the default positive reply
  std::string greeting;

  explicit ServerDriver(ServerOptions config, bool accept_all = true)
      : server(std::move(config), "192.0.2.10", "client.example.org"), auto_accept(accept_all) {
    server.start();
    greeting = output();
  }

  std::string send(std::string_view bytes) {
    server.handle_bytes(bytes);
    return output();
  }

  std::string output() {
    std::string bytes;
    while (true) {
      drain();
      if (auto_accept && server.waiting_for_verdict()) {
        server.accept();
        continue;
      }
      break;
    }
    bytes += server.poll_output();
    return bytes;
  }

  void drain() {
    while (auto event = server.poll_event()) events.push_back(std::move(*event));
  }

  template <typename T>
  std::vector<T> events_of() const {
    std::vector<T> found;
    for (const auto& event : events) {
      if (auto* typed = std::get_if<T>(&event)) found.push_back(*typed);
    }
    return found;
  }

  // Greeting and EHLO done; returns nothing (their replies are checked elsewhere).
  void hello(std::string_view verb = "EHLO") { send(std::string(verb) + " client.example.org\r\n"); }
};

}  // namespace maillab::smtp::testing
