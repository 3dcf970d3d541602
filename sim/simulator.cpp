#include "sim/simulator.hpp"

#include <algorithm>

namespace p2psim {

Simulator::~Simulator() { ahead_.destroy_all(); }

void Simulator::Window::make_room() {
  if (first_ > 0) {  // slide the live entries to the front
    std::move(buf_.begin() + static_cast<std::ptrdiff_t>(first_), buf_.begin() + static_cast<std::ptrdiff_t>(end_),
              buf_.begin());
    end_ -= first_;
    first_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(2 * buf_.size());
}

void Simulator::Window::insert(const EventQueue::Entry& e) {
  push_back(e);
  std::size_t i = end_ - 1;
  while (i > first_ && buf_[i - 1].time > e.time) {
    buf_[i] = buf_[i - 1];
    --i;
  }
  buf_[i] = e;
}

bool Simulator::Window::cancel(std::uint64_t seq) {
  for (std::size_t i = first_; i < end_; ++i) {
    if (buf_[i].seq != seq) continue;
    EventQueue::Entry gone = buf_[i];
    std::move(buf_.begin() + static_cast<std::ptrdiff_t>(i) + 1, buf_.begin() + static_cast<std::ptrdiff_t>(end_),
              buf_.begin() + static_cast<std::ptrdiff_t>(i));
    if (--end_ == first_) first_ = end_ = 0;
    gone.call(gone.storage, EventQueue::Op::destroy);
    return true;
  }
  return false;
}

void Simulator::Window::destroy_all() {
  for (std::size_t i = first_; i < end_; ++i) buf_[i].call(buf_[i].storage, EventQueue::Op::destroy);
  first_ = end_ = 0;
}

void Simulator::cancel(EventId id) {
  if (!ahead_.cancel(id.seq)) queue_.cancel(id.seq);
}

// Tops the window up to kLookahead entries due at or before `limit`, hinting each.
void Simulator::refill(std::uint64_t limit) {
  EventQueue::Entry e;
  while (ahead_.size() < kLookahead && queue_.pop_until(limit, e)) {
    EventQueue::Entry& in = ahead_.push_back(e);
    in.call(in.storage, EventQueue::Op::prefetch_far);
  }
}

void Simulator::run_until(SimTime until) {
  stopped_ = false;
  const std::uint64_t limit = static_cast<std::uint64_t>(until.count_ns());
  EventQueue::Entry e;
  while (!stopped_) {
    if (ahead_.size() < kLookahead) refill(limit);
    if (ahead_.empty() || ahead_.front().time > limit) break;
    e = ahead_.front();
    ahead_.pop_front();
    if (ahead_.size() >= kNearAhead) {
      EventQueue::Entry& soon = ahead_.at(kNearAhead - 1);
      soon.call(soon.storage, EventQueue::Op::prefetch_near);
    }
    now_ = SimTime::ns(static_cast<std::int64_t>(e.time));
    ++executed_;
    e.call(e.storage, EventQueue::Op::run);
  }
  if (!stopped_ && until != SimTime::max() && until > now_) now_ = until;
}

}  // namespace p2psim
