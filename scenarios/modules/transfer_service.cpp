#include "scenarios/modules/transfer_service.h"

#include <algorithm>

#include "engine/net/network.h"

namespace maillab::scenarios {
namespace {

std::string name_or_address(engine::Network& network, engine::Address address) {
  auto name = network.name_of(address);
  return name ? *name : engine::format_address(address);
}

void note(engine::Host& host, std::string peer, std::string summary, std::uint64_t connection) {
  engine::TraceRecord record;
  record.time = host.simulator().now();
  record.kind = engine::TraceKind::note;
  record.node = host.name();
  record.peer = std::move(peer);
  record.protocol = "TCP";
  record.summary = std::move(summary);
  record.connection = connection;
  host.simulator().trace().record(std::move(record));
}

// Drops a connection after the callback that is running now has returned, not inside it.
void release_later(engine::Host& host, std::shared_ptr<engine::StreamConnection> connection) {
  host.simulator().schedule_in(0, [connection = std::move(connection)] {});
}

}  // namespace

void TransferReceiver::start(engine::Host& host) {
  host_ = &host;
  for (auto port : ports_) bind(port);
}

void TransferReceiver::on_crash() {
  open_.clear();
  received_.clear();
}

bool TransferReceiver::add_port(std::uint16_t port) {
  if (ports_.count(port)) return true;
  if (host_ && !bind(port)) return false;
  ports_.insert(port);
  return true;
}

bool TransferReceiver::bind(std::uint16_t port) {
  return host_->listen(port, [this, port](std::shared_ptr<engine::StreamConnection> connection) {
    accept(port, std::move(connection));
  });
}

void TransferReceiver::accept(std::uint16_t port, std::shared_ptr<engine::StreamConnection> connection) {
  const std::uint64_t id = connection->id();
  open_[id] = connection;
  received_[id] = 0;
  engine::StreamConnection* raw = connection.get();
  connection->on_data = [this, id](std::string_view bytes) { received_[id] += bytes.size(); };
  connection->on_closed = [this, id, port, raw](engine::CloseReason reason) {
    const engine::Address from = raw->remote().address;
    const std::uint64_t bytes = received_[id];
    const std::string peer = name_or_address(host_->network(), from);
    if (reason == engine::CloseReason::normal) {
      completed_.push_back({from, port, bytes, host_->simulator().now()});
      note(*host_, peer, "transfer complete: received " + std::to_string(bytes) + " bytes on port " +
                             std::to_string(port), id);
      if (raw->is_open()) raw->close();  // our half too, so the sender sees an orderly end
    } else {
      note(*host_, peer, "transfer cut off (" + std::string(engine::to_string(reason)) + ") after " +
                             std::to_string(bytes) + " bytes", id);
    }
    received_.erase(id);
    release_later(*host_, std::move(open_[id]));
    open_.erase(id);
  };
}

void TransferSender::send(engine::Endpoint to, std::uint64_t bytes) {
  engine::Host& host = *host_;
  const std::string peer = name_or_address(host.network(), to.address);
  note(host, peer, "starting a transfer of " + std::to_string(bytes) + " bytes to port " + std::to_string(to.port), 0);
  host.connect(to, engine::ConnectHandlers{
      [this, bytes](std::shared_ptr<engine::StreamConnection> connection) {
        const std::uint64_t id = connection->id();
        open_[id] = connection;
        static constexpr std::string_view pattern = "maillab transfer data. ";
        std::string data;
        data.reserve(bytes);
        while (data.size() < bytes) data += pattern.substr(0, std::min<std::size_t>(pattern.size(), bytes - data.size()));
        connection->on_data = [](std::string_view) {};
        connection->on_closed = [this, id](engine::CloseReason) {
          auto it = open_.find(id);
          if (it == open_.end()) return;
          release_later(*host_, std::move(it->second));
          open_.erase(it);
        };
        connection->send(data);
        connection->close();
      },
      [this, peer, to](engine::ConnectError error) {
        note(*host_, peer, "transfer to port " + std::to_string(to.port) + " failed: " +
                               std::string(engine::to_string(error)), 0);
      }});
}

}  // namespace maillab::scenarios
