// The visualizer's record log (viz/model/record_log.h), the flight index's forgetting and the
// in-place topology update: what keeps a long run's frames free of copies and its memory bounded.
#include <catch2/catch.hpp>

#include <vector>

#include "viz/model/flights.h"
#include "viz/model/record_log.h"
#include "viz/model/replay.h"
#include "viz/model/synthetic_scene.h"

using namespace maillab;
using engine::TraceKind;
using engine::TraceRecord;

namespace {

TraceRecord numbered(std::uint64_t sequence, engine::Time time = 0) {
  TraceRecord r;
  r.sequence = sequence;
  r.time = time;
  r.kind = TraceKind::note;
  r.summary = "record " + std::to_string(sequence);
  return r;
}

}  // namespace

TEST_CASE("the record log numbers records as the trace does and never moves one", "[viz][record-log]") {
  viz::RecordLog log;
  CHECK(log.empty());
  log.append(numbered(0));
  const TraceRecord* first = &log[0];
  for (std::uint64_t i = 1; i < 3 * viz::RecordLog::block_records + 10; ++i) log.append(numbered(i));
  CHECK(log.first() == 0);
  CHECK(log.size() == 3 * viz::RecordLog::block_records + 10);
  CHECK(&log[0] == first);  // a vector would have moved it when it grew
  CHECK(log[5000].summary == "record 5000");
  CHECK(log.back().summary == "record " + std::to_string(log.size() - 1));
  CHECK(log.contains(0));
  CHECK_FALSE(log.contains(log.size()));
}

TEST_CASE("a record log attached late starts at the first record it hears", "[viz][record-log]") {
  viz::RecordLog log;
  log.append(numbered(1000));
  log.append(numbered(1001));
  CHECK(log.first() == 1000);
  CHECK(log.size() == 1002);
  CHECK_FALSE(log.contains(999));
  CHECK(log[1001].summary == "record 1001");
  // A gap (records skipped while nobody listened) starts it over.
  log.append(numbered(5000));
  CHECK(log.first() == 5000);
  CHECK(log.size() == 5001);
}

TEST_CASE("a bounded record log lets its oldest blocks go", "[viz][record-log]") {
  viz::RecordLog log;
  log.set_capacity(2 * viz::RecordLog::block_records);
  const std::size_t total = 10 * viz::RecordLog::block_records + 7;
  for (std::uint64_t i = 0; i < total; ++i) log.append(numbered(i));
  CHECK(log.size() == total);
  CHECK(log.size() - log.first() >= log.capacity());
  CHECK(log.size() - log.first() <= log.capacity() + 2 * viz::RecordLog::block_records);
  CHECK(log.first() % viz::RecordLog::block_records == 0);
  CHECK(log[log.first()].summary == "record " + std::to_string(log.first()));
  CHECK_FALSE(log.contains(log.first() - 1));
}

TEST_CASE("a tap that was closed writes nothing more", "[viz][record-log]") {
  engine::Trace trace;
  trace.set_keep_records(false);
  viz::RecordLog log;
  {
    viz::RecordTap tap(log);
    trace.subscribe(tap.listener());
    trace.record(numbered(0));
    CHECK(log.size() == 1);
  }  // the trace outlives the tap, as a lesson's World outlives the visualizer's controller
  trace.record(numbered(0));
  CHECK(log.size() == 1);
  CHECK(trace.records().empty());
}

TEST_CASE("the replay controller's log holds the records and the scene's trace keeps none", "[viz][record-log][replay]") {
  viz::TrafficOptions options;
  options.packets_per_second = 2000;
  viz::ReplayController controller([options] { return viz::make_traffic_scene(options); });
  controller.run_to(engine::seconds(3));
  CHECK(controller.simulator().trace().records().empty());
  CHECK(controller.records().first() == 0);
  CHECK(controller.records().size() == controller.simulator().trace().count());
  CHECK(controller.records().size() > 5000);
  for (std::size_t i = 0; i < controller.records().size(); i += 997) CHECK(controller.records()[i].sequence == i);
}

