// The virtual network (engine/net/network.h): link timing, queueing, routing, faults, loss
// determinism and UDP.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "engine/core/trace_writers.h"
#include "engine/net/host.h"
#include "engine/net/network.h"

using namespace maillab::engine;

namespace {

constexpr Address address_a = 0x0a000001, address_b = 0x0a000002, address_c = 0x0a000003;

std::vector<const TraceRecord*> of_kind(const Trace& trace, TraceKind kind) {
  std::vector<const TraceRecord*> result;
  for (const auto& r : trace.records())
    if (r.kind == kind) result.push_back(&r);
  return result;
}

struct Arrival {
  Time at;
  Datagram datagram;
};

}  // namespace

TEST_CASE("serialization plus latency gives exact arrival times, and a busy transmitter queues", "[engine][network]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  REQUIRE(net.add_link("a", "b", LinkSpec{milliseconds(10), 1'000'000, 0.0, true}));
  std::vector<Arrival> arrivals;
  REQUIRE(b->udp_bind(9000, [&](const Datagram& d) { arrivals.push_back({sim.now(), d}); }));

  // 1472 bytes of payload + 8 UDP + 20 IPv4 = 1500 bytes = 12000 bits = 12 ms at 1 Mbit/s.
  a->udp_send(5000, Endpoint{address_b, 9000}, std::vector<std::uint8_t>(1472, 'x'), "first");
  a->udp_send(5000, Endpoint{address_b, 9000}, std::vector<std::uint8_t>(1472, 'y'), "second");
  sim.run();

  REQUIRE(arrivals.size() == 2);
  CHECK(arrivals[0].at == 22'000);  // 12 ms serialization + 10 ms latency
  CHECK(arrivals[1].at == 34'000);  // waited 12 ms for the transmitter
  CHECK(arrivals[0].datagram.payload == std::vector<std::uint8_t>(1472, 'x'));
  CHECK(arrivals[0].datagram.source == Endpoint{address_a, 5000});
  CHECK(arrivals[0].datagram.destination == Endpoint{address_b, 9000});

  const auto hops = of_kind(sim.trace(), TraceKind::hop);
  REQUIRE(hops.size() == 2);
  CHECK(hops[0]->time == 0);
  CHECK(hops[0]->arrive == 22'000);
  CHECK(hops[1]->time == 12'000);  // departure, after the first packet left the transmitter
  CHECK(hops[1]->arrive == 34'000);
  CHECK(hops[0]->node == "a");
  CHECK(hops[0]->peer == "b");
  CHECK(hops[0]->protocol == "UDP");
  CHECK(hops[0]->summary == "first");
  CHECK(hops[0]->payload.size() == 1500);
  CHECK(hops[0]->packet != hops[1]->packet);
  CHECK(serialization_time(1500, 1'000'000) == 12'000);
  CHECK(serialization_time(1, 3) == 2'666'667);  // rounded up
  CHECK(serialization_time(1500, 0) == 0);
}

TEST_CASE("the two directions of a link have their own transmitters", "[engine][network]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  net.add_link("a", "b", LinkSpec{milliseconds(1), 1'000'000, 0.0, true});
  std::vector<Time> at_a, at_b;
  a->udp_bind(1, [&](const Datagram&) { at_a.push_back(sim.now()); });
  b->udp_bind(1, [&](const Datagram&) { at_b.push_back(sim.now()); });
  a->udp_send(1, Endpoint{address_b, 1}, std::vector<std::uint8_t>(97, 0));  // 125 bytes: 1 ms
  b->udp_send(1, Endpoint{address_a, 1}, std::vector<std::uint8_t>(97, 0));
  sim.run();
  CHECK(at_a == std::vector<Time>{2000});
  CHECK(at_b == std::vector<Time>{2000});
}

TEST_CASE("routing takes the lowest-latency path, reroutes around a downed link, fails with none", "[engine][network]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  REQUIRE(net.add_router("fast"));
  REQUIRE(net.add_router("slow"));
  REQUIRE_FALSE(net.add_router("fast"));  // names are unique
  CHECK(net.add_host("a2", address_a) == nullptr);  // so are addresses
  const auto a_fast = net.add_link("a", "fast", LinkSpec{milliseconds(5), 0, 0.0, true});
  net.add_link("fast", "b", LinkSpec{milliseconds(5), 0, 0.0, true});
  net.add_link("a", "slow", LinkSpec{milliseconds(20), 0, 0.0, true});
  const auto slow_b = net.add_link("slow", "b", LinkSpec{milliseconds(20), 0, 0.0, true});
  REQUIRE(a_fast);
  REQUIRE(slow_b);
  CHECK(net.find_link("fast", "a") == a_fast);

  CHECK(net.route("a", "b") == std::vector<std::string>{"a", "fast", "b"});
  std::vector<Time> arrivals;
  b->udp_bind(53, [&](const Datagram&) { arrivals.push_back(sim.now()); });
  a->udp_send(4000, Endpoint{address_b, 53}, {1, 2, 3}, "Q A example.org");
  sim.run();
  REQUIRE(arrivals.size() == 1);
  CHECK(arrivals[0] == 10'000);
  auto hops = of_kind(sim.trace(), TraceKind::hop);
  REQUIRE(hops.size() == 2);
  CHECK(hops[0]->packet == hops[1]->packet);  // one packet, two hops
  CHECK(hops[1]->node == "fast");
  CHECK(hops[1]->protocol == "DNS");
  CHECK(hops[1]->payload[8] == 63);  // the router decremented the TTL

  REQUIRE(net.set_link_up(*a_fast, false));
  CHECK(of_kind(sim.trace(), TraceKind::fault).size() == 1);
  CHECK(net.route("a", "b") == std::vector<std::string>{"a", "slow", "b"});
  const Time sent = sim.now();
  a->udp_send(4000, Endpoint{address_b, 53}, {1, 2, 3});
  sim.run();
  REQUIRE(arrivals.size() == 2);
  CHECK(arrivals[1] == sent + 40'000);  // the 40 ms path

  net.set_link_up(*slow_b, false);
  CHECK_FALSE(net.route("a", "b").has_value());
  a->udp_send(4000, Endpoint{address_b, 53}, {1, 2, 3});
  sim.run();
  CHECK(arrivals.size() == 2);
  auto drops = of_kind(sim.trace(), TraceKind::drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0]->summary.find("no route") == 0);

  // A router that goes down is routed around as well.
  net.set_link_up(*a_fast, true);
  CHECK(net.route("a", "b").has_value());
  net.set_node_up("fast", false);
  CHECK_FALSE(net.route("a", "b").has_value());
  net.set_node_up("fast", true);
  CHECK(net.route("a", "b") == std::vector<std::string>{"a", "fast", "b"});
}

TEST_CASE("packets in flight on a link that goes down are dropped when they arrive", "[engine][network]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  const auto link = net.add_link("a", "b", LinkSpec{milliseconds(10), 0, 0.0, true});
  int received = 0;
  b->udp_bind(7, [&](const Datagram&) { ++received; });
  a->udp_send(7, Endpoint{address_b, 7}, {1});
  sim.schedule_at(milliseconds(5), [&] { net.set_link_up(*link, false); });
  sim.schedule_at(milliseconds(6), [&] { net.set_link_up(*link, true); });  // back up before arrival
  sim.run();
  CHECK(received == 0);
  auto drops = of_kind(sim.trace(), TraceKind::drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0]->time == milliseconds(10));
  CHECK(drops[0]->summary.find("link down") == 0);
}

TEST_CASE("UDP: a datagram to an unbound port is dropped with a record, unbind works", "[engine][network][udp]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  net.add_link("a", "b", LinkSpec{});
  int received = 0;
  REQUIRE(b->udp_bind(53, [&](const Datagram&) { ++received; }));
  CHECK_FALSE(b->udp_bind(53, [](const Datagram&) {}));
  a->udp_send(1234, Endpoint{address_b, 53}, {1});
  a->udp_send(1234, Endpoint{address_b, 54}, {2});
  sim.run();
  CHECK(received == 1);
  b->udp_unbind(53);
  a->udp_send(1234, Endpoint{address_b, 53}, {3});
  sim.run();
  CHECK(received == 1);
  auto drops = of_kind(sim.trace(), TraceKind::drop);
  REQUIRE(drops.size() == 2);
  CHECK(drops[0]->summary.find("port unreachable") == 0);
  CHECK(drops[0]->node == "b");
  CHECK(drops[0]->peer == "a");
}

TEST_CASE("a handler may unbind itself and reply from inside the callback", "[engine][network][udp]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  net.add_link("a", "b", LinkSpec{});
  std::vector<std::uint8_t> answer;
  a->udp_bind(5353, [&](const Datagram& d) { answer = d.payload; });
  b->udp_bind(53, [&](const Datagram& d) {
    b->udp_unbind(53);
    b->udp_send(53, d.source, {9, 9}, "R");
  });
  a->udp_send(5353, Endpoint{address_b, 53}, {1}, "Q");
  sim.run();
  CHECK(answer == std::vector<std::uint8_t>{9, 9});
}

namespace {

struct CountingService : Service {
  int started = 0, crashed = 0, restarted = 0;
  Host* host = nullptr;
  std::string_view kind() const override { return "counter"; }
  void start(Host& h) override {
    ++started;
    host = &h;
  }
  void on_crash() override { ++crashed; }
  void on_restart() override { ++restarted; }
};

}  // namespace

TEST_CASE("services start when added and hear about crashes, a crashed host drops datagrams", "[engine][network]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b, "mta");
  net.add_link("a", "b", LinkSpec{});
  auto& service = static_cast<CountingService&>(b->add_service(std::make_unique<CountingService>()));
  CHECK(service.started == 1);
  CHECK(service.host == b);
  CHECK(b->find_service<CountingService>() == &service);
  CHECK(net.node("b")->role == "mta");
  CHECK(net.host_at(address_b) == b);
  CHECK(net.name_of(address_a) == std::string("a"));
  CHECK(net.hosts().size() == 2);

  int received = 0;
  b->udp_bind(25, [&](const Datagram&) { ++received; });
  REQUIRE(net.set_node_up("b", false));
  CHECK_FALSE(b->up());
  CHECK(service.crashed == 1);
  a->udp_send(1, Endpoint{address_b, 25}, {1});
  sim.run();
  CHECK(received == 0);
  auto drops = of_kind(sim.trace(), TraceKind::drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0]->summary.find("host down") == 0);

  net.set_node_up("b", true);
  CHECK(service.restarted == 1);
  a->udp_send(1, Endpoint{address_b, 25}, {1});
  sim.run();
  CHECK(received == 1);  // bindings survive a crash
  CHECK(of_kind(sim.trace(), TraceKind::fault).size() == 2);
}

TEST_CASE("ephemeral ports are in range, distinct and deterministic", "[engine][network]") {
  auto ports = [](std::uint64_t seed) {
    Simulator sim(seed);
    Network net(sim);
    Host* a = net.add_host("a", address_a);
    std::vector<std::uint16_t> result;
    for (int i = 0; i < 5; ++i) {
      result.push_back(a->ephemeral_port());
      a->udp_bind(result.back(), [](const Datagram&) {});
    }
    return result;
  };
  const auto first = ports(3);
  CHECK(first == ports(3));
  for (auto p : first) CHECK(p >= 49152);
  CHECK(std::set<std::uint16_t>(first.begin(), first.end()).size() == 5);
}

namespace {

// Sends 200 datagrams over a lossy link and returns the trace as JSONL plus its fingerprint.
std::pair<std::string, std::uint64_t> lossy_run(std::uint64_t seed, bool extra_host) {
  Simulator sim(seed);
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  if (extra_host) {
    net.add_host("c", address_c);
    net.add_link("c", "a", LinkSpec{milliseconds(3), 0, 0.5, true});
  }
  net.add_link("a", "b", LinkSpec{milliseconds(2), 10'000'000, 0.3, true});
  b->udp_bind(9, [](const Datagram&) {});
  for (int i = 0; i < 200; ++i)
    sim.schedule_at(milliseconds(i), [a, i] {
      a->udp_send(9, Endpoint{address_b, 9}, {static_cast<std::uint8_t>(i)}, "n" + std::to_string(i));
    });
  sim.run();
  std::string lost;
  for (const auto& r : sim.trace().records())
    if (r.kind == TraceKind::drop) lost += r.summary + ";";
  std::ostringstream jsonl;
  JsonlTraceWriter writer(jsonl);
  for (const auto& r : sim.trace().records()) writer.write(r);
  return {extra_host ? lost : jsonl.str(), sim.trace().fingerprint()};
}

}  // namespace

TEST_CASE("determinism: same seed same trace, another seed differs, other links do not shift draws",
          "[engine][network][determinism]") {
  const auto one = lossy_run(11, false);
  const auto two = lossy_run(11, false);
  CHECK(one.second == two.second);
  CHECK(one.first == two.first);
  const auto other = lossy_run(12, false);
  CHECK(one.second != other.second);
  CHECK(one.first != other.first);
  CHECK(one.first.find("lost on link") != std::string::npos);

  // The same losses on link a-b whether or not another host and lossy link exist.
  std::string lost_alone;
  for (std::size_t at = one.first.find("lost on link: "); at != std::string::npos;
       at = one.first.find("lost on link: ", at + 1)) {
    lost_alone += one.first.substr(at, one.first.find('"', at) - at) + ";";
  }
  CHECK(lossy_run(11, true).first == lost_alone);
}

TEST_CASE("packets queued at a node that crashes are dropped, not sent", "[engine][network]") {
  Simulator sim;
  Network net(sim);
  Host* a = net.add_host("a", address_a);
  Host* b = net.add_host("b", address_b);
  net.add_link("a", "b", LinkSpec{milliseconds(1), 1'000'000, 0.0, true});
  int received = 0;
  b->udp_bind(9, [&](const Datagram&) { ++received; });
  for (int i = 0; i < 3; ++i) a->udp_send(9, Endpoint{address_b, 9}, std::vector<std::uint8_t>(1222, 0));  // 10 ms each
  sim.schedule_at(milliseconds(15), [&] { net.set_node_up("a", false); });
  sim.run();
  CHECK(received == 2);  // the first left at 0, the second at 10 ms: both were on the wire
  CHECK(of_kind(sim.trace(), TraceKind::hop).size() == 2);
  auto drops = of_kind(sim.trace(), TraceKind::drop);
  REQUIRE(drops.size() == 1);
  CHECK(drops[0]->time == milliseconds(20));
  CHECK(drops[0]->summary.find("host down") == 0);
}
