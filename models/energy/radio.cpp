#include "models/energy/radio.hpp"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace p2psim::energy {

std::string_view cause_name(Cause c) {
  switch (c) {
    case Cause::kData: return "data";
    case Cause::kNatKeepalive: return "nat_keepalive";
    case Cause::kIceConsent: return "ice_consent";
    case Cause::kTurnRefresh: return "turn_refresh";
    case Cause::kHeartbeat: return "heartbeat";
  }
  return "?";
}

std::string_view bucket_name(Bucket b) {
  switch (b) {
    case Bucket::kData: return "data";
    case Bucket::kPromotion: return "promotion";
    case Bucket::kTail: return "tail";
    case Bucket::kIdle: return "idle";
    case Bucket::kNatKeepalive: return "nat_keepalive";
    case Bucket::kIceConsent: return "ice_consent";
    case Bucket::kTurnRefresh: return "turn_refresh";
    case Bucket::kHeartbeat: return "heartbeat";
  }
  return "?";
}

double periodic_energy_j(SimTime length, SimTime period, SimTime on, double on_w, double base_w) {
  if (period <= SimTime::zero()) return length.seconds() * base_w;
  const std::int64_t p = period.count_ns();
  const std::int64_t o = std::min(on.count_ns(), p);
  const std::int64_t x = length.count_ns();
  const std::int64_t cycles = x / p;
  const std::int64_t rem = x % p;
  const double per_cycle = static_cast<double>(o) * 1e-9 * on_w + static_cast<double>(p - o) * 1e-9 * base_w;
  const std::int64_t rem_on = std::min(rem, o);
  return static_cast<double>(cycles) * per_cycle + static_cast<double>(rem_on) * 1e-9 * on_w +
         static_cast<double>(rem - rem_on) * 1e-9 * base_w;
}

Radio::Radio(Simulator& sim, std::string kind, std::vector<std::string> state_names)
    : sim_(sim), kind_(std::move(kind)), state_names_(std::move(state_names)),
      state_time_(state_names_.size(), SimTime::zero()) {}

Radio::~Radio() { disarm(); }

Radio::Segment Radio::constant(int state, Bucket b, double watts) {
  Segment s;
  s.state_active = s.state_timeout = state;
  s.bucket_active = s.bucket_timeout = b;
  s.base_w = watts;
  return s;
}

Radio::Segment Radio::periodic(int state, Bucket b, double base_w, SimTime period, SimTime on, double on_w) {
  Segment s = constant(state, b, base_w);
  s.period = period;
  s.on = on;
  s.on_w = on_w;
  return s;
}

double Radio::segment_energy(const Segment& s, SimTime length) {
  return periodic_energy_j(length, s.period, s.on, s.on_w, s.base_w);
}

void Radio::switch_to(SimTime t, bool by_timeout, const Segment& next) {
  assert(t >= seg_start_);
  const SimTime len = t - seg_start_;
  const int st = by_timeout ? seg_.state_timeout : seg_.state_active;
  const Bucket b = by_timeout ? seg_.bucket_timeout : seg_.bucket_active;
  add_energy(b, segment_energy(seg_, len));
  state_time_[static_cast<std::size_t>(st)] += len;
  seg_ = next;
  seg_start_ = t;
  state_ = next.state_active;
}

void Radio::finish(SimTime t) {
  if (finished_) return;
  disarm();
  // The open segment is charged as if its timer had expired (nothing followed it).
  switch_to(t, true, seg_);
  finished_ = true;
}

double Radio::energy_j() const { return std::accumulate(buckets_.begin(), buckets_.end(), 0.0); }

void Radio::arm(SimTime at) {
  disarm();
  timer_ = sim_.schedule_at(at, [this] { timer_fired(); });
}

void Radio::disarm() {
  if (timer_) sim_.cancel(timer_);
  timer_ = EventId{};
}

void Radio::timer_fired() {
  timer_ = EventId{};
  on_timer(sim_.now());
}

Bucket Radio::activity_bucket(Cause c) {
  return c == Cause::kData ? Bucket::kData
                           : static_cast<Bucket>(static_cast<int>(Bucket::kNatKeepalive) + static_cast<int>(c) - 1);
}
Bucket Radio::promotion_bucket(Cause c) { return c == Cause::kData ? Bucket::kPromotion : activity_bucket(c); }
Bucket Radio::tail_bucket(Cause c) { return c == Cause::kData ? Bucket::kTail : activity_bucket(c); }

bool Radio::set_rates(double up_bps, double down_bps) {
  const bool was = flowing();
  up_bps_ = std::max(0.0, up_bps);
  down_bps_ = std::max(0.0, down_bps);
  return was;
}

}  // namespace p2psim::energy
