#include "bench/transfer.h"

#include <chrono>
#include <iomanip>
#include <memory>
#include <string>

#include "engine/net/host.h"
#include "engine/net/network.h"

namespace maillab::bench {

int run_transfer_benchmark(std::uint64_t bytes, std::ostream& out) {
  engine::Simulator simulator(1);
  simulator.trace().set_keep_records(false);
  engine::Network network(simulator);
  engine::Host* sender = network.add_host("sender", 0x0a000001);
  engine::Host* receiver = network.add_host("receiver", 0x0a000002);
  network.add_link("sender", "receiver", engine::LinkSpec{engine::milliseconds(1), 1'000'000'000, 0.0, true});
  std::uint64_t received = 0, segments = 0;
  std::shared_ptr<engine::StreamConnection> accepted, connection;
  receiver->listen(9, [&](std::shared_ptr<engine::StreamConnection> c) {
    accepted = c;
    c->on_data = [&](std::string_view data) {
      received += data.size();
      ++segments;
    };
  });
  const auto started = std::chrono::steady_clock::now();
  sender->connect({receiver->address(), 9}, engine::ConnectHandlers{[&](std::shared_ptr<engine::StreamConnection> c) {
                                                                      connection = c;
                                                                      c->send(std::string(bytes, 'x'));
                                                                      c->close();
                                                                    },
                                                                    nullptr});
  simulator.run();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::uint64_t moved = network.transport_counters().stream_bytes_moved;
  out << std::fixed << std::setprecision(3) << "transfer: bytes=" << bytes << " seconds=" << seconds
      << " simulated_seconds=" << static_cast<double>(simulator.now()) / 1e6 << " segments=" << segments
      << " buffer_bytes_moved=" << moved << std::setprecision(2)
      << " moved_per_byte=" << (bytes ? static_cast<double>(moved) / static_cast<double>(bytes) : 0.0) << "\n";
  return received == bytes ? 0 : 1;
}

}  // namespace maillab::bench
