// The bridge: the gateway host stays out of other traffic's routes (non-transit), served ports
// are found and mapped predictably, and real sockets reach simulated services both ways.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it (GCC 12, C++20)
#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "engine/bridge/bridge.h"
#include "engine/bridge/gateway.h"
#include "engine/bridge/port_plan.h"
#include "engine/net/network.h"

using namespace maillab;
namespace asio = boost::asio;

namespace {

engine::Address address(const char* text) { return *engine::parse_address(text); }

// Echoes every byte; "quit\n" makes it answer "bye\n" and close (an orderly end from the server).
class EchoService : public engine::Service {
 public:
  explicit EchoService(std::uint16_t port) : port_(port) {}
  std::string_view kind() const override { return "echo"; }
  void start(engine::Host& host) override {
    host.listen(port_, [this](std::shared_ptr<engine::StreamConnection> connection) {
      auto* raw = connection.get();
      open_.push_back(connection);
      connection->on_data = [raw](std::string_view bytes) {
        if (bytes.find("quit\n") != std::string_view::npos) {
          raw->send("bye\n");
          raw->close();
          return;
        }
        raw->send(bytes);
      };
      connection->on_closed = [](engine::CloseReason) {};
    });
    host.udp_bind(53, [&host](const engine::Datagram& datagram) {
      auto reply = datagram.payload;
      reply.push_back('!');
      host.udp_send(53, datagram.source, reply);
    });
  }

 private:
  std::uint16_t port_;
  std::vector<std::shared_ptr<engine::StreamConnection>> open_;
};

struct SmallNet {
  engine::Simulator simulator{1};
  engine::Network network{simulator};
  engine::Host* a;
  engine::Host* b;
  SmallNet() {
    a = network.add_host("a", address("10.0.0.1"));
    b = network.add_host("b", address("10.0.0.2"));
    network.add_router("r");
    network.add_link("a", "r", {engine::milliseconds(10)});
    network.add_link("r", "b", {engine::milliseconds(10)});
  }
};

}  // namespace

TEST_CASE("bridge: a non-transit host never forwards, so routes between others stay the same", "[bridge]") {
  SmallNet net;
  net.network.add_host("shortcut", address("10.0.0.9"));
  net.network.add_link("shortcut", "a", {engine::microseconds(100)});
  net.network.add_link("shortcut", "b", {engine::microseconds(100)});
  // A transit host is a shortcut between a and b...
  REQUIRE(net.network.route("a", "b") == std::vector<std::string>{"a", "shortcut", "b"});
  // ...a non-transit one is not, yet it still reaches both and both reach it directly.
  REQUIRE(net.network.set_transit("shortcut", false));
  CHECK(net.network.route("a", "b") == std::vector<std::string>{"a", "r", "b"});
  CHECK(net.network.route("b", "a") == std::vector<std::string>{"b", "r", "a"});
  CHECK(net.network.route("shortcut", "b") == std::vector<std::string>{"shortcut", "b"});
  CHECK(net.network.route("a", "shortcut") == std::vector<std::string>{"a", "shortcut"});
  CHECK_FALSE(net.network.set_transit("nobody", false));
}

TEST_CASE("bridge: a non-transit host reaches a server behind another node only if that node forwards",
          "[bridge]") {
  SmallNet net;
  net.network.add_host("gateway", address("10.0.0.9"));
  net.network.add_link("gateway", "a", {engine::microseconds(100)});
  net.network.set_transit("gateway", false);
  // gateway -> a -> r -> b: a is an ordinary (transit) host, so the path exists.
  CHECK(net.network.route("gateway", "b") == std::vector<std::string>{"gateway", "a", "r", "b"});
}

TEST_CASE("bridge: served ports are the TCP listeners and DNS's UDP 53, with well-known names", "[bridge]") {
  SmallNet net;
  net.a->listen(587, [](auto) {});
  net.a->listen(25, [](auto) {});
  net.a->listen(50000, [](auto) {});   // ephemeral range: not a service
  net.b->udp_bind(53, [](const engine::Datagram&) {});
  net.b->udp_bind(40000, [](const engine::Datagram&) {});  // a resolver's own query port
  net.b->listen(993, [](auto) {});
  auto served = bridge::find_served_ports(net.network);
  REQUIRE(served.size() == 4);
  CHECK(served[0].host == "a");
  CHECK(served[0].port == 25);
  CHECK(served[0].service == "smtp");
  CHECK(served[1].service == "smtp-submission");
  CHECK(served[2].host == "b");
  CHECK(served[2].service == "imaps");
  CHECK(served[3].transport == bridge::Transport::udp);
  CHECK(served[3].service == "dns");
  CHECK(bridge::service_name(110, bridge::Transport::tcp) == "pop3");
  CHECK(bridge::service_name(2525, bridge::Transport::tcp) == "tcp-2525");
}

TEST_CASE("bridge: the gateway host links to every server and is non-transit", "[bridge]") {
  SmallNet net;
  net.a->listen(25, [](auto) {});
  net.b->udp_bind(53, [](const engine::Datagram&) {});
  bridge::Gateway gateway(net.network);
  REQUIRE(gateway.ok());
  CHECK(gateway.host().address() == address("10.255.255.254"));
  CHECK(net.network.find_link("bridge", "a").has_value());
  CHECK(net.network.find_link("bridge", "b").has_value());
  CHECK_FALSE(net.network.node("bridge")->transit);
  CHECK(net.network.route("a", "b") == std::vector<std::string>{"a", "r", "b"});
  // A second gateway with the same name is refused with a reason.
  bridge::Gateway again(net.network);
  CHECK_FALSE(again.ok());
  CHECK(again.error().find("already has a node named 'bridge'") != std::string::npos);
}

