// The event queue of the SMTP sessions (protocols/common/event_queue.h).
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "protocols/common/event_queue.h"

using maillab::common::EventQueue;
using maillab::common::take_front;

TEST_CASE("event queue: oldest first, pushes between takes, then nothing", "[common][event_queue]") {
  EventQueue<std::string> events;
  events.push_back("220 greeting");
  events.push_back("250 OK");
  CHECK(take_front(events) == std::optional<std::string>("220 greeting"));
  events.push_back("354 go ahead");
  CHECK(events.size() == 2);
  CHECK(take_front(events) == std::optional<std::string>("250 OK"));
  CHECK(take_front(events) == std::optional<std::string>("354 go ahead"));
  CHECK(events.empty());
  CHECK_FALSE(take_front(events).has_value());
  events.push_back("221 bye");  // emptied, then used again
  CHECK(take_front(events) == std::optional<std::string>("221 bye"));
  CHECK(events.empty());
}

TEST_CASE("event queue: items are moved out, not copied", "[common][event_queue]") {
  EventQueue<std::unique_ptr<int>> queue;
  queue.push_back(std::make_unique<int>(7));
  queue.push_back(std::make_unique<int>(8));
  auto item = take_front(queue);
  REQUIRE(item.has_value());
  REQUIRE(*item != nullptr);
  CHECK(**item == 7);
  CHECK(queue.size() == 1);
}

TEST_CASE("event queue: a consumer that never empties it still gets every item in order", "[common][event_queue]") {
  // Two pushed for each one taken: the taken front is dropped now and then (over 64 taken and at
  // least half the storage), and the order must survive each drop.
  EventQueue<int> queue;
  int pushed = 0;
  int expected = 0;
  for (int round = 0; round < 5000; ++round) {
    queue.push_back(pushed++);
    queue.push_back(pushed++);
    auto item = take_front(queue);
    REQUIRE(item.has_value());
    REQUIRE(*item == expected++);
  }
  CHECK(queue.size() == 5000);
  while (auto item = take_front(queue)) REQUIRE(*item == expected++);
  CHECK(expected == pushed);
}
