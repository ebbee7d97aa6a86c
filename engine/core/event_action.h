// EventAction: what a simulator event runs. A move-only `void()` callable that keeps callables
// of up to 48 bytes inside itself, so scheduling an event allocates nothing.
//
// Why not std::function: libstdc++ keeps a callable inline only when it is trivially copyable
// and at most 16 bytes, and nearly every event here captures a shared_ptr or weak_ptr (a packet
// in flight, a connection's timer), so each of the few hundred events a message makes cost a
// malloc and a free. Larger callables still work: they go to the heap, as before.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace maillab::engine {

class EventAction {
 public:
  static constexpr std::size_t inline_size = 48;

  EventAction() noexcept = default;
  EventAction(std::nullptr_t) noexcept {}

  template <typename F, typename Callable = std::decay_t<F>>
    requires(!std::is_same_v<Callable, EventAction> && std::is_invocable_r_v<void, Callable&>)
  EventAction(F&& callable) {  // NOLINT: implicit, like std::function
    if constexpr (stored_inline<Callable>) {
      ::new (static_cast<void*>(storage_)) Callable(std::forward<F>(callable));
      ops_ = &inline_ops<Callable>;
    } else {
      ::new (static_cast<void*>(storage_)) Callable*(new Callable(std::forward<F>(callable)));
      ops_ = &heap_ops<Callable>;
    }
  }

  EventAction(EventAction&& other) noexcept { take(other); }
  EventAction& operator=(EventAction&& other) noexcept {
    if (this != &other) {
      reset();
      take(other);
    }
    return *this;
  }
  EventAction& operator=(std::nullptr_t) noexcept {
    reset();
    return *this;
  }
  EventAction(const EventAction&) = delete;
  EventAction& operator=(const EventAction&) = delete;
  ~EventAction() { reset(); }

  explicit operator bool() const noexcept { return ops_ != nullptr; }
  void operator()() { ops_->invoke(storage_); }

 private:
  struct Ops {
    void (*invoke)(void* storage);
    void (*move_to)(void* from, void* to) noexcept;  // leaves `from` destroyed
    void (*destroy)(void* storage) noexcept;
  };

  template <typename Callable>
  static constexpr bool stored_inline = sizeof(Callable) <= inline_size &&
                                        alignof(Callable) <= alignof(void*) &&
                                        std::is_nothrow_move_constructible_v<Callable>;

  template <typename Callable>
  static constexpr Ops inline_ops{
      [](void* storage) { (*static_cast<Callable*>(storage))(); },
      [](void* from, void* to) noexcept {
        ::new (to) Callable(std::move(*static_cast<Callable*>(from)));
        static_cast<Callable*>(from)->~Callable();
      },
      [](void* storage) noexcept { static_cast<Callable*>(storage)->~Callable(); },
  };
  template <typename Callable>
  static constexpr Ops heap_ops{
      [](void* storage) { (**static_cast<Callable**>(storage))(); },
      [](void* from, void* to) noexcept { ::new (to) Callable*(*static_cast<Callable**>(from)); },
      [](void* storage) noexcept { delete *static_cast<Callable**>(storage); },
  };

  void take(EventAction& other) noexcept {
    if (!other.ops_) return;
    other.ops_->move_to(other.storage_, storage_);
    ops_ = std::exchange(other.ops_, nullptr);
  }
  void reset() noexcept {
    if (ops_) std::exchange(ops_, nullptr)->destroy(storage_);
  }

  alignas(void*) unsigned char storage_[inline_size];  // 56 bytes in all: a Slot fits in 64
  const Ops* ops_ = nullptr;
};

}  // namespace maillab::engine
