// Simulator: the discrete-event engine. An object you create and pass; never a global.
//
// Events are callables `void()` run at a simulated time. Events at equal times run in
// the order they were scheduled. Two Simulator objects share nothing, so independent
// runs may execute concurrently on different threads (one Simulator per thread).
//
// Callables of at most 16 bytes that are trivially copyable (a lambda capturing `this`
// and an index, say) are stored inline in the event queue: no heap allocation per event.
// Larger callables are boxed on the heap; correct, but slower on hot paths.
//
//   Simulator sim;
//   sim.schedule_after(SimTime::ms(20), [&] { ... sim.now() ... });
//   sim.run_until(SimTime::s(60));
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "sim/event_queue.hpp"
#include "sim/time.hpp"

namespace p2psim {

// Identifies a scheduled event for cancel(). Value 0 never names an event.
struct EventId {
  std::uint64_t seq = 0;
  explicit operator bool() const { return seq != 0; }
};

class Simulator {
 public:
  Simulator() = default;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  SimTime now() const { return now_; }

  // Schedules `f` at absolute time `t`. Precondition: t >= now().
  template <class F>
  EventId schedule_at(SimTime t, F&& f);

  // Schedules `f` after delay `d`. Precondition: d >= 0.
  template <class F>
  EventId schedule_after(SimTime d, F&& f) {
    return schedule_at(now_ + d, std::forward<F>(f));
  }

  // Cancels a pending event. Precondition: `id` was returned by this simulator and the
  // event has neither run nor been cancelled.
  void cancel(EventId id) { queue_.cancel(id.seq); }

  // Runs events until none is left or stop() is called.
  void run() { run_until(SimTime::max()); }

  // Runs every event with time <= `until`, then advances now() to `until` (unless stop()
  // ended the run first, or until == SimTime::max()). Precondition: until >= now().
  void run_until(SimTime until);

  // Ends the current run() / run_until() after the running event returns.
  void stop() { stopped_ = true; }

  std::uint64_t events_executed() const { return executed_; }
  std::size_t pending() const { return queue_.size(); }
  const EventQueue& queue() const { return queue_; }

 private:
  SimTime now_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t executed_ = 0;
  bool stopped_ = false;
  EventQueue queue_;
};

template <class F>
EventId Simulator::schedule_at(SimTime t, F&& f) {
  using Fn = std::decay_t<F>;
  EventQueue::Entry e;
  e.time = static_cast<std::uint64_t>(t.count_ns());
  e.seq = next_seq_++;
  if constexpr (sizeof(Fn) <= sizeof(e.storage) && alignof(Fn) <= 8 &&
                std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>) {
    ::new (static_cast<void*>(e.storage)) Fn(std::forward<F>(f));
    e.call = [](void* s, bool run) {
      if (run) (*std::launder(static_cast<Fn*>(s)))();
    };
  } else {
    Fn* boxed = new Fn(std::forward<F>(f));
    std::memcpy(e.storage, &boxed, sizeof boxed);
    e.call = [](void* s, bool run) {
      Fn* p = nullptr;
      std::memcpy(&p, s, sizeof p);
      std::unique_ptr<Fn> owner(p);
      if (run) (*p)();
    };
  }
  queue_.push(e);
  return EventId{e.seq};
}

}  // namespace p2psim
