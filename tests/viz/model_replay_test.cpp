#include <catch2/catch.hpp>

#include <algorithm>
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

// The packets in flight at each one's clock are the same records; returns how many.
std::size_t check_same_flights(viz::ReplayController& replayed, viz::ReplayController& reference) {
  viz::FlightIndex replayed_flights, reference_flights;
  replayed_flights.sync(replayed.records());
  reference_flights.sync(reference.records());
  std::vector<viz::Flight> a, b;
  replayed_flights.in_flight(replayed.now(), a);
  reference_flights.in_flight(reference.now(), b);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i].record == b[i].record);
  return a.size();
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
  CHECK(check_same_flights(controller, straight) > 1000);

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

// --- Checkpoints: parked scenes (viz/model/checkpoint_ladder.h) ---

namespace {

viz::ReplayWindow ladder_window(std::uint64_t events, std::size_t checkpoints, std::uint64_t spacing) {
  viz::ReplayWindow window = window_of(events);
  window.checkpoints = checkpoints;
  window.checkpoint_spacing = spacing;
  return window;
}

// Background work until the ladder is complete for where the controller is.
void settle(viz::ReplayController& controller) {
  while (controller.refill_checkpoints(1000) > 0) {
  }
}

// The same state as `reference`: clock, events run, the records held and the packets in flight.
// A jump back within the records the log holds keeps them (from record 0 in a short run).
void check_same_state(viz::ReplayController& replayed, viz::ReplayController& reference) {
  CHECK(replayed.now() == reference.now());
  CHECK(replayed.simulator().executed() == reference.simulator().executed());
  REQUIRE(replayed.records().first() >= reference.records().first());
  CHECK(replayed.records().size() == reference.records().size());
  CHECK(lines_from(replayed, replayed.records().first()) == lines_from(reference, replayed.records().first()));
  check_same_flights(replayed, reference);
}

// A straight run on to `executed` events, recording everything.
void run_straight(viz::ReplayController& straight, std::uint64_t executed) {
  REQUIRE(straight.simulator().executed() <= executed);
  while (straight.simulator().executed() < executed) REQUIRE(straight.step_event());
}

}  // namespace

TEST_CASE("the parked scenes lie dense behind the present and sparser further back", "[viz][replay][scrub]") {
  viz::ReplayController controller(traffic_factory(2000, 0.01), ladder_window(1500, 5, 256));
  controller.run_to(engine::seconds(10));
  CHECK(controller.checkpoints().size() == 0);  // nothing is parked until the refill runs
  // A slice never runs more than its budget.
  CHECK(controller.refill_checkpoints(100) == 100);
  settle(controller);
  const std::uint64_t present = controller.simulator().executed();
  const auto points = controller.checkpoints().points();
  REQUIRE(points.size() == 5);
  // Ages (events behind the present) in bands four times wider each: [1, s), [s, 4s), [4s, 16s)...
  const std::uint64_t bands[][2] = {{1, 256}, {256, 1024}, {1024, 4096}, {4096, 16384}, {16384, 65536}};
  const auto check_bands = [&](std::uint64_t now, const std::vector<std::uint64_t>& at) {
    for (std::size_t i = 0; i < 5; ++i) {
      const std::uint64_t age = now - at[4 - i];
      INFO("parked scene " << i << " is " << age << " events behind");
      CHECK(age >= bands[i][0]);
      CHECK(age < bands[i][1]);
    }
  };
  check_bands(present, points);
  // The present moves on: the ladder follows it with the same scenes, none made afresh.
  const std::uint64_t cost = controller.checkpoints().events_run();
  controller.run_to(engine::seconds(11));
  settle(controller);
  REQUIRE(controller.checkpoints().size() == 5);
  check_bands(controller.simulator().executed(), controller.checkpoints().points());
  CHECK(controller.checkpoints().events_run() - cost < 5 * (controller.simulator().executed() - present));
  // A step back takes the nearest. The next band's scene replaces it within that band's width of
  // events, not a run from zero; then a fresh scene fills the hole it left.
  REQUIRE(controller.step_back());
  const std::uint64_t back_at = controller.simulator().executed();
  CHECK(controller.refill_checkpoints(1024) <= 1024);
  CHECK(back_at - controller.checkpoints().points().back() < 256);
  const std::uint64_t before_refill = controller.checkpoints().events_run();
  settle(controller);
  CHECK(controller.checkpoints().size() == 5);
  CHECK(controller.checkpoints().events_run() - before_refill < back_at);
}

