// What a sans-I/O session's poll_*() calls do with a queue (quinn-proto's poll_transmit and
// poll_event): hand over the oldest item and forget it, or say there is none. poll_output()'s
// byte buffer is the same idea: `return std::exchange(output_, {});`.
#pragma once

#include <deque>
#include <optional>
#include <utility>

namespace maillab::common {

// The oldest item of `queue`, removed from it; nothing when the queue is empty.
template <typename Item>
std::optional<Item> take_front(std::deque<Item>& queue) {
  if (queue.empty()) return std::nullopt;
  std::optional<Item> item(std::move(queue.front()));
  queue.pop_front();
  return item;
}

}  // namespace maillab::common
