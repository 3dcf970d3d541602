#include "models/messaging/timeline.hpp"

#include <algorithm>
#include <cassert>

namespace p2psim::messaging {

Timeline Timeline::always_up() {
  Timeline t;
  t.iv_.push_back({SimTime::ns(-(std::int64_t{1} << 62)), kNever});
  return t;
}

void Timeline::add(SimTime start, SimTime end) {
  if (end <= start) return;
  assert(iv_.empty() || start >= iv_.back().end);
  if (!iv_.empty() && iv_.back().end == start) {
    iv_.back().end = end;
    return;
  }
  iv_.push_back({start, end});
}

std::ptrdiff_t Timeline::last_starting_by(SimTime t) const {
  auto it = std::upper_bound(iv_.begin(), iv_.end(), t,
                             [](SimTime x, const Interval& i) { return x < i.start; });
  return (it - iv_.begin()) - 1;
}

bool Timeline::up(SimTime t) const {
  const std::ptrdiff_t i = last_starting_by(t);
  return i >= 0 && t < iv_[static_cast<std::size_t>(i)].end;
}

SimTime Timeline::next_up(SimTime t) const {
  const std::ptrdiff_t i = last_starting_by(t);
  if (i >= 0 && t < iv_[static_cast<std::size_t>(i)].end) return t;
  const std::size_t next = static_cast<std::size_t>(i + 1);
  return next < iv_.size() ? iv_[next].start : kNever;
}

const Timeline::Interval& Timeline::interval_at(SimTime t) const {
  const std::ptrdiff_t i = last_starting_by(t);
  assert(i >= 0 && t < iv_[static_cast<std::size_t>(i)].end);
  return iv_[static_cast<std::size_t>(i)];
}

SimTime Timeline::online_time(SimTime a, SimTime b) const {
  SimTime total = SimTime::zero();
  for (const Interval& i : iv_) {
    const SimTime s = std::max(a, i.start), e = std::min(b, i.end);
    if (e > s) total += e - s;
  }
  return total;
}

}  // namespace p2psim::messaging
