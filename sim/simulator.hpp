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
// Lookahead: the next kLookahead events due (at most, and none beyond the run's horizon)
// are held out of the queue in a small sorted window, so the engine knows which events
// come next. A callable may say what state it will touch with a member
//   void prefetch(Lookahead stage) const noexcept;
// called with Lookahead::far when it enters the window (about kLookahead events before it
// runs) and Lookahead::near about kNearAhead events before it runs: two stages, so that a
// chain of pointers (a slot, then the object it names) can be loaded one link per stage.
// It must only read state the event itself will read, and issue prefetches
// (prefetch_line, sim/prefetch.hpp): it is a hint to hide memory latency when the live state of a
// large model does not fit in cache, and never changes what runs or when. Callables
// without it are not called. (A third stage, 2 events ahead, for the index slot or
// receiving object of a packet, measured no faster: tried and removed.)
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
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/prefetch.hpp"
#include "sim/time.hpp"

namespace p2psim {

// Identifies a scheduled event for cancel(). Value 0 never names an event.
struct EventId {
  std::uint64_t seq = 0;
  explicit operator bool() const { return seq != 0; }
};

// The stage of a prefetch hint (see above).
enum class Lookahead : unsigned char { far, near };

class Simulator {
 public:
  static constexpr unsigned kLookahead = 8;  // events held in the lookahead window
  static constexpr unsigned kNearAhead = 4;  // position of the Lookahead::near hint

  Simulator() = default;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;
  ~Simulator();

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
  void cancel(EventId id);

  // Runs events until none is left or stop() is called.
  void run() { run_until(SimTime::max()); }

  // Runs every event with time <= `until`, then advances now() to `until` (unless stop()
  // ended the run first, or until == SimTime::max()). Precondition: until >= now().
  void run_until(SimTime until);

  // Ends the current run() / run_until() after the running event returns.
  void stop() { stopped_ = true; }

  std::uint64_t events_executed() const { return executed_; }
  std::size_t pending() const { return queue_.size() + ahead_.size(); }
  const EventQueue& queue() const { return queue_; }

 private:
  // The lookahead window: entries ahead_[first_, end_) in (time, seq) order, all before
  // every entry left in the queue. Grows past kLookahead only by pushes that land inside
  // it (events due sooner than the window's last).
  class Window {
   public:
    Window() { buf_.resize(2 * kLookahead); }
    std::size_t size() const { return end_ - first_; }
    bool empty() const { return first_ == end_; }
    EventQueue::Entry& front() { return buf_[first_]; }
    EventQueue::Entry& at(std::size_t i) { return buf_[first_ + i]; }
    const EventQueue::Entry& back() const { return buf_[end_ - 1]; }
    void pop_front() {
      if (++first_ == end_) first_ = end_ = 0;
    }
    EventQueue::Entry& push_back(const EventQueue::Entry& e) {
      if (end_ == buf_.size()) make_room();
      buf_[end_] = e;
      return buf_[end_++];
    }
    // Inserts `e` (the newest sequence number) after the entries due at or before it.
    void insert(const EventQueue::Entry& e);
    // Removes the entry with sequence `seq`, destroying its callback; false if absent.
    bool cancel(std::uint64_t seq);
    void destroy_all();

   private:
    void make_room();
    std::vector<EventQueue::Entry> buf_;
    std::size_t first_ = 0, end_ = 0;
  };

  void refill(std::uint64_t limit);
  static constexpr Lookahead stage_of(EventQueue::Op op) {
    return op == EventQueue::Op::prefetch_far ? Lookahead::far : Lookahead::near;
  }

  SimTime now_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t executed_ = 0;
  bool stopped_ = false;
  EventQueue queue_;
  Window ahead_;
};

template <class F>
EventId Simulator::schedule_at(SimTime t, F&& f) {
  using Fn = std::decay_t<F>;
  EventQueue::Entry e;
  e.time = static_cast<std::uint64_t>(t.count_ns());
  e.seq = next_seq_++;
  using Op = EventQueue::Op;
  constexpr bool hints = requires(const Fn& c) { c.prefetch(Lookahead::far); };
  if constexpr (sizeof(Fn) <= sizeof(e.storage) && alignof(Fn) <= 8 &&
                std::is_trivially_copyable_v<Fn> && std::is_trivially_destructible_v<Fn>) {
    ::new (static_cast<void*>(e.storage)) Fn(std::forward<F>(f));
    e.call = [](void* s, Op op) {
      Fn& c = *std::launder(static_cast<Fn*>(s));
      if (op == Op::run) {
        c();
      } else if constexpr (hints) {
        if (op != Op::destroy) std::as_const(c).prefetch(stage_of(op));
      }
    };
  } else {
    Fn* boxed = new Fn(std::forward<F>(f));
    std::memcpy(e.storage, &boxed, sizeof boxed);
    e.call = [](void* s, Op op) {
      Fn* p = nullptr;
      std::memcpy(&p, s, sizeof p);
      if (op == Op::run || op == Op::destroy) {
        std::unique_ptr<Fn> owner(p);
        if (op == Op::run) (*p)();
      } else if constexpr (hints) {
        std::as_const(*p).prefetch(stage_of(op));
      }
    };
  }
  if (!ahead_.empty() && e.time < ahead_.back().time) {
    ahead_.insert(e);  // due before the window's last entry: it joins the window
    e.call(e.storage, Op::prefetch_far);
  } else {
    queue_.push(e);
  }
  return EventId{e.seq};
}

}  // namespace p2psim
