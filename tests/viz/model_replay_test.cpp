#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "viz/model/flights.h"
#include "viz/model/replay.h"
#include "viz/model/synthetic_scene.h"
#include "viz/world_scene.h"

using namespace maillab;
using engine::milliseconds;

namespace {

viz::SceneFactory demo_factory() {
  return [] { return viz::make_demo_scene(7); };
}

// Every field of a record, as one line: two records are the same when their lines are.
std::string line_of(const engine::TraceRecord& r) {
  std::string line = std::to_string(r.sequence) + ' ' + std::to_string(r.time) + ' ' +
                     std::string(engine::to_string(r.kind)) + ' ' + r.node + ' ' + r.peer + ' ' + r.protocol + ' ' +
                     r.summary + ' ' + std::to_string(r.packet) + ' ' + std::to_string(r.connection) + ' ' +
                     r.message + ' ' + std::to_string(r.arrive) + ' ';
  for (std::uint8_t byte : r.payload) line += std::to_string(byte) + ',';
  return line;
}

// The records the controller's log holds from index `from` on.
std::vector<std::string> lines_from(const viz::ReplayController& controller, std::size_t from) {
  std::vector<std::string> out;
  for (std::size_t i = std::max(from, controller.records().first()); i < controller.records().size(); ++i) {
    out.push_back(line_of(controller.records()[i]));
  }
  return out;
}
std::vector<std::string> lines(const viz::ReplayController& controller) { return lines_from(controller, 0); }

bool link_is_up(viz::Scene& scene, std::size_t id) {
  const auto topology = scene.topology();
  return topology.links[*topology.link_index_by_id(id)].up;
}

constexpr std::size_t office_to_core = 3;  // the demo's office-router <-> core-router link

}  // namespace

TEST_CASE("step back gives exactly the state one event earlier", "[viz][replay]") {
  viz::ReplayController controller(demo_factory());
  std::map<std::uint64_t, std::vector<std::string>> records_after;  // events executed -> the records
  std::map<std::uint64_t, engine::Time> clock_after;
  for (int i = 0; i < 60; ++i) {
    REQUIRE(controller.step_event());
    records_after[controller.simulator().executed()] = lines(controller);
    clock_after[controller.simulator().executed()] = controller.now();
  }
  const auto generation = controller.generation();
  REQUIRE(controller.step_back());
  CHECK(controller.generation() == generation + 1);
  CHECK(controller.simulator().executed() == 59);
  CHECK(controller.now() == clock_after[59]);
  CHECK(lines(controller) == records_after[59]);

  controller.replay_to_executed(17);
  CHECK(lines(controller) == records_after[17]);
  // And forward again from there lands on the same states.
  for (int i = 0; i < 10; ++i) controller.step_event();
  CHECK(lines(controller) == records_after[27]);
}

TEST_CASE("replaying to a time gives the same trace prefix as running there", "[viz][replay]") {
  viz::ReplayController first(demo_factory());
  first.run_to(milliseconds(900));
  const auto records = lines(first);
  REQUIRE(records.size() > 10);
  first.run_to(milliseconds(2000));
  CHECK(first.records().size() > records.size());
  first.run_to(milliseconds(900));  // backwards: a replay
  CHECK(first.now() == milliseconds(900));
  CHECK(lines(first) == records);
}

TEST_CASE("user actions are journaled and replayed at the same point", "[viz][replay]") {
  viz::ReplayController controller(demo_factory());
  controller.run_to(milliseconds(200));
  controller.apply(viz::UserAction::link_up(office_to_core, false, "office-router <-> core-router"));
  CHECK_FALSE(link_is_up(controller.scene(), office_to_core));
  REQUIRE(controller.journal().size() == 1);
  CHECK(controller.journal()[0].time == milliseconds(200));
  controller.run_to(milliseconds(1200));
  const auto records = lines(controller);

  // The same thing done in one go, for reference.
  viz::ReplayController reference(demo_factory());
  reference.run_to(milliseconds(200));
  reference.apply(viz::UserAction::link_up(office_to_core, false, "office-router <-> core-router"));
  reference.run_to(milliseconds(1200));
  CHECK(lines(reference) == records);

  // Back to before the action: the link is up again.
  controller.run_to(milliseconds(100));
  CHECK(link_is_up(controller.scene(), office_to_core));
  // Forward past it: the journal takes it down again at 200 ms and the run is the same.
  controller.run_to(milliseconds(1200));
  CHECK_FALSE(link_is_up(controller.scene(), office_to_core));
  CHECK(lines(controller) == records);

  // Without the action the run differs (the action had an effect).
  viz::ReplayController untouched(demo_factory());
  untouched.run_to(milliseconds(1200));
  CHECK(lines(untouched) != records);

  controller.restart();
  CHECK(controller.journal().empty());
  CHECK(controller.now() == 0);
}

TEST_CASE("step to the next record of a kind stops right after it", "[viz][replay]") {
  viz::ReplayController controller(demo_factory());
  auto is_mail = [](const engine::TraceRecord& r) { return r.kind == engine::TraceKind::mail; };
  REQUIRE(controller.step_until(is_mail));
  CHECK(controller.records().back().kind == engine::TraceKind::mail);
  auto is_dns = [](const engine::TraceRecord& r) { return r.kind == engine::TraceKind::hop && r.protocol == "DNS"; };
  REQUIRE(controller.step_until(is_dns));
  CHECK(controller.records().back().protocol == "DNS");
  auto never = [](const engine::TraceRecord&) { return false; };
  CHECK_FALSE(controller.step_until(never));  // runs out of events
}

