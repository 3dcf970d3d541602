#include "models/net/queued_link.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace p2psim::net {

QueuedLink::QueuedLink(Simulator& sim, const QueuedLinkSpec& spec, Rng rng, std::uint32_t id, LinkSink* sink)
    : sim_(&sim), spec_(spec), rng_(rng), loss_(spec.loss, Rng(rng.next_u64())), id_(id), sink_(sink) {
  unlimited_ = spec_.schedule.empty() && spec_.capacity_bps <= 0;
  if (spec_.schedule.empty() && !unlimited_) spec_.schedule.push_back({SimTime::zero(), spec_.capacity_bps});
}

double QueuedLink::capacity_at(SimTime t) const {
  if (unlimited_) return std::numeric_limits<double>::infinity();
  auto it = std::upper_bound(spec_.schedule.begin(), spec_.schedule.end(), t,
                             [](SimTime x, const CapacityStep& s) { return x < s.t; });
  if (it == spec_.schedule.begin()) return spec_.schedule.front().bps;
  return std::prev(it)->bps;
}

SimTime QueuedLink::finish_time(SimTime start, std::int64_t bytes) {
  const auto& s = spec_.schedule;
  while (step_ + 1 < s.size() && s[step_ + 1].t <= start) ++step_;
  double bits = 8.0 * static_cast<double>(bytes);
  SimTime t = start;
  for (std::size_t k = step_;; ++k) {
    const double rate = s[k].bps;
    if (k + 1 >= s.size()) return t + SimTime::from_seconds(bits / rate);
    const double span = (s[k + 1].t - t).seconds();
    if (rate > 0 && rate * span >= bits) return t + SimTime::from_seconds(bits / rate);
    bits -= rate * span;
    t = s[k + 1].t;
  }
}

std::int64_t QueuedLink::backlog_bytes() {
  const SimTime now = sim_->now();
  while (!queue_.empty() && queue_.front().finish <= now) {
    queued_bytes_ -= queue_.front().bytes;
    queue_.pop_front();
  }
  return queued_bytes_;
}

SimTime QueuedLink::queue_delay() const {
  const SimTime now = sim_->now();
  return busy_until_ > now ? busy_until_ - now : SimTime::zero();
}

bool QueuedLink::send(std::uint32_t token, std::int64_t bytes) {
  const SimTime now = sim_->now();
  SimTime done = now;
  if (!unlimited_) {
    const SimTime wait = queue_delay();
    const std::int64_t backlog = backlog_bytes();
    const bool full = (spec_.queue_bytes > 0 && backlog + bytes > spec_.queue_bytes) ||
                      (spec_.queue_time > SimTime::zero() && wait > spec_.queue_time);
    if (full) {
      ++dropped_queue_;
      for (LinkObserver* o : observers_) o->on_drop(id_, bytes, LinkDrop::kQueueFull, now);
      return false;
    }
    for (LinkObserver* o : observers_) o->on_enqueue(id_, bytes, wait, now);
    done = finish_time(std::max(now, busy_until_), bytes);
    busy_until_ = done;
    queue_.push_back({done, bytes});
    queued_bytes_ += bytes;
  } else {
    for (LinkObserver* o : observers_) o->on_enqueue(id_, bytes, SimTime::zero(), now);
  }
  if (loss_.lose()) {
    ++dropped_loss_;
    for (LinkObserver* o : observers_) o->on_drop(id_, bytes, LinkDrop::kRandomLoss, done);
    sink_->on_link_loss(id_, token);
    return true;
  }
  SimTime at = done + spec_.propagation;
  if (spec_.jitter > SimTime::zero())
    at += SimTime::ns(static_cast<std::int64_t>(rng_.below(static_cast<std::uint64_t>(spec_.jitter.count_ns()))));
  at = std::max(at, last_arrival_);
  last_arrival_ = at;
  sim_->schedule_at(at, [this, token] { arrive(token); });
  return true;
}

void QueuedLink::arrive(std::uint32_t token) {
  ++delivered_;
  sink_->on_link_arrival(id_, token);
}

}  // namespace p2psim::net
