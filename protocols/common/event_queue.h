// A sans-I/O session's queue of events: pushed at the back as things happen, handed over oldest
// first by poll_event() (common::take_front, as for a std::deque).
//
// Why not std::deque: libstdc++'s deque holds 512 bytes a block, so an item over 256 bytes gets a
// block of its own, and every push allocates and every take frees. The SMTP server's event
// (a variant holding an envelope, a message and the session's facts) is such an item, and a
// message makes some seventy of them. Here the items sit in one vector whose storage is kept:
// once a session's queue has been as long as it gets, pushing allocates nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace maillab::common {

template <typename Item>
class EventQueue {
 public:
  // Built in place from the event (a CommandReceived{...}), not moved through a temporary Item.
  template <typename Event>
  void push_back(Event&& event) {
    items_.emplace_back(std::forward<Event>(event));
  }
  bool empty() const { return next_ == items_.size(); }
  std::size_t size() const { return items_.size() - next_; }

  // The oldest item, removed; nothing when the queue is empty.
  std::optional<Item> take_front() {
    if (empty()) return std::nullopt;
    std::optional<Item> item(std::move(items_[next_]));
    ++next_;
    if (next_ == items_.size()) {  // emptied: start again at the front of the same storage
      items_.clear();
      next_ = 0;
    } else if (next_ >= 64 && next_ * 2 >= items_.size()) {
      // A caller that never empties the queue: drop the taken front, at most as much moved as taken.
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(next_));
      next_ = 0;
    }
    return item;
  }

 private:
  std::vector<Item> items_;
  std::size_t next_ = 0;  // items_[0, next_) were taken (moved from)
};

// As take_front(std::deque&) in take_front.h, so each poll_event() reads the same.
template <typename Item>
std::optional<Item> take_front(EventQueue<Item>& queue) {
  return queue.take_front();
}

}  // namespace maillab::common