TEST_CASE("playback speed maps a log slider onto 0.01x .. 1000x", "[viz][replay]") {
  CHECK(viz::speed_from_slider(0) == Approx(0.01));
  CHECK(viz::speed_from_slider(1) == Approx(1000));
  CHECK(viz::speed_from_slider(0.4) == Approx(1.0));
  CHECK(viz::slider_from_speed(10) == Approx(0.6));
  viz::PlaybackClock clock;
  clock.speed = 0.01;
  CHECK(clock.advance(0.1) == 0);  // paused
  clock.playing = true;
  engine::Time total = 0;
  for (int i = 0; i < 60; ++i) total += clock.advance(1.0 / 60);
  CHECK(total == Approx(10000).margin(1));  // 1 s of wall time at 0.01x is 10 ms
}

TEST_CASE("the traffic scene keeps the asked-for number of packets in flight", "[viz][replay]") {
  viz::TrafficOptions options;
  options.packets_per_second = 500;
  options.hop_duration = engine::seconds(1);
  auto scene = viz::make_traffic_scene(options);
  scene->simulator().run_until(engine::seconds(3));
  std::size_t in_flight = 0;
  for (const auto& r : scene->simulator().trace().records()) {
    if (r.kind == engine::TraceKind::hop && r.time <= engine::seconds(3) && r.arrive >= engine::seconds(3)) ++in_flight;
  }
  CHECK(in_flight > 400);
  CHECK(in_flight < 600);
}

namespace {

// A replay that fast-forwarded (made no records until `window.events` before its target) holds
// exactly the records a straight run holds there, with the same indices, at the same clock.
void check_same_as_straight_run(const viz::ReplayController& replayed, const viz::ReplayController& straight) {
  CHECK(replayed.records().first() > 0);  // it did fast-forward
  CHECK(replayed.records().size() == straight.records().size());
  CHECK(lines_from(replayed, replayed.records().first()) == lines_from(straight, replayed.records().first()));
}

viz::SceneFactory traffic_factory(double packets_per_second, double loss) {
  viz::TrafficOptions options;
  options.packets_per_second = packets_per_second;
  options.loss = loss;
  return [options] { return viz::make_traffic_scene(options); };
}

viz::ReplayWindow window_of(std::uint64_t events) {
  viz::ReplayWindow window;
  window.events = events;
  return window;
}

}  // namespace

TEST_CASE("a replay fast-forwards unrecorded and lands on the straight run's records", "[viz][replay][scrub]") {
  const viz::SceneFactory factory = traffic_factory(2000, 0.05);
  viz::ReplayController controller(factory, window_of(1500));
  controller.run_to(engine::seconds(12));

  viz::ReplayController straight(factory);  // records everything from the start
  straight.run_to(engine::seconds(7));
  controller.run_to(engine::seconds(7));  // back: a replay
  CHECK(controller.now() == straight.now());
  CHECK(controller.simulator().executed() == straight.simulator().executed());
  check_same_as_straight_run(controller, straight);
  // Every hop in the air at the target was recorded: the recording began a longest hop before it.
  viz::FlightIndex replayed_flights, straight_flights;
  replayed_flights.sync(controller.records());
  straight_flights.sync(straight.records());
  std::vector<viz::Flight> a, b;
  replayed_flights.in_flight(controller.now(), a);
  straight_flights.in_flight(straight.now(), b);
  REQUIRE(a.size() == b.size());
  CHECK(a.size() > 1000);
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].record == b[i].record);

  // To an exact event count.
  const std::uint64_t executed = straight.simulator().executed() - 333;
  viz::ReplayController straight_to_count(factory);
  while (straight_to_count.simulator().executed() < executed) REQUIRE(straight_to_count.step_event());
  controller.run_to(engine::seconds(12));
  controller.replay_to_executed(executed);
  CHECK(controller.simulator().executed() == executed);
  CHECK(controller.now() == straight_to_count.now());
  check_same_as_straight_run(controller, straight_to_count);
}

TEST_CASE("a fast-forwarding replay re-applies the user's actions", "[viz][replay][scrub]") {
  const viz::SceneFactory factory = traffic_factory(1000, 0.01);
  viz::ReplayController controller(factory, window_of(500));
  controller.run_to(engine::seconds(2));
  controller.apply(viz::UserAction::link_up(0, false, "node0 <-> node1"));
  controller.run_to(engine::seconds(8));
  viz::ReplayController reference(factory);
  reference.run_to(engine::seconds(2));
  reference.apply(viz::UserAction::link_up(0, false, "node0 <-> node1"));
  reference.run_to(engine::seconds(6));
  controller.run_to(engine::seconds(6));  // the action lies in the unrecorded stretch
  CHECK_FALSE(link_is_up(controller.scene(), 0));
  CHECK(controller.records().first() > reference.records().size() / 2);
  check_same_as_straight_run(controller, reference);
}

TEST_CASE("a loaded world replayed with fast-forward makes the same records as a straight run", "[viz][replay][scrub]") {
  // The engine's own network: hops nobody listens to are skipped (Trace::wanted), not made, and
  // still numbered; the run must not depend on that.
  const viz::SceneFactory factory = viz::world_scene_factory("scenarios/busy-morning.yaml", std::nullopt);
  viz::ReplayController controller(factory, window_of(2000));
  controller.run_to(engine::seconds(40));
  REQUIRE(controller.records().size() > 10000);
  viz::ReplayController straight(factory);
  straight.run_to(engine::seconds(15));
  controller.run_to(engine::seconds(15));
  CHECK(controller.simulator().executed() == straight.simulator().executed());
  check_same_as_straight_run(controller, straight);
  // It recorded only a stretch before the target (records, not events: the units of first()).
  CHECK(controller.records().first() > 0);
  CHECK(controller.records().size() - controller.records().first() < 100000);
}