TEST_CASE("capacity the bands leave unused halves the way back from the oldest scene to zero", "[viz][replay][scrub]") {
  // Six scenes at s = 256: bands reach back 65,536 events, more than this run has, so the sixth
  // goes halfway between time zero and the oldest band scene; a jump far back starts there.
  const viz::SceneFactory factory = traffic_factory(2000, 0.01);
  viz::ReplayController controller(factory, ladder_window(1500, 6, 256));
  controller.run_to(engine::seconds(10));
  settle(controller);
  const std::uint64_t present = controller.simulator().executed();
  REQUIRE(present > 16384 + 2 * 256);  // the oldest band has room behind it for a far-back scene
  REQUIRE(present < 65536);
  const auto points = controller.checkpoints().points();
  REQUIRE(points.size() == 6);
  CHECK(present - points[1] >= 16384);  // the oldest band's scene
  CHECK(points[0] == points[1] / 2);    // and the far-back one, halfway to zero

  // Five capacity: the bands alone, nothing halfway (the rule only spends spare capacity).
  viz::ReplayController five(factory, ladder_window(1500, 5, 256));
  five.run_to(engine::seconds(10));
  settle(five);
  CHECK(five.checkpoints().points() == std::vector<std::uint64_t>(points.begin() + 1, points.end()));

  // A jump between the two starts from the far-back scene and lands as a straight run does.
  const std::uint64_t target = points[0] + (points[1] - points[0]) / 2;
  controller.replay_to_executed(target);
  CHECK(controller.last_replay_origin() == points[0]);
  viz::ReplayController straight(factory);
  run_straight(straight, target);
  check_same_state(controller, straight);
  // Back there, a far-back scene is made again below the bands, in the place of a scene left
  // ahead of the present (which serves nothing until the present passes it again).
  settle(controller);
  const auto back_there = controller.checkpoints().points();
  REQUIRE(back_there.size() == 6);
  CHECK(back_there.back() > target);  // one is still ahead
  CHECK(back_there[1] < target);
  CHECK(back_there[0] == back_there[1] / 2);

  // The present moves on and the bands need their scenes: the far-back scene gives way (moved
  // up or dropped), the ladder never holds more than its capacity, and the bands are whole again.
  controller.run_to(engine::seconds(14));
  settle(controller);
  const std::uint64_t later = controller.simulator().executed();
  const auto after = controller.checkpoints().points();
  CHECK(after.size() <= 6);
  for (const std::uint64_t band_age : {256u, 1024u, 4096u, 16384u}) {
    INFO("a scene younger than " << band_age << " events behind " << later);
    CHECK(std::any_of(after.begin(), after.end(), [&](std::uint64_t at) { return at < later && later - at < band_age; }));
  }
}

