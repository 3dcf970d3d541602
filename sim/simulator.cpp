#include "sim/simulator.hpp"

namespace p2psim {

void Simulator::run_until(SimTime until) {
  stopped_ = false;
  const std::uint64_t limit = static_cast<std::uint64_t>(until.count_ns());
  EventQueue::Entry e;
  while (!stopped_ && queue_.pop_until(limit, e)) {
    now_ = SimTime::ns(static_cast<std::int64_t>(e.time));
    ++executed_;
    e.call(e.storage, true);
  }
  if (!stopped_ && until != SimTime::max() && until > now_) now_ = until;
}

}  // namespace p2psim