TEST_CASE("bridge: local ports follow base + 1000 * host + port, and say when they do not fit", "[bridge]") {
  std::vector<bridge::ServedPort> served{
      {"mx.one", 1, 25, bridge::Transport::tcp, "smtp"},
      {"mx.one", 1, 587, bridge::Transport::tcp, "smtp-submission"},
      {"mx.one", 1, 2525, bridge::Transport::tcp, "tcp-2525"},
      {"ns", 2, 53, bridge::Transport::udp, "dns"},
      {"ns", 2, 53, bridge::Transport::tcp, "dns-tcp"},
  };
  std::string error;
  auto plan = bridge::plan_local_ports(served, 20000, error);
  REQUIRE(plan);
  CHECK((*plan)[0].local_port == 20025);
  CHECK((*plan)[1].local_port == 20587);
  CHECK((*plan)[2].local_port == 22000);  // after both hosts' blocks
  CHECK((*plan)[3].local_port == 21053);
  CHECK((*plan)[4].local_port == 21053);  // TCP and UDP may share a number

  auto table = bridge::format_port_table(*plan, "127.0.0.1");
  CHECK(table.find("mx.one  smtp-submission  587/tcp  -> 127.0.0.1:20587") != std::string::npos);
  auto json = bridge::format_port_json(*plan, "127.0.0.1", "bridge", address("10.255.255.254"));
  CHECK(json.find(R"({"host": "ns", "address": "0.0.0.2", "service": "dns", "transport": "udp", "port": 53, "local_port": 21053})") !=
        std::string::npos);

  CHECK_FALSE(bridge::plan_local_ports(served, 65000, error));
  CHECK(error.find("--base-port 65000 is too high") != std::string::npos);
  auto chosen = bridge::plan_local_ports(served, 0, error);
  REQUIRE(chosen);
  for (const auto& port : *chosen) CHECK(port.local_port == 0);
}

TEST_CASE("bridge: real TCP and UDP sockets reach simulated services, and closes cross over", "[bridge]") {
  SmallNet net;
  net.b->add_service(std::make_unique<EchoService>(7));
  net.a->listen(25, [](auto) {});  // served, then closed below: a connect there is refused
  bridge::Gateway gateway(net.network);
  REQUIRE(gateway.ok());
  net.a->unlisten(25);
  std::vector<engine::TraceRecord> hops;
  net.simulator.trace().subscribe([&hops](const engine::TraceRecord& record) {
    if (record.kind == engine::TraceKind::hop) hops.push_back(record);
  });

  bridge::BridgeOptions options;
  options.base_port = 0;
  options.speed = 10;  // simulated time runs ahead; the test only waits for answers
  options.run_for = std::chrono::seconds(30);  // a safety net if the test fails half-way
  options.handle_signals = false;
  bridge::Bridge server(net.simulator, gateway, options);
  std::string error;
  REQUIRE(server.open(error));
  std::uint16_t echo_port = 0, dns_port = 0, refused_port = 0;
  for (const auto& port : server.ports()) {
    if (port.served.port == 7) echo_port = port.local_port;
    if (port.served.port == 53) dns_port = port.local_port;
    if (port.served.port == 25) refused_port = port.local_port;
  }
  REQUIRE(echo_port != 0);
  REQUIRE(dns_port != 0);
  REQUIRE(refused_port != 0);

  std::thread loop([&server] { server.run(); });
  std::string echoed, after_quit, udp_answer;
  boost::system::error_code refused_code, end_code;
  {
    asio::io_context io;
    const auto loopback = asio::ip::make_address("127.0.0.1");
    asio::ip::tcp::socket socket(io);
    socket.connect({loopback, echo_port});
    asio::write(socket, asio::buffer(std::string("hello bridge\n")));
    echoed.resize(13);
    asio::read(socket, asio::buffer(echoed));
    asio::write(socket, asio::buffer(std::string("quit\n")));
    // The server answers and closes: the client reads "bye\n", then end of file.
    asio::read(socket, asio::dynamic_buffer(after_quit), end_code);

    asio::ip::udp::socket udp(io, asio::ip::udp::endpoint(asio::ip::udp::v4(), 0));
    udp.send_to(asio::buffer(std::string("ping")), {loopback, dns_port});
    std::array<char, 64> buffer{};
    const std::size_t size = udp.receive(asio::buffer(buffer));
    udp_answer.assign(buffer.data(), size);

    asio::ip::tcp::socket refused(io);
    refused.connect({loopback, refused_port});
    std::array<char, 16> nothing{};
    refused.read_some(asio::buffer(nothing), refused_code);
  }
  server.stop();
  loop.join();

  CHECK(echoed == "hello bridge\n");
  CHECK(after_quit == "bye\n");
  CHECK(end_code == asio::error::eof);
  CHECK(udp_answer == "ping!");
  // Refused inside the simulation: the real client sees a reset (or at least no data).
  CHECK(refused_code);
  CHECK(server.counters().connections == 2);
  CHECK(server.counters().connections_failed == 1);
  CHECK(server.counters().datagrams_in == 1);
  CHECK(server.counters().datagrams_out == 1);
  // The bytes crossed the simulated link from the gateway host.
  bool saw_gateway_hop = false;
  for (const auto& hop : hops)
    if (hop.node == "bridge" && hop.peer == "b") saw_gateway_hop = true;
  CHECK(saw_gateway_hop);
}
