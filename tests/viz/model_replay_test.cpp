#include <catch2/catch.hpp>

#include <map>

#include "viz/model/replay.h"
#include "viz/model/synthetic_scene.h"

using namespace maillab;
using engine::milliseconds;

namespace {

viz::SceneFactory demo_factory() {
  return [] { return viz::make_demo_scene(7); };
}

bool link_is_up(viz::Scene& scene, std::size_t id) {
  const auto topology = scene.topology();
  return topology.links[*topology.link_index_by_id(id)].up;
}

constexpr std::size_t office_to_core = 3;  // the demo's office-router <-> core-router link

}  // namespace

TEST_CASE("step back gives exactly the state one event earlier", "[viz][replay]") {
  viz::ReplayController controller(demo_factory());
  std::map<std::uint64_t, std::uint64_t> fingerprint_after;  // events executed -> trace fingerprint
  std::map<std::uint64_t, std::size_t> records_after;
  fingerprint_after[0] = controller.simulator().trace().fingerprint();
  for (int i = 0; i < 60; ++i) {
    REQUIRE(controller.step_event());
    fingerprint_after[controller.simulator().executed()] = controller.simulator().trace().fingerprint();
    records_after[controller.simulator().executed()] = controller.records().size();
  }
  const auto generation = controller.generation();
  REQUIRE(controller.step_back());
  CHECK(controller.generation() == generation + 1);
  CHECK(controller.simulator().executed() == 59);
  CHECK(controller.simulator().trace().fingerprint() == fingerprint_after[59]);
  CHECK(controller.records().size() == records_after[59]);

  controller.replay_to_executed(17);
  CHECK(controller.simulator().trace().fingerprint() == fingerprint_after[17]);
  // And forward again from there lands on the same states.
  for (int i = 0; i < 10; ++i) controller.step_event();
  CHECK(controller.simulator().trace().fingerprint() == fingerprint_after[27]);
}

TEST_CASE("replaying to a time gives the same trace prefix as running there", "[viz][replay]") {
  viz::ReplayController first(demo_factory());
  first.run_to(milliseconds(900));
  const auto fingerprint = first.simulator().trace().fingerprint();
  const auto count = first.records().size();
  REQUIRE(count > 10);
  first.run_to(milliseconds(2000));
  CHECK(first.records().size() > count);
  first.run_to(milliseconds(900));  // backwards: a replay
  CHECK(first.now() == milliseconds(900));
  CHECK(first.simulator().trace().fingerprint() == fingerprint);
  CHECK(first.records().size() == count);
}

TEST_CASE("user actions are journaled and replayed at the same point", "[viz][replay]") {
  viz::ReplayController controller(demo_factory());
  controller.run_to(milliseconds(200));
  controller.apply(viz::UserAction::link_up(office_to_core, false, "office-router <-> core-router"));
  CHECK_FALSE(link_is_up(controller.scene(), office_to_core));
  REQUIRE(controller.journal().size() == 1);
  CHECK(controller.journal()[0].time == milliseconds(200));
  controller.run_to(milliseconds(1200));
  const auto fingerprint = controller.simulator().trace().fingerprint();

  // The same thing done in one go, for reference.
  viz::ReplayController reference(demo_factory());
  reference.run_to(milliseconds(200));
  reference.apply(viz::UserAction::link_up(office_to_core, false, "office-router <-> core-router"));
  reference.run_to(milliseconds(1200));
  CHECK(reference.simulator().trace().fingerprint() == fingerprint);

  // Back to before the action: the link is up again.
  controller.run_to(milliseconds(100));
  CHECK(link_is_up(controller.scene(), office_to_core));
  // Forward past it: the journal takes it down again at 200 ms and the run is the same.
  controller.run_to(milliseconds(1200));
  CHECK_FALSE(link_is_up(controller.scene(), office_to_core));
  CHECK(controller.simulator().trace().fingerprint() == fingerprint);

  // Without the action the run differs (the action had an effect).
  viz::ReplayController untouched(demo_factory());
  untouched.run_to(milliseconds(1200));
  CHECK(untouched.simulator().trace().fingerprint() != fingerprint);

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
