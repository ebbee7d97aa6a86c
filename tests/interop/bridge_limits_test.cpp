// The bridge's limits (bridge.h): connections over a limit get their protocol's refusal; a client
// that does not read its replies stops being read and stops the simulated server; accept()
// failing for want of file descriptors backs off instead of spinning. Counters, never clocks.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it (GCC 12, C++20)
#include <boost/asio.hpp>
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "engine/bridge/bridge.h"
#include "engine/bridge/gateway.h"
#include "engine/net/network.h"

using namespace maillab;
namespace asio = boost::asio;

namespace {

engine::Address address(const char* text) { return *engine::parse_address(text); }

// Greets on every port it serves ("220 ...", "+OK ...", "* OK ..."); each line "blast N\n" makes it
// send N bytes back at once (queued in one go, as a server answering pipelined FETCHes would),
// however the lines are cut into segments.
class GreeterService : public engine::Service {
 public:
  std::string_view kind() const override { return "greeter"; }
  void start(engine::Host& host) override {
    for (std::uint16_t port : {25, 110, 143, 7}) {
      host.listen(port, [this, port](std::shared_ptr<engine::StreamConnection> connection) {
        auto* raw = connection.get();
        open_.push_back(connection);
        raw->send(port == 25 ? "220 a ESMTP\r\n" : port == 110 ? "+OK ready\r\n" : port == 143 ? "* OK ready\r\n" : "");
        auto pending = std::make_shared<std::string>();
        connection->on_data = [raw, pending](std::string_view bytes) {
          pending->append(bytes);
          std::size_t end;
          while ((end = pending->find('\n')) != std::string::npos) {
            const std::string line = pending->substr(0, end);
            pending->erase(0, end + 1);
            if (line.rfind("blast ", 0) == 0) raw->send(std::string(std::stoul(line.substr(6)), 'b'));
          }
        };
        connection->on_closed = [](engine::CloseReason) {};
      });
    }
  }

 private:
  std::vector<std::shared_ptr<engine::StreamConnection>> open_;
};

struct Lab {
  engine::Simulator simulator{1};
  engine::Network network{simulator};
  std::unique_ptr<bridge::Gateway> gateway;
  std::unique_ptr<bridge::Bridge> server;
  std::thread loop;
  std::map<std::uint16_t, std::uint16_t> local;  // simulated port -> real port

  explicit Lab(bridge::BridgeOptions options) {
    engine::Host* a = network.add_host("a", address("10.0.0.1"));
    a->add_service(std::make_unique<GreeterService>());
    gateway = std::make_unique<bridge::Gateway>(network);
    REQUIRE(gateway->ok());
    simulator.trace().set_keep_records(false);
    options.base_port = 0;
    options.speed = 10;
    options.run_for = std::chrono::seconds(60);  // a safety net if the test fails half-way
    options.handle_signals = false;
    server = std::make_unique<bridge::Bridge>(simulator, *gateway, options);
    std::string error;
    REQUIRE(server->open(error));
    for (const auto& port : server->ports()) local[port.served.port] = port.local_port;
  }
  void start() {
    loop = std::thread([this] { server->run(); });
  }
  ~Lab() {
    if (loop.joinable()) {
      server->stop();
      loop.join();
    }
  }
};

// Connects and reads what arrives until `until` is seen, end of file, or an error.
struct Client {
  asio::ip::tcp::socket socket;
  // A small receive buffer, so that the kernel holds little of what the client does not read.
  Client(asio::io_context& io, std::uint16_t port, bool small_buffer = false) : socket(io) {
    socket.open(asio::ip::tcp::v4());
    if (small_buffer) socket.set_option(asio::socket_base::receive_buffer_size(16384));
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  std::string read_until(const std::string& until) {
    std::string got;
    boost::system::error_code code;
    asio::read_until(socket, asio::dynamic_buffer(got), until, code);
    return got;
  }
  bool at_end() {
    std::array<char, 256> rest{};
    boost::system::error_code code;
    while (!code) socket.read_some(asio::buffer(rest), code);
    return code == asio::error::eof || code == asio::error::connection_reset;
  }
};

}  // namespace

TEST_CASE("bridge: connections over the limits get their protocol's refusal, then room comes back",
          "[bridge][limits]") {
  bridge::BridgeOptions options;
  options.max_connections = 6;
  options.max_connections_per_port = 4;
  Lab lab(options);
  lab.start();
  asio::io_context io;
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(std::make_unique<Client>(io, lab.local[25]));
    CHECK(clients.back()->read_until("\r\n") == "220 a ESMTP\r\n");
  }
  Client fifth_smtp(io, lab.local[25]);  // over the per-port limit
  CHECK(fifth_smtp.read_until("\r\n") == "421 4.3.2 a Service not available: too many connections, try again later\r\n");
  CHECK(fifth_smtp.at_end());
  for (int i = 0; i < 2; ++i) {
    clients.push_back(std::make_unique<Client>(io, lab.local[143]));
    CHECK(clients.back()->read_until("\r\n") == "* OK ready\r\n");
  }
  Client imap(io, lab.local[143]);  // over the total
  CHECK(imap.read_until("\r\n") == "* BYE [UNAVAILABLE] too many connections, try again later\r\n");
  Client pop(io, lab.local[110]);
  CHECK(pop.read_until("\r\n") == "-ERR [SYS/TEMP] too many connections, try again later\r\n");
  Client other(io, lab.local[7]);  // no refusal of its own: just closed
  CHECK(other.at_end());
  CHECK(lab.server->counters().connections_refused == 4);

