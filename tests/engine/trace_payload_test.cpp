// Kept hop records share their packet's transport bytes (engine/core/trace_payload.h): each hop
// holds only its own IPv4 header, and reads, fingerprints and writes exactly as a whole copy did.
#include <catch2/catch.hpp>

#include <map>
#include <numeric>
#include <sstream>

#include "engine/core/trace_writers.h"
#include "engine/net/host.h"
#include "engine/net/network.h"
#include "engine/net/packet.h"

using namespace maillab::engine;

namespace {

std::vector<std::uint8_t> counting(std::size_t n, std::uint8_t from = 0) {
  std::vector<std::uint8_t> bytes(n);
  std::iota(bytes.begin(), bytes.end(), from);
  return bytes;
}

std::uint64_t fingerprint_of(TracePayload payload) {
  Simulator sim(1);
  TraceRecord record;
  record.kind = TraceKind::hop;
  record.payload = std::move(payload);
  sim.trace().record(std::move(record));
  return sim.trace().fingerprint();
}

}  // namespace

TEST_CASE("a payload of a head and a shared tail reads as one sequence of bytes", "[engine][trace][payload]") {
  const std::vector<std::uint8_t> head = counting(20, 100), tail = counting(30);
  const auto shared = std::make_shared<const std::vector<std::uint8_t>>(tail);
  const TracePayload payload(head, shared);
  std::vector<std::uint8_t> whole = head;
  whole.insert(whole.end(), tail.begin(), tail.end());

  CHECK(payload.size() == 50);
  CHECK(payload[0] == 100);
  CHECK(payload[19] == 119);
  CHECK(payload[20] == 0);
  CHECK(payload[49] == 29);
  CHECK(payload.bytes() == whole);
  CHECK(std::vector<std::uint8_t>(payload.begin(), payload.end()) == whole);
  CHECK(payload == whole);
  CHECK(payload == TracePayload(whole));
  CHECK(payload.head_size() == 20);
  CHECK(payload.tail_size() == 30);

  const TracePayload another_hop(counting(20, 7), shared);
  CHECK(another_hop.shares_tail_with(payload));
  CHECK_FALSE(TracePayload(whole).shares_tail_with(payload));
  CHECK_FALSE(another_hop == payload);

  CHECK(TracePayload().empty());
  CHECK(TracePayload({1, 2, 3}).bytes() == std::vector<std::uint8_t>{1, 2, 3});
  // A head longer than an option-less IPv4 header is kept whole with its tail, unshared.
  const TracePayload long_head(counting(24, 50), shared);
  CHECK(long_head.size() == 54);
  CHECK(long_head.head_size() == 0);
  CHECK(long_head[23] == 73);
  CHECK(long_head[24] == 0);
  CHECK_FALSE(long_head.shares_tail_with(payload));
}

TEST_CASE("a split payload fingerprints exactly as the same bytes in one buffer", "[engine][trace][payload]") {
  // The fingerprint mixes eight bytes at a time: every seam position, and tails that end before,
  // at and after the word that straddles it.
  for (std::size_t head_size = 0; head_size <= TracePayload::max_head; ++head_size) {
    for (std::size_t tail_size : {0, 1, 3, 4, 7, 8, 9, 23, 64}) {
      const std::vector<std::uint8_t> head = counting(head_size, 200), tail = counting(tail_size, 1);
      std::vector<std::uint8_t> whole = head;
      whole.insert(whole.end(), tail.begin(), tail.end());
      const TracePayload split(head, std::make_shared<const std::vector<std::uint8_t>>(tail));
      INFO("head " << head_size << ", tail " << tail_size);
      CHECK(fingerprint_of(split) == fingerprint_of(TracePayload(whole)));
    }
  }
  CHECK(fingerprint_of(TracePayload({1, 2, 3})) != fingerprint_of(TracePayload({1, 2, 4})));
}

TEST_CASE("a packet's hop records share its transport bytes and each carry its own TTL", "[engine][trace][payload][network]") {
  Simulator sim(5);
  Network net(sim);
  Host* client = net.add_host("client", 0x0a000001);
  Host* server = net.add_host("server", 0x0a000002);
  net.add_router("r1", 0x0a000011);
  net.add_router("r2", 0x0a000012);
  net.add_link("client", "r1", LinkSpec{milliseconds(1), 10'000'000, 0.0, true});
  net.add_link("r1", "r2", LinkSpec{milliseconds(1), 10'000'000, 0.0, true});
  net.add_link("r2", "server", LinkSpec{milliseconds(1), 10'000'000, 0.0, true});
  std::string received;
  server->udp_bind(53, [&](const Datagram& d) { received.assign(d.payload.begin(), d.payload.end()); });
  const std::string question = "a question of forty bytes, give or take.";
  sim.schedule_at(0, [&] {
    client->udp_send(5353, Endpoint{0x0a000002, 53}, std::vector<std::uint8_t>(question.begin(), question.end()));
  });
  sim.run();
  REQUIRE(received == question);

  std::vector<const TraceRecord*> hops;
  for (const TraceRecord& r : sim.trace().records())
    if (r.kind == TraceKind::hop) hops.push_back(&r);
  REQUIRE(hops.size() == 3);  // client -> r1 -> r2 -> server
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const std::vector<std::uint8_t> bytes = hops[i]->payload.bytes();
    INFO("hop " << i << " from " << hops[i]->node);
    CHECK(hops[i]->packet == hops[0]->packet);
    CHECK(bytes[8] == default_ttl - i);  // each router lowered the TTL (RFC 791 §3.2)
    CHECK(internet_checksum(std::span(bytes.data(), ipv4_header_size)) == 0);  // and fixed the checksum
    CHECK(hops[i]->payload.head_size() == ipv4_header_size);
    CHECK(std::equal(bytes.begin() + ipv4_header_size, bytes.end(),
                     hops[0]->payload.bytes().begin() + ipv4_header_size));
    if (i > 0) CHECK(hops[i]->payload.shares_tail_with(hops[0]->payload));
    // The bytes are what encoding the packet whole, at that TTL, gives.
    CHECK(bytes == encode_udp_packet(0x0a000001, 0x0a000002, 5353, 53,
                                     std::vector<std::uint8_t>(question.begin(), question.end()),
                                     static_cast<std::uint16_t>(hops[i]->packet), static_cast<std::uint8_t>(default_ttl - i)));
  }

  // The pcap writer writes the packet once, as it left the client: header, then the shared part.
  std::ostringstream pcap;
  PcapTraceWriter writer(pcap);
  for (const TraceRecord* hop : hops) writer.listener()(*hop);
  const std::string file = pcap.str();
  const std::vector<std::uint8_t> first = hops[0]->payload.bytes();
  CHECK(file.size() == 24 + 16 + first.size());
  CHECK(file.substr(24 + 16) == std::string(first.begin(), first.end()));
}
