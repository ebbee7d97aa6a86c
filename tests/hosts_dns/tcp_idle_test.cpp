// DNS over TCP on the server side (RFC 7766 §6.2.3): several queries on one connection, and a
// client that stays silent is closed on after the idle timeout, with a trace line saying so.
#include <catch2/catch.hpp>

#include "engine/hosts/dns/authoritative_service.h"
#include "engine/net/network.h"
#include "protocols/dns/stream.h"
#include "protocols/dns/stub.h"
#include "protocols/dns/zone.h"

using namespace maillab;
using engine::seconds;

namespace {

constexpr engine::Address client_address = 0x0A00010A;  // 10.0.1.10
constexpr engine::Address server_address = 0x0A000235;  // 10.0.2.53

dns::ZoneSet example_org() {
  auto zone = dns::Zone::parse("$ORIGIN example.org.\n@ 3600 IN SOA ns1 h 1 2 3 4 300\n@ 3600 IN NS ns1\nns1 3600 IN A 10.0.2.53\n");
  REQUIRE(zone.ok());
  dns::ZoneSet zones;
  zones.add(std::move(zone).value());
  return zones;
}

struct Client {
  std::shared_ptr<engine::StreamConnection> connection;
  dns::StreamReader reader;
  int replies = 0;
  std::optional<engine::Time> closed_at;
};

}  // namespace

TEST_CASE("hosts_dns: a DNS-over-TCP server answers several queries on one connection, then closes it when idle",
          "[hosts_dns][tcp][limits]") {
  engine::Simulator simulator(1);
  engine::Network network(simulator);
  engine::Host* laptop = network.add_host("laptop", client_address);
  engine::Host* server = network.add_host("ns1.example.org", server_address);
  network.add_link("laptop", "ns1.example.org", {});
  server->add_service(std::make_unique<engine::AuthoritativeService>(example_org()));

  Client client;
  auto ask = [&client](std::uint16_t id) {
    dns::Bytes query = dns::encode_message(dns::make_recursive_query(id, dns::Name::literal("ns1.example.org"), dns::RecordType::A));
    client.connection->send(dns::frame_for_stream(query), "Q A ns1.example.org (TCP)");
  };
  engine::ConnectHandlers handlers;
  handlers.on_connected = [&](std::shared_ptr<engine::StreamConnection> connection) {
    client.connection = connection;
    connection->on_data = [&client](std::string_view bytes) {
      client.reader.feed(bytes);
      while (client.reader.next()) ++client.replies;
    };
    connection->on_closed = [&client, &simulator](engine::CloseReason) { client.closed_at = simulator.now(); };
    ask(1);
  };
  simulator.schedule_at(seconds(1), [&] { laptop->connect(engine::Endpoint{server_address, 53}, std::move(handlers)); });
  // A second query 20 s later on the same connection: traffic, so the idle clock starts again.
  simulator.schedule_at(seconds(21), [&] { ask(2); });
  simulator.run_until(seconds(120));

  CHECK(client.replies == 2);
  REQUIRE(client.closed_at.has_value());
  // Closed 30 s after the last reply (21 s and a few milliseconds), not 30 s after the first.
  CHECK(*client.closed_at > seconds(51));
  CHECK(*client.closed_at < seconds(52));
  bool said = false;
  for (const auto& record : simulator.trace().records())
    if (record.node == "ns1.example.org" &&
        record.summary == "closing an idle DNS-over-TCP connection: no traffic for 30 s (RFC 7766 §6.2.3)")
      said = true;
  CHECK(said);
}
