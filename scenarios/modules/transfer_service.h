// Plain TCP bulk transfers for network lessons and tests (the scenario action `transfer:` and
// the expectation `transfer_complete:`): a sender that connects, writes N bytes and closes, and
// a receiver service that counts what each connection delivered before its orderly close.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/net/host.h"

namespace maillab::scenarios {

class TransferReceiver : public engine::Service {
 public:
  struct Completed {
    engine::Address from = 0;
    std::uint16_t port = 0;
    std::uint64_t bytes = 0;
    engine::Time when = 0;
  };

  std::string_view kind() const override { return "transfer-receiver"; }
  void start(engine::Host& host) override;
  void on_crash() override;  // connections vanish with the host; their partial counts too

  // Listens on `port` too (at once if started); false if another service holds the port.
  bool add_port(std::uint16_t port);
  const std::vector<Completed>& completed() const { return completed_; }

 private:
  bool bind(std::uint16_t port);
  void accept(std::uint16_t port, std::shared_ptr<engine::StreamConnection> connection);

  engine::Host* host_ = nullptr;
  std::set<std::uint16_t> ports_;
  std::map<std::uint64_t, std::shared_ptr<engine::StreamConnection>> open_;
  std::map<std::uint64_t, std::uint64_t> received_;
  std::vector<Completed> completed_;
};

class TransferSender : public engine::Service {
 public:
  std::string_view kind() const override { return "transfer-sender"; }
  void start(engine::Host& host) override { host_ = &host; }
  void on_crash() override { open_.clear(); }

  // Starts a transfer now (call it from an event action). The bytes are a readable repeating
  // pattern so pcap views make sense.
  void send(engine::Endpoint to, std::uint64_t bytes);

 private:
  engine::Host* host_ = nullptr;
  std::map<std::uint64_t, std::shared_ptr<engine::StreamConnection>> open_;
};

}  // namespace maillab::scenarios
