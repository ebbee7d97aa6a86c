// What the transport costs (engine/net/byte_queue.h, host_transport.h): the work counters must
// grow with the bytes and connections, not with their square. Counters, never clocks.
#include <catch2/catch.hpp>

#include <set>

#include "engine/net/byte_queue.h"
#include "engine/net/host.h"
#include "engine/net/network.h"

using namespace maillab::engine;

namespace {

constexpr Address address_client = 0x0a000001, address_server = 0x0a000002;

struct TransferResult {
  std::uint64_t received = 0;
  bool closed_normally = false;
  std::uint64_t moved = 0;
  std::uint64_t timer_events = 0;
  std::uint64_t segments = 0;  // hop records of the transfer (it crosses one link)
};

// One connection carrying `bytes` in a single send, then FIN; the trace is not kept in memory.
TransferResult transfer(std::size_t bytes) {
  Simulator sim(7);
  sim.trace().set_keep_records(false);
  Network net(sim);
  Host* client = net.add_host("client", address_client);
  Host* server = net.add_host("server", address_server);
  net.add_link("client", "server", LinkSpec{milliseconds(5), 1'000'000'000, 0.0, true});
  TransferResult result;
  std::shared_ptr<StreamConnection> accepted, connection;
  server->listen(9, [&](std::shared_ptr<StreamConnection> c) {
    accepted = c;
    c->on_data = [&](std::string_view data) { result.received += data.size(); };
    c->on_closed = [&](CloseReason reason) { result.closed_normally = reason == CloseReason::normal; };
  });
  client->connect(Endpoint{address_server, 9}, ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) {
                                                                  connection = c;
                                                                  c->send(std::string(bytes, 'x'));
                                                                  c->close();
                                                                },
                                                                [](ConnectError) { FAIL("connect failed"); }});
  sim.run();
  result.moved = net.transport_counters().stream_bytes_moved;
  result.timer_events = net.transport_counters().timer_events;
  result.segments = sim.trace().count();
  return result;
}

}  // namespace

TEST_CASE("ByteQueue hands out any held range across chunks and releases from the front", "[engine][tcp][linear]") {
  std::uint64_t moved = 0;
  ByteQueue queue(&moved);
  std::string all;
  for (int i = 0; i < 3000; ++i) {  // small appends join chunks; big ones get their own
    const std::string piece = i % 500 == 0 ? std::string(40'000, static_cast<char>('a' + i % 26))
                                            : std::string(1 + i % 7, static_cast<char>('A' + i % 26));
    queue.append(piece);
    all += piece;
  }
  REQUIRE(queue.size() == all.size());
  CHECK(moved == all.size());
  std::vector<std::uint8_t> out;
  queue.copy(39'990, 20'000, out);
  CHECK(std::string(out.begin(), out.end()) == all.substr(39'990, 20'000));
  queue.release_until(50'000);
  CHECK(queue.begin_offset() == 50'000);
  out.clear();
  queue.copy(50'000, 1460, out);
  CHECK(std::string(out.begin(), out.end()) == all.substr(50'000, 1460));
  out.clear();
  queue.copy(all.size() - 3, 3, out);
  CHECK(std::string(out.begin(), out.end()) == all.substr(all.size() - 3));
  queue.release_until(10);  // already released: nothing happens
  CHECK(queue.begin_offset() == 50'000);
  queue.release_until(all.size());
  CHECK(queue.empty());
}

TEST_CASE("a 100 MB transfer completes and its buffers move each byte a bounded number of times", "[engine][tcp][linear]") {
  const TransferResult small = transfer(1'000'000);
  const TransferResult large = transfer(100'000'000);
  REQUIRE(small.received == 1'000'000);
  REQUIRE(large.received == 100'000'000);
  CHECK(small.closed_normally);
  CHECK(large.closed_normally);
  // Sent: appended once, copied into segments once; received: copied out of segments once.
  // Erasing acknowledged bytes from the front of one buffer moved ~N^2/(2*MSS) bytes instead.
  CHECK(small.moved <= 4 * small.received);
  CHECK(large.moved <= 4 * large.received);
  const double ratio = static_cast<double>(large.moved) / static_cast<double>(small.moved);
  INFO("100 MB moved " << large.moved << " bytes, 1 MB moved " << small.moved);
  CHECK(ratio > 90);
  CHECK(ratio < 110);
}

// RFC 6298 §5.3 restarts the retransmission timer on every ACK that acknowledges new data. That
// restart moves a deadline (tcp_sending.cpp arm_timer); an event per restart, cancelled at the next
// one, had left tens of thousands of dead events queued in a busy world.
TEST_CASE("restarting the retransmission timer on each ACK schedules no event per ACK", "[engine][tcp][linear][timer]") {
  const TransferResult result = transfer(10'000'000);
  REQUIRE(result.received == 10'000'000);
  CHECK(result.closed_normally);
  INFO(result.segments << " segments, " << result.timer_events << " timer events");
  REQUIRE(result.segments > 10'000);  // ~6,900 data segments and their ACKs: thousands of restarts
  // The 1 Gbit/s, 5 ms link moves 10 MB in well under a second of simulated time, a few RTOs:
  // a handful of timer events per side, never one per ACK.
  CHECK(result.timer_events < 50);
}

TEST_CASE("16,384 connections use every ephemeral port without scanning, the next connect fails cleanly",
          "[engine][tcp][linear]") {
  Simulator sim(3);
  sim.trace().set_keep_records(false);
  Network net(sim);
  Host* client = net.add_host("client", address_client);
  Host* server = net.add_host("server", address_server);
  net.add_link("client", "server", LinkSpec{milliseconds(1), 0, 0.0, true});
  std::vector<std::shared_ptr<StreamConnection>> accepted, connected;
  server->listen(143, [&](std::shared_ptr<StreamConnection> c) { accepted.push_back(c); });
  int failed = 0;
  std::optional<ConnectError> last_error;
  auto connect_one = [&] {
    client->connect(Endpoint{address_server, 143},
                    ConnectHandlers{[&](std::shared_ptr<StreamConnection> c) { connected.push_back(c); },
                                    [&](ConnectError error) {
                                      ++failed;
                                      last_error = error;
                                    }});
  };
  constexpr int all_ports = 65536 - 49152;
  for (int i = 0; i < all_ports; ++i) connect_one();
  sim.run();
  REQUIRE(connected.size() == all_ports);
  CHECK(failed == 0);
  std::set<std::uint16_t> ports;
  for (const auto& c : connected) ports.insert(c->local().port);
  CHECK(ports.size() == all_ports);
  // One word of 64 ports per step, at most 257 per connect: never a scan of the connections.
  CHECK(net.transport_counters().port_search_steps <= 257u * all_ports);

  connect_one();  // no port left: refused from an event, no port 0, no reuse
  sim.run();
  CHECK(failed == 1);
  CHECK(last_error == ConnectError::unreachable);
  CHECK(net.transport_counters().ports_exhausted == 1);

  // Closing one frees its port for the next connect.
  const std::uint16_t freed = connected.front()->local().port;
  connected.front()->abort();
  connected.erase(connected.begin());
  connect_one();
  sim.run();
  CHECK(failed == 1);
  REQUIRE(connected.size() == all_ports);
  CHECK(connected.back()->local().port == freed);
}
