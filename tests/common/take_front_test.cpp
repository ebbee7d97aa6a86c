#include <catch2/catch.hpp>

#include <deque>
#include <memory>
#include <string>

#include "protocols/common/take_front.h"

using maillab::common::take_front;

TEST_CASE("take_front hands items over oldest first, then nothing", "[common][take_front]") {
  std::deque<std::string> events{"220 greeting", "250 OK"};
  CHECK(take_front(events) == std::optional<std::string>("220 greeting"));
  events.push_back("354 go ahead");
  CHECK(take_front(events) == std::optional<std::string>("250 OK"));
  CHECK(take_front(events) == std::optional<std::string>("354 go ahead"));
  CHECK(events.empty());
  CHECK_FALSE(take_front(events).has_value());
}

TEST_CASE("take_front moves an item out instead of copying it", "[common][take_front]") {
  std::deque<std::unique_ptr<int>> queue;
  queue.push_back(std::make_unique<int>(7));
  auto item = take_front(queue);
  REQUIRE(item.has_value());
  REQUIRE(*item != nullptr);
  CHECK(**item == 7);
  CHECK(queue.empty());
}
