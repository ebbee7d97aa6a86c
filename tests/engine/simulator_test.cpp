// The kernel's contract (engine/core/simulator.h): time order, FIFO at equal times, cancel, step,
// run_until, next_event_time.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <vector>

#include "engine/core/simulator.h"

using namespace maillab::engine;

TEST_CASE("events run in time order, equal times first-in first-out", "[engine][simulator]") {
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(30, [&] { order.push_back(3); });
  sim.schedule_at(10, [&] { order.push_back(1); });
  for (int i = 0; i < 50; ++i) sim.schedule_at(20, [&, i] { order.push_back(100 + i); });
  sim.schedule_at(10, [&] { order.push_back(2); });
  sim.run();
  REQUIRE(order.size() == 53);
  CHECK(order[0] == 1);
  CHECK(order[1] == 2);
  for (int i = 0; i < 50; ++i) CHECK(order[2 + i] == 100 + i);
  CHECK(order[52] == 3);
  CHECK(sim.now() == 30);
  CHECK(sim.executed() == 53);
}

TEST_CASE("events scheduled by a running event keep FIFO among equal times", "[engine][simulator]") {
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(5, [&] {
    order.push_back(0);
    sim.schedule_in(0, [&] { order.push_back(2); });
    sim.schedule_in(0, [&] { order.push_back(3); });
  });
  sim.schedule_at(5, [&] { order.push_back(1); });
  sim.run();
  CHECK(order == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("a large random workload comes out sorted and stable", "[engine][simulator]") {
  Simulator sim(7);
  Rng rng(99);
  std::vector<std::pair<Time, int>> ran;
  int counter = 0;
  for (int i = 0; i < 5000; ++i) {
    const Time t = static_cast<Time>(rng.uniform(300));
    const int tag = counter++;
    sim.schedule_at(t, [&, t, tag] {
      ran.emplace_back(t, tag);
      if (tag % 3 == 0) {
        const Time later = sim.now() + static_cast<Time>(rng.uniform(50));
        const int inner = counter++;
        sim.schedule_at(later, [&, later, inner] { ran.emplace_back(later, inner); });
      }
    });
  }
  sim.run();
  REQUIRE(ran.size() == static_cast<std::size_t>(counter));
  for (std::size_t i = 1; i < ran.size(); ++i) {
    REQUIRE(ran[i - 1].first <= ran[i].first);
    if (ran[i - 1].first == ran[i].first) REQUIRE(ran[i - 1].second < ran[i].second);
  }
}

TEST_CASE("step runs exactly one event and skips cancelled ones", "[engine][simulator]") {
  Simulator sim;
  int a = 0, b = 0, c = 0;
  sim.schedule_at(1, [&] { ++a; });
  const auto cancelled = sim.schedule_at(2, [&] { ++b; });
  sim.schedule_at(3, [&] { ++c; });
  REQUIRE(sim.cancel(cancelled));
  CHECK(sim.pending() == 2);
  REQUIRE(sim.step());
  CHECK((a == 1 && b == 0 && c == 0));
  CHECK(sim.now() == 1);
  REQUIRE(sim.step());
  CHECK((b == 0 && c == 1));
  CHECK(sim.now() == 3);
  CHECK_FALSE(sim.step());
  CHECK(sim.executed() == 2);
}

TEST_CASE("cancel semantics, including stale ids after a slot is reused", "[engine][simulator]") {
  Simulator sim;
  int ran = 0;
  const auto first = sim.schedule_at(1, [&] { ++ran; });
  CHECK(sim.cancel(first));
  CHECK_FALSE(sim.cancel(first));  // already cancelled
  CHECK_FALSE(sim.cancel(0));      // 0 never names an event
  CHECK_FALSE(sim.cancel(0xffff'ffff'0000'0001ULL));  // never existed
  sim.run();  // frees the cancelled slot
  const auto second = sim.schedule_at(5, [&] { ran += 10; });
  CHECK_FALSE(sim.cancel(first));  // stale: the slot now holds `second`
  CHECK(sim.pending() == 1);
  sim.run();
  CHECK(ran == 10);
  CHECK_FALSE(sim.cancel(second));  // already ran
}

TEST_CASE("an event can cancel another scheduled at the same time", "[engine][simulator]") {
  Simulator sim;
  int ran = 0;
  Simulator::EventId victim = 0;
  sim.schedule_at(4, [&] { CHECK(sim.cancel(victim)); });
  victim = sim.schedule_at(4, [&] { ++ran; });
  sim.run();
  CHECK(ran == 0);
  CHECK(sim.pending() == 0);
}

TEST_CASE("run_until runs events up to the end and sets the clock", "[engine][simulator]") {
  Simulator sim;
  std::vector<Time> seen;
  for (Time t : {5, 10, 15, 20}) sim.schedule_at(t, [&, t] { seen.push_back(t); });
  sim.run_until(15);
  CHECK(seen == std::vector<Time>{5, 10, 15});
  CHECK(sim.now() == 15);
  sim.run_until(17);
  CHECK(sim.now() == 17);
  CHECK(seen.size() == 3);
  sim.run_until(100);
  CHECK(seen.size() == 4);
  CHECK(sim.now() == 100);
}

TEST_CASE("stop makes run return after the current event", "[engine][simulator]") {
  Simulator sim;
  int ran = 0;
  sim.schedule_at(1, [&] {
    ++ran;
    sim.stop();
  });
  sim.schedule_at(2, [&] { ++ran; });
  sim.run();
  CHECK(ran == 1);
  CHECK(sim.pending() == 1);
  sim.run();
  CHECK(ran == 2);
}

TEST_CASE("next_event_time peeks without running", "[engine][simulator]") {
  Simulator sim;
  int ran = 0;
  CHECK_FALSE(sim.next_event_time().has_value());
  const auto early = sim.schedule_at(3, [&] { ++ran; });
  sim.schedule_at(8, [&] { ++ran; });
  CHECK(sim.next_event_time() == Time{3});
  CHECK(sim.next_event_time() == Time{3});
  CHECK(ran == 0);
  CHECK(sim.now() == 0);
  sim.cancel(early);
  CHECK(sim.next_event_time() == Time{8});
  CHECK(ran == 0);
}

TEST_CASE("an event scheduled after a peek, before the peeked ones, runs first", "[engine][simulator]") {
  // The peek fills the front of the queue with the events at 10; one scheduled at 5 afterwards
  // must still run before them, though step's usual path serves that front directly.
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(10, [&] { order.push_back(1); });
  sim.schedule_at(10, [&] { order.push_back(2); });
  CHECK(sim.next_event_time() == Time{10});
  sim.schedule_at(5, [&] { order.push_back(0); });
  REQUIRE(sim.step());
  CHECK(sim.now() == 5);
  sim.run();
  CHECK(order == std::vector<int>{0, 1, 2});
}

TEST_CASE("a lone event far ahead keeps FIFO with events scheduled at its time later", "[engine][simulator]") {
  // One event alone in its part of the queue is moved to the front by itself when peeked at;
  // events scheduled afterwards at the same time come after it, and one earlier before it.
  Simulator sim;
  std::vector<int> order;
  sim.schedule_at(1000, [&] { order.push_back(1); });
  CHECK(sim.next_event_time() == Time{1000});
  sim.schedule_at(1000, [&] { order.push_back(2); });
  sim.schedule_at(999, [&] { order.push_back(0); });
  const auto cancelled = sim.schedule_at(1000, [&] { order.push_back(-1); });
  sim.schedule_at(1000, [&] { order.push_back(3); });
  CHECK(sim.cancel(cancelled));
  sim.run();
  CHECK(order == std::vector<int>{0, 1, 2, 3});
  CHECK(sim.now() == 1000);
}

TEST_CASE("next_event_time from inside an event sees the queue as it is", "[engine][simulator]") {
  Simulator sim;
  std::optional<Time> seen;
  sim.schedule_at(1, [&] { seen = sim.next_event_time(); });
  sim.schedule_at(9, [] {});
  sim.run_until(1);
  CHECK(seen == Time{9});
}

TEST_CASE("randomised: schedules, cancels, peeks and run_until agree with a reference model", "[engine][simulator]") {
  // The reference is a std::set ordered by (time, scheduling order); the simulator must run
  // exactly the uncancelled events in that order, whatever mix of operations comes in between.
  for (std::uint64_t round = 1; round <= 20; ++round) {
    Simulator sim(round);
    Rng rng(round * 7919);
    std::set<std::pair<Time, int>> reference;
    std::map<int, std::pair<Simulator::EventId, Time>> live;
    std::vector<int> ran;
    int next_tag = 0;
    auto schedule = [&](Time when) {
      const int tag = next_tag++;
      const auto id = sim.schedule_at(when, [&, tag] {
        ran.push_back(tag);
        live.erase(tag);
      });
      reference.emplace(when, tag);
      live[tag] = {id, when};
    };
    for (int operation = 0; operation < 3000; ++operation) {
      const auto choice = rng.uniform(10);
      if (choice < 5) {
        // Spread over very different horizons, with many equal times.
        const std::uint64_t horizons[] = {1, 3, 50, 5000, 1'000'000};
        schedule(sim.now() + static_cast<Time>(rng.uniform(horizons[rng.uniform(5)])));
      } else if (choice < 6 && !live.empty()) {
        auto it = live.begin();
        std::advance(it, static_cast<long>(rng.uniform(live.size())));
        REQUIRE(sim.cancel(it->second.first));
        reference.erase({it->second.second, it->first});
        live.erase(it);
      } else if (choice < 7) {
        const auto peek = sim.next_event_time();
        if (reference.empty())
          REQUIRE_FALSE(peek.has_value());
        else
          REQUIRE(peek == reference.begin()->first);
      } else if (choice < 8) {
        const Time end = sim.now() + static_cast<Time>(rng.uniform(100));
        std::vector<int> expected;
        for (auto& [t, tag] : reference)
          if (t <= end) expected.push_back(tag);
        ran.clear();
        sim.run_until(end);
        REQUIRE(ran == expected);
        REQUIRE(sim.now() == end);
        for (std::size_t i = 0; i < expected.size(); ++i) reference.erase(reference.begin());
      } else if (!reference.empty()) {
        ran.clear();
        REQUIRE(sim.step());
        REQUIRE(ran.size() == 1);
        REQUIRE(ran[0] == reference.begin()->second);
        REQUIRE(sim.now() == reference.begin()->first);
        reference.erase(reference.begin());
      }
      REQUIRE(sim.pending() == reference.size());
    }
    ran.clear();
    std::vector<int> expected;
    for (auto& [t, tag] : reference) expected.push_back(tag);
    sim.run();
    REQUIRE(ran == expected);
  }
}

TEST_CASE("cancel_timer cancels a member's pending timer and forgets its id", "[engine][simulator]") {
  Simulator sim;
  int ran = 0;
  Simulator::EventId timer = sim.schedule_at(3, [&] { ++ran; });
  Simulator::EventId other = sim.schedule_at(3, [&] { ran += 10; });
  sim.cancel_timer(timer);
  CHECK(timer == 0);
  sim.cancel_timer(timer);  // no timer: nothing happens
  CHECK(timer == 0);
  sim.run();
  CHECK(ran == 10);  // only the other event ran
  sim.cancel_timer(other);  // it already ran: the id is forgotten all the same
  CHECK(other == 0);
}

TEST_CASE("more pending events than the limit is an error, not an assert, run events free room", "[engine][simulator]") {
  // The real limit is 2^24 (the slot index is 24 bits of an entry); a lower one keeps the test small.
  Simulator sim;
  sim.set_pending_limit(4);
  int ran = 0;
  for (int i = 0; i < 4; ++i) sim.schedule_in(10, [&] { ++ran; });
  CHECK_THROWS_AS(sim.schedule_in(10, [&] { ++ran; }), TooManyPendingEvents);
  CHECK_THROWS_WITH(sim.schedule_in(10, [] {}), Catch::Contains("more than 4 events pending"));
  CHECK(sim.pending() == 4);
  sim.run();
  CHECK(ran == 4);
  for (int i = 0; i < 4; ++i) sim.schedule_in(10, [&] { ++ran; });  // the slots came back
  sim.run();
  CHECK(ran == 8);
  sim.set_pending_limit(std::size_t{1} << 40);
  CHECK(Simulator::max_pending_limit == std::size_t{1} << 24);
}
