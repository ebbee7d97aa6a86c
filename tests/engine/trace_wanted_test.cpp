// Records nobody wants are counted, not made (Trace::wanted), and a packet's words and bytes are
// made only when a record is: a run behaves the same, and its records read the same, whoever
// listens and from when.
#include <catch2/catch.hpp>

#include <sstream>

#include "engine/core/trace_writers.h"
#include "engine/net/host.h"
#include "engine/net/network.h"
#include "engine/net/packet.h"

using namespace maillab::engine;

namespace {

constexpr Address address_client = 0x0a000001, address_router = 0x0a000003, address_server = 0x0a000002;

// A client and a server through a router, over a lossy slow link: a labelled and an unlabelled
// TCP transfer (data, retransmissions, control segments), datagrams to a bound and an unbound
// port, and a packet to an address nobody holds. `listen_from`: when a JSONL writer subscribes
// (never when negative); records before then are not written.
struct Outcome {
  std::string jsonl;
  std::uint64_t count = 0;
  std::string received;
  Time ended = 0;
};

Outcome run(bool wanted, Time listen_from) {
  Simulator sim(3);
  sim.trace().set_keep_records(false);
  sim.trace().set_fingerprinting(wanted);
  Network net(sim);
  Host* client = net.add_host("client", address_client);
  Host* server = net.add_host("server", address_server);
  net.add_router("router", address_router);
  net.add_link("client", "router", LinkSpec{milliseconds(3), 2'000'000, 0.15, true});
  net.add_link("router", "server", LinkSpec{milliseconds(4), 10'000'000, 0.0, true});
  Outcome outcome;
  std::ostringstream out;
  JsonlTraceWriter writer(out);
  if (listen_from >= 0) sim.schedule_at(listen_from, [&] { sim.trace().subscribe(writer.listener()); });
  server->listen(25, [&](std::shared_ptr<StreamConnection> c) {
    c->on_data = [&, raw = c.get()](std::string_view bytes) {
      outcome.received += bytes;
      raw->send("250 ok\r\n");
    };
  });
  server->udp_bind(53, [&](const Datagram& d) { outcome.received += std::to_string(d.payload.size()) + ";"; });
  client->connect(Endpoint{address_server, 25}, ConnectHandlers{[](std::shared_ptr<StreamConnection> c) {
                                                                   c->send("\x01\x02 binary", "Q MX example.org");
                                                                   c->send(std::string(20'000, 'x') + "\r\n");
                                                                   c->send("QUIT\r\n");
                                                                   c->close();
                                                                 },
                                                                 nullptr});
  for (int i = 0; i < 5; ++i) {
    sim.schedule_at(milliseconds(10 * i), [client, i] {
      client->udp_send(5353, Endpoint{address_server, static_cast<std::uint16_t>(i % 2 ? 53 : 54)},
                       std::vector<std::uint8_t>(static_cast<std::size_t>(10 + i), 7), i == 0 ? "" : "Q A d.example");
      client->udp_send(5353, Endpoint{0x0a0000ff, 53}, {1, 2, 3});
    });
  }
  sim.run();
  outcome.jsonl = out.str();
  outcome.count = sim.trace().count();
  outcome.ended = sim.now();
  return outcome;
}

}  // namespace

TEST_CASE("Trace::wanted: nobody keeps, hears or fingerprints, skip() still counts", "[engine][trace]") {
  Trace trace;
  CHECK(trace.wanted());  // records are kept by default
  trace.set_keep_records(false);
  CHECK(trace.wanted());  // fingerprinted
  trace.set_fingerprinting(false);
  CHECK_FALSE(trace.wanted());
  trace.skip();
  CHECK(trace.count() == 1);
  const std::uint64_t fingerprint = trace.fingerprint();
  TraceRecord record;
  record.summary = "x";
  trace.record(record);
  CHECK(trace.fingerprint() == fingerprint);
  CHECK(trace.count() == 2);
  trace.subscribe([](const TraceRecord&) {});
  CHECK(trace.wanted());
}

TEST_CASE("a run nobody records behaves the same, and counts the same records", "[engine][trace][network]") {
  const Outcome heard = run(true, 0);
  const Outcome unheard = run(false, -1);
  CHECK(heard.jsonl.find("\"kind\":\"hop\"") != std::string::npos);
  CHECK(heard.jsonl.find("retransmission") != std::string::npos);  // the lossy link did its work
  CHECK(heard.jsonl.find("Q MX example.org (data") != std::string::npos);
  CHECK(heard.jsonl.find("UDP 10 bytes") != std::string::npos);
  CHECK(heard.jsonl.find("no route") != std::string::npos);
  CHECK(heard.jsonl.find("port unreachable") != std::string::npos);
  CHECK(unheard.jsonl.empty());
  CHECK(unheard.count == heard.count);
  CHECK(unheard.received == heard.received);
  CHECK(unheard.ended == heard.ended);
}

TEST_CASE("a listener that subscribes mid-run reads what one there from the start reads", "[engine][trace][network]") {
  // Packets already in flight when it subscribes were described and encoded by nobody yet.
  const Outcome whole = run(false, 0);
  const Outcome late = run(false, milliseconds(25));
  REQUIRE_FALSE(late.jsonl.empty());
  CHECK(late.jsonl.size() < whole.jsonl.size());
  const std::string first_late_line = late.jsonl.substr(0, late.jsonl.find('\n'));
  const auto from = whole.jsonl.find(first_late_line);
  REQUIRE(from != std::string::npos);
  CHECK(whole.jsonl.substr(from) == late.jsonl);
}

TEST_CASE("a packet's bytes are the same encoded before or after a router decrements its TTL", "[engine][packet]") {
  Packet packet;
  packet.id = 0x1234;
  packet.source = address_client;
  packet.destination = address_server;
  packet.protocol = ip_protocol_tcp;
  packet.tcp.source_port = 49200;
  packet.tcp.destination_port = 25;
  packet.tcp.flags = tcp_flag::ack | tcp_flag::psh;
  packet.data = {'H', 'E', 'L', 'O', '\r', '\n'};
  Packet early = packet;
  CHECK(early.wire().size() == early.wire_size());
  early.decrement_ttl();
  packet.decrement_ttl();
  CHECK(packet.ttl == 63);
  CHECK(packet.wire() == early.wire());
  CHECK(packet.wire()[8] == 63);
  CHECK(internet_checksum(std::span(packet.wire().data(), ipv4_header_size)) == 0);
  packet.segment.kind = SegmentNote::Kind::data;
  CHECK(packet.describe() == "HELO (data, 6 bytes)");
  packet.segment.tls = true;
  packet.segment.retransmission = true;
  CHECK(packet.describe() == "TLS application data (retransmission, 6 bytes)");
  packet.summary = "given";
  CHECK(packet.describe() == "given");
}
