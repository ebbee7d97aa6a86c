#include <catch2/catch.hpp>

#include "viz/model/flights.h"
#include "viz/model/geometry.h"

using namespace maillab;
using engine::milliseconds;
using engine::TraceKind;
using engine::TraceRecord;

namespace {

TraceRecord hop(engine::Time depart, engine::Time arrive, std::string from, std::string to, std::uint64_t packet,
                std::string protocol = "SMTP") {
  TraceRecord r;
  r.kind = TraceKind::hop;
  r.time = depart;
  r.arrive = arrive;
  r.node = std::move(from);
  r.peer = std::move(to);
  r.packet = packet;
  r.protocol = std::move(protocol);
  r.summary = "RCPT TO:<bob@example.org>";
  return r;
}

TraceRecord drop(engine::Time time, std::string node, std::string peer, std::uint64_t packet) {
  TraceRecord r;
  r.kind = TraceKind::drop;
  r.time = time;
  r.node = std::move(node);
  r.peer = std::move(peer);
  r.packet = packet;
  return r;
}

}  // namespace

TEST_CASE("a hop's progress is proportional to simulated time and clamped", "[viz][flights]") {
  const TraceRecord h = hop(milliseconds(100), milliseconds(110), "a", "b", 1);
  CHECK(viz::hop_progress(h, milliseconds(100)) == Approx(0.0));
  CHECK(viz::hop_progress(h, milliseconds(105)) == Approx(0.5));
  CHECK(viz::hop_progress(h, milliseconds(107)) == Approx(0.7));
  CHECK(viz::hop_progress(h, milliseconds(99)) == Approx(0.0));
  CHECK(viz::hop_progress(h, milliseconds(200)) == Approx(1.0));
  // Where that puts it on the screen: 70 % of the way from a to b.
  const viz::Point p = viz::lerp({0, 0}, {200, 100}, viz::hop_progress(h, milliseconds(107)));
  CHECK(p.x == Approx(140));
  CHECK(p.y == Approx(70));
}

TEST_CASE("the in-flight set holds exactly the hops whose [departure, arrival] contains t", "[viz][flights]") {
  std::vector<TraceRecord> records = {
      hop(0, 10, "a", "b", 1),
      hop(5, 25, "b", "c", 2),
      hop(10, 20, "b", "c", 1),
      hop(30, 40, "c", "d", 3),
  };
  viz::FlightIndex index;
  index.sync(records);
  std::vector<viz::Flight> flights;

  index.in_flight(7, flights);
  REQUIRE(flights.size() == 2);
  CHECK(flights[0].record == 0);
  CHECK(flights[0].progress == Approx(0.7));
  CHECK(flights[1].record == 1);
  CHECK(flights[1].progress == Approx(0.1));

  index.in_flight(27, flights);
  CHECK(flights.empty());

  index.in_flight(35, flights);
  REQUIRE(flights.size() == 1);
  CHECK(flights[0].record == 3);

  // Records appended later are picked up incrementally, even departing out of order.
  records.push_back(hop(33, 36, "x", "y", 4));
  index.sync(records);
  index.in_flight(35, flights);
  REQUIRE(flights.size() == 2);
  CHECK(flights[0].record == 3);
  CHECK(flights[1].record == 4);
}

TEST_CASE("a packet lost on a link stops flying and falls on that link", "[viz][flights]") {
  std::vector<TraceRecord> records = {
      hop(0, 100, "a", "b", 7),
      drop(0, "a", "b", 7),  // loss decided when it left
      hop(0, 100, "a", "b", 8),
  };
  viz::FlightIndex index;
  index.sync(records);
  std::vector<viz::Flight> flights;
  std::vector<viz::Fall> falls;

  index.in_flight(20, flights);
  REQUIRE(flights.size() == 2);  // both still travelling towards the middle

  index.in_flight(80, flights);
  REQUIRE(flights.size() == 1);  // the lost one is gone after the middle of the link
  CHECK(flights[0].record == 2);

  index.falling(20, 30, falls);
  CHECK(falls.empty());  // not yet lost on screen
  index.falling(60, 30, falls);
  REQUIRE(falls.size() == 1);
  CHECK(falls[0].record == 1);
  REQUIRE(falls[0].hop.has_value());
  CHECK(*falls[0].hop == 0);
  CHECK(falls[0].position == Approx(0.5));
  CHECK(falls[0].age == Approx(10.0 / 30.0));
  index.falling(200, 30, falls);
  CHECK(falls.empty());  // faded away after the linger time
}

TEST_CASE("a drop with no hop on a link is shown at its node", "[viz][flights]") {
  std::vector<TraceRecord> records = {drop(50, "mx", "", 9)};
  viz::FlightIndex index;
  index.sync(records);
  std::vector<viz::Fall> falls;
  index.falling(55, 10, falls);
  REQUIRE(falls.size() == 1);
  CHECK_FALSE(falls[0].hop.has_value());
}

TEST_CASE("a shorter trace (a replay) resets the index", "[viz][flights]") {
  std::vector<TraceRecord> records = {hop(0, 10, "a", "b", 1), hop(0, 10, "b", "c", 2)};
  viz::FlightIndex index;
  index.sync(records);
  CHECK(index.hop_count() == 2);
  records.pop_back();
  index.sync(records);
  CHECK(index.hop_count() == 1);
}

TEST_CASE("a flight carries its ends as interned numbers and its colour category", "[viz][flights]") {
  std::vector<TraceRecord> records = {
      hop(0, 10, "a", "b", 1, "DNS"),
      hop(0, 10, "b", "a", 2, "TCP"),
      hop(0, 10, "b", "c", 3, "imap"),
  };
  viz::FlightIndex index;
  index.sync(records);
  const auto& names = index.endpoint_names();
  REQUIRE(names == std::vector<std::string>{"a", "b", "c"});  // numbered once, in order of first use
  std::vector<viz::Flight> flights;
  index.in_flight(5, flights);
  REQUIRE(flights.size() == 3);
  for (const auto& flight : flights) {
    CHECK(names[flight.from] == records[flight.record].node);
    CHECK(names[flight.to] == records[flight.record].peer);
    CHECK(flight.category == viz::categorize_protocol(records[flight.record].protocol));
  }
  CHECK(flights[0].category == viz::PacketCategory::dns);
  CHECK(flights[1].category == viz::PacketCategory::tcp_control);
  CHECK(flights[2].category == viz::PacketCategory::imap);

  // A reset (a new trace after a replay) starts a new numbering, and says so.
  const auto epoch = index.epoch();
  index.reset();
  CHECK(index.epoch() != epoch);
  CHECK(index.endpoint_names().empty());
  records.erase(records.begin());
  index.sync(records);
  CHECK(index.endpoint_names() == std::vector<std::string>{"b", "a", "c"});
}