TEST_CASE("the flight index forgets landed hops and keeps what is still in the air", "[viz][flights]") {
  viz::TrafficOptions options;
  options.packets_per_second = 1000;
  options.loss = 0.05;
  viz::ReplayController controller([options] { return viz::make_traffic_scene(options); });
  viz::FlightIndex forgetting;  // as the visualizer uses it: forgets every frame
  viz::FlightIndex keeping;     // never forgets: the reference
  std::vector<viz::Flight> a, b;
  std::vector<viz::Fall> falls_a, falls_b;
  for (engine::Time t = engine::milliseconds(100); t <= engine::seconds(8); t += engine::milliseconds(100)) {
    controller.run_to(t);
    forgetting.sync(controller.records());
    forgetting.forget_before(t);
    keeping.sync(controller.records());
    forgetting.in_flight(t, a);
    keeping.in_flight(t, b);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(a[i].record == b[i].record);
    forgetting.falling(t, engine::milliseconds(700), falls_a);
    keeping.falling(t, engine::milliseconds(700), falls_b);
    REQUIRE(falls_a.size() == falls_b.size());
    for (std::size_t i = 0; i < falls_a.size(); ++i) REQUIRE(falls_a[i].hop == falls_b[i].hop);
  }
  // About a second of hops (1,000 a second, 1 s +/- 25 % each) is held, not eight seconds' worth.
  CHECK(forgetting.hop_count() < 1600);
  CHECK(keeping.hop_count() > 7500);
  CHECK(falls_a.size() > 0);
}

TEST_CASE("a scene updates the visualizer's topology in place", "[viz][replay]") {
  auto scene = viz::make_demo_scene(3);
  viz::Topology topology = scene->topology();
  topology.reindex();
  REQUIRE(scene->set_link_up(topology.links[0].id, false));
  REQUIRE(scene->update_topology(topology));
  CHECK_FALSE(topology.links[0].up);
  REQUIRE(scene->set_node_up(topology.nodes[1].name, false));
  REQUIRE(scene->update_topology(topology));
  CHECK_FALSE(topology.nodes[1].up);
  // A topology of another shape is not patched: the caller takes a new one.
  viz::Topology other;
  CHECK_FALSE(scene->update_topology(other));
}

TEST_CASE("a record log cut back keeps its earlier records in place and goes on from the cut", "[viz][record-log]") {
  viz::RecordLog log;
  const std::size_t start = 100;
  for (std::uint64_t i = start; i < start + 2 * viz::RecordLog::block_records + 50; ++i) log.append(numbered(i));
  const TraceRecord* kept = &log[start + 10];
  // Into the middle of the second block: the third goes, the second is cut short.
  const std::size_t cut = start + viz::RecordLog::block_records + 7;
  log.truncate(cut);
  CHECK(log.size() == cut);
  CHECK(log.first() == start);
  CHECK(&log[start + 10] == kept);
  CHECK(log.back().summary == "record " + std::to_string(cut - 1));
  // The run gone back to makes the same record at the cut: it follows on.
  log.append(numbered(cut));
  CHECK(log.first() == start);
  CHECK(log.back().summary == "record " + std::to_string(cut));
  // On a block boundary, and past the end (nothing to do).
  log.truncate(start + viz::RecordLog::block_records);
  CHECK(log.size() == start + viz::RecordLog::block_records);
  log.append(numbered(log.size()));
  CHECK(log[start + viz::RecordLog::block_records].summary ==
        "record " + std::to_string(start + viz::RecordLog::block_records));
  log.truncate(log.size() + 5);
  CHECK(log.size() == start + viz::RecordLog::block_records + 1);
  // Back to before the first record held: nothing is left.
  log.truncate(start);
  CHECK(log.empty());
}