TEST_CASE("a jump back via a parked scene lands where a jump from zero and a straight run do", "[viz][replay][scrub]") {
  const viz::SceneFactory factory = traffic_factory(2000, 0.05);
  // Two ways from a parked scene: with a log holding the whole run, a jump back keeps the log and
  // cuts it at the target (nothing recorded); with a small one (a block, ~1 s of this traffic),
  // it starts a recording window before the target, as a jump from zero does.
  const std::size_t log_capacity = GENERATE(std::size_t(1) << 20, viz::RecordLog::block_records);
  INFO("log capacity " << log_capacity);
  viz::ReplayWindow window = ladder_window(1500, 5, 4096);
  window.log_capacity = log_capacity;
  viz::ReplayController controller(factory, window);
  window.checkpoints = 0;
  viz::ReplayController from_zero(factory, window);
  controller.run_to(engine::seconds(12));
  from_zero.run_to(engine::seconds(12));
  settle(controller);
  CHECK(from_zero.refill_checkpoints(1000) == 0);  // none kept
  const std::size_t parked = controller.checkpoints().size();

  // To an event count, then to a time.
  const std::uint64_t executed = controller.simulator().executed() - 9000;
  controller.replay_to_executed(executed);
  from_zero.replay_to_executed(executed);
  CHECK(controller.last_replay_origin() > 0);  // it started from a parked scene
  CHECK(from_zero.last_replay_origin() == 0);
  CHECK(controller.checkpoints().size() == parked - 1);  // which is now the current one
  CHECK((controller.records().first() == 0) == (log_capacity > 100000));  // the log kept, or a window
  viz::ReplayController straight(factory);
  run_straight(straight, executed);
  check_same_state(controller, straight);
  check_same_state(from_zero, straight);

  controller.run_to(engine::seconds(12));
  from_zero.run_to(engine::seconds(12));
  settle(controller);
  controller.run_to(engine::seconds(11));
  from_zero.run_to(engine::seconds(11));
  CHECK(controller.last_replay_origin() > 0);
  viz::ReplayController straight_to_time(factory);
  straight_to_time.run_to(engine::seconds(11));
  check_same_state(controller, straight_to_time);
  check_same_state(from_zero, straight_to_time);

  // Step back at the end: one event earlier, exactly.
  controller.run_to(engine::seconds(12));
  settle(controller);
  const std::uint64_t end = controller.simulator().executed();
  REQUIRE(controller.step_back());
  CHECK(controller.last_replay_origin() > 0);
  viz::ReplayController straight_to_end(factory);
  run_straight(straight_to_end, end - 1);
  check_same_state(controller, straight_to_end);
}

TEST_CASE("parked scenes apply the user's actions before and after their points", "[viz][replay][scrub]") {
  const viz::SceneFactory factory = traffic_factory(1000, 0.01);
  const std::vector<std::pair<engine::Time, viz::UserAction>> actions = {
      {engine::seconds(3), viz::UserAction::link_up(0, false, "node0 <-> node1")},
      {engine::seconds(5), viz::UserAction::node_up("node3", false)},
      {engine::milliseconds(6500), viz::UserAction::link_up(0, true, "node0 <-> node1")},
  };
  viz::ReplayController controller(factory, ladder_window(500, 5, 2048));
  // Scenes parked before the first action; they will pass all three on their way forward.
  controller.run_to(engine::seconds(3));
  settle(controller);
  REQUIRE(controller.checkpoints().size() > 0);
  for (const auto& [time, action] : actions) {
    controller.run_to(time);
    controller.apply(action);
    settle(controller);  // parked between the actions too
  }
  controller.run_to(engine::seconds(9));
  settle(controller);
  for (const engine::Time target : {engine::milliseconds(8500), engine::milliseconds(6600), engine::milliseconds(5200),
                                     engine::milliseconds(3100), engine::seconds(9)}) {
    INFO("back to " << engine::format_seconds(target) << " s");
    controller.run_to(target);  // backwards but the last (forward again, re-applying the journal)
    viz::ReplayController straight(factory);
    for (const auto& [time, action] : actions) {
      if (time > target) break;
      straight.run_to(time);
      straight.apply(action);
    }
    straight.run_to(target);
    check_same_state(controller, straight);
    settle(controller);
  }
}

TEST_CASE("an action that changes the past drops the parked scenes beyond it", "[viz][replay][scrub]") {
  const viz::SceneFactory factory = traffic_factory(1000, 0.01);
  viz::ReplayController controller(factory, ladder_window(500, 6, 1024));
  controller.run_to(engine::seconds(8));
  settle(controller);
  // Back to 6.5 s: the scenes parked past it stay (a jump forward could use them)...
  controller.run_to(engine::milliseconds(6500));
  const std::uint64_t here = controller.simulator().executed();
  const auto before = controller.checkpoints().points();
  REQUIRE(before.back() > here);
  // ...until the user changes the run at 6.5 s: they describe a run without that change.
  controller.apply(viz::UserAction::link_up(0, false, "node0 <-> node1"));
  for (const std::uint64_t point : controller.checkpoints().points()) CHECK(point <= here);
  // With no refill in between, a jump back near the end must not start from one of them.
  controller.run_to(engine::seconds(8));
  controller.run_to(engine::milliseconds(7900));
  viz::ReplayController straight(factory);
  straight.run_to(engine::milliseconds(6500));
  straight.apply(viz::UserAction::link_up(0, false, "node0 <-> node1"));
  straight.run_to(engine::milliseconds(7900));
  check_same_state(controller, straight);
}

