// Timeline: when one entity (user, server, relay, DHT peer) is online, as a sorted list of
// disjoint half-open intervals [start, end). Availability processes produce timelines up
// front, so every architecture can ask "is X up at t?" and "when is X next up after t?"
// without scheduling one event per session change.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace p2psim::messaging {

// "Never": the answer of next_up() when the entity does not come up again.
inline constexpr SimTime kNever = SimTime::max();

class Timeline {
 public:
  struct Interval {
    SimTime start, end;  // online during [start, end)
  };

  Timeline() = default;  // never online
  // Online at every time a run can ask about (an interval from -2^62 ns to kNever).
  static Timeline always_up();

  // Appends [start, end). Precondition: start >= the previous end (touching intervals are
  // merged); empty intervals are ignored.
  void add(SimTime start, SimTime end);

  bool up(SimTime t) const;
  // Earliest t' >= t at which the entity is online; kNever if it never is.
  SimTime next_up(SimTime t) const;
  // The interval containing t. Precondition: up(t).
  const Interval& interval_at(SimTime t) const;
  // Total online time within [a, b).
  SimTime online_time(SimTime a, SimTime b) const;

  const std::vector<Interval>& intervals() const { return iv_; }

 private:
  // Index of the last interval with start <= t, or -1.
  std::ptrdiff_t last_starting_by(SimTime t) const;
  std::vector<Interval> iv_;
};

// Earliest t' >= t at which `a` is online and `b_next_up(t')` == t' (b is online too).
// `b_next_up(x)` must return the earliest time >= x at which the other side is up, or kNever.
template <class NextUp>
SimTime next_common_up(const Timeline& a, NextUp b_next_up, SimTime t) {
  while (t != kNever) {
    const SimTime ta = a.next_up(t);
    if (ta == kNever) return kNever;
    const SimTime tb = b_next_up(ta);
    if (tb == ta) return ta;
    t = tb;
  }
  return kNever;
}

inline SimTime next_common_up(const Timeline& a, const Timeline& b, SimTime t) {
  return next_common_up(a, [&b](SimTime x) { return b.next_up(x); }, t);
}

// A client that polls while online: at the start of each of its online sessions and every
// `period` after that until the session ends. Returns the earliest poll time >= t at which
// the other side is up (b_next_up(p) == p), or kNever. Precondition: period > 0.
template <class NextUp>
SimTime next_poll_hit(const Timeline& user, SimTime period, NextUp b_next_up, SimTime t) {
  while (t != kNever) {
    const SimTime tu = user.next_up(t);
    if (tu == kNever) return kNever;
    const Timeline::Interval& s = user.interval_at(tu);
    const std::int64_t p = period.count_ns();
    const std::int64_t k = (tu - s.start).count_ns() / p + (((tu - s.start).count_ns() % p) != 0);
    const SimTime poll = s.start + SimTime::ns(k * p);
    if (poll >= s.end) {
      t = s.end;
      continue;
    }
    const SimTime tb = b_next_up(poll);
    if (tb == poll) return poll;
    t = tb;
  }
  return kNever;
}

}  // namespace p2psim::messaging