  clients.clear();  // they go; their places come back
  bool greeted = false;
  for (int attempt = 0; attempt < 100 && !greeted; ++attempt) {
    Client again(io, lab.local[25]);
    greeted = again.read_until("\r\n") == "220 a ESMTP\r\n";
    if (!greeted) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(greeted);
}

TEST_CASE("bridge: a client that never reads is held to a bounded buffer, and gets every byte later",
          "[bridge][limits]") {
  bridge::BridgeOptions options;
  options.max_buffered_per_connection = 256 * 1024;
  Lab lab(options);
  lab.start();
  asio::io_context io;
  Client client(io, lab.local[7], true);
  constexpr std::size_t size = 8 * 1024 * 1024;
  asio::write(client.socket, asio::buffer(std::string("blast " + std::to_string(size) + "\n")));
  // Not reading: the bridge may hold its limit (plus one window the simulated stream had
  // delivered) and no more; the rest waits in the simulation, whose window is shut.
  for (int i = 0; i < 40 && lab.server->counters().reads_paused == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(lab.server->counters().reads_paused >= 1);
  CHECK(lab.server->counters().peak_buffered <= options.max_buffered_per_connection + 65535 + 1460);
  CHECK(lab.server->counters().bytes_out < size / 2);

  // Now it reads: everything arrives, in order and complete.
  std::vector<char> buffer(65536);
  std::size_t received = 0, right = 0;
  boost::system::error_code code;
  while (received < size && !code) {
    const std::size_t n = client.socket.read_some(asio::buffer(buffer), code);
    right += static_cast<std::size_t>(std::count(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(n), 'b'));
    received += n;
  }
  CHECK(received == size);
  CHECK(right == size);
  CHECK(lab.server->counters().peak_buffered <= options.max_buffered_per_connection + 65535 + 1460);
}

TEST_CASE("bridge: a client whose replies pile up unread is no longer read", "[bridge][limits]") {
  bridge::BridgeOptions options;
  options.max_buffered_per_connection = 128 * 1024;
  Lab lab(options);
  lab.start();
  asio::io_context io;
  Client client(io, lab.local[7]);
  // Each request asks for 64 KB back; the client writes requests and never reads.
  client.socket.non_blocking(true);
  std::size_t written = 0;
  int stalls = 0;
  const std::string request = "blast 65536\n";
  while (written < 64 * 1024 * 1024 && stalls < 40) {
    boost::system::error_code code;
    const std::size_t n = client.socket.write_some(asio::buffer(request), code);
    if (code == asio::error::would_block) {
      ++stalls;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      continue;
    }
    REQUIRE_FALSE(code);
    written += n;
  }
  // The bridge stopped reading: the writes stalled long before 64 MB (kernel buffers only).
  CHECK(stalls == 40);
  CHECK(written < 16 * 1024 * 1024);
  CHECK(lab.server->counters().bytes_in <= written);
}

TEST_CASE("bridge: out of file descriptors, accept backs off instead of spinning", "[bridge][limits]") {
  Lab lab(bridge::BridgeOptions{});
  asio::io_context io;
  // Clients connect first (the kernel completes their handshakes); then the process runs out.
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(std::make_unique<Client>(io, lab.local[25]));
  rlimit before{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &before) == 0);
  rlimit low = before;
  std::vector<int> filler;
  low.rlim_cur = 0;
  for (int fd = 0; fd < 4096; ++fd)
    if (fcntl(fd, F_GETFD) != -1) low.rlim_cur = static_cast<rlim_t>(fd + 1);
  low.rlim_cur += 16;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  for (int fd; (fd = ::dup(0)) >= 0;) filler.push_back(fd);
  lab.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const auto errors = lab.server->counters().accept_errors;
  CHECK(errors >= 1);
  CHECK(errors <= 100);  // spinning made millions
  CHECK(lab.server->counters().connections == 0);
  for (int fd : filler) ::close(fd);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &before) == 0);
  for (auto& client : clients) CHECK(client->read_until("\r\n") == "220 a ESMTP\r\n");
  CHECK(lab.server->counters().connections == 3);
}