TEST_CASE("a parked scene is used once: two jumps to the same point both land right", "[viz][replay][scrub]") {
  const viz::SceneFactory factory = traffic_factory(2000, 0.05);
  viz::ReplayController controller(factory, ladder_window(1000, 5, 2048));
  controller.run_to(engine::seconds(6));
  settle(controller);
  const std::uint64_t target = controller.simulator().executed() - 5000;
  viz::ReplayController straight(factory);
  run_straight(straight, target);
  controller.replay_to_executed(target);
  const std::uint64_t first_origin = controller.last_replay_origin();
  CHECK(first_origin > 0);
  check_same_state(controller, straight);
  // Forward and back again with no refill in between: the scene used first is the current one
  // now (run on to the end), so the second jump starts from another or from zero.
  controller.run_to(engine::seconds(6));
  controller.replay_to_executed(target);
  CHECK(controller.last_replay_origin() < first_origin);
  check_same_state(controller, straight);
}

TEST_CASE("a loaded world jumped back via a parked scene makes the same records as a straight run", "[viz][replay][scrub]") {
  const viz::SceneFactory factory = viz::world_scene_factory("scenarios/busy-morning.yaml", std::nullopt);
  // The ladder's spacing from the run's length, so that its oldest band reaches back past 60 %.
  std::uint64_t events_by_40s = 0;
  {
    viz::ReplayController probe(factory, ladder_window(2000, 0, 1));
    probe.run_to(engine::seconds(40));
    events_by_40s = probe.simulator().executed();
  }
  const std::uint64_t spacing = events_by_40s / 16;
  viz::ReplayController controller(factory, ladder_window(2000, 5, spacing));
  viz::ReplayController from_zero(factory, ladder_window(2000, 0, spacing));
  controller.run_to(engine::seconds(40));
  from_zero.run_to(engine::seconds(40));
  settle(controller);
  const std::uint64_t target_events = events_by_40s * 6 / 10;
  controller.replay_to_executed(target_events);
  from_zero.replay_to_executed(target_events);
  CHECK(controller.last_replay_origin() > 0);
  CHECK(from_zero.last_replay_origin() == 0);
  viz::ReplayController straight(factory);
  run_straight(straight, target_events);
  check_same_state(controller, straight);
  check_same_state(from_zero, straight);

  // With a user's action before the parked points and one after: parked scenes carry the first
  // through their refill, and the second is applied when one is advanced past it.
  viz::ReplayController acted(factory, ladder_window(2000, 5, spacing));
  const auto link = acted.scene().topology().links.front().id;
  const auto down = viz::UserAction::link_up(link, false, "first link");
  const auto up = viz::UserAction::link_up(link, true, "first link");
  acted.run_to(engine::seconds(2));
  acted.apply(down);
  acted.run_to(engine::seconds(30));
  settle(acted);
  acted.apply(up);
  const std::uint64_t after_up = acted.simulator().executed();
  acted.run_to(engine::seconds(40));
  const std::uint64_t target = after_up + (acted.simulator().executed() - after_up) / 2;
  REQUIRE(target > after_up);
  acted.replay_to_executed(target);
  CHECK(acted.last_replay_origin() > 0);
  CHECK(acted.last_replay_origin() <= after_up);  // the second action was applied on the way
  viz::ReplayController acted_straight(factory);
  acted_straight.run_to(engine::seconds(2));
  acted_straight.apply(down);
  acted_straight.run_to(engine::seconds(30));
  acted_straight.apply(up);
  run_straight(acted_straight, target);
  check_same_state(acted, acted_straight);
}
