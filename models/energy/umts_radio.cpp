#include "models/energy/umts_radio.hpp"

namespace p2psim::energy {

std::string validate(const UmtsParams& p) {
  if (p.dch_fach_timer < SimTime::zero() || p.fach_idle_timer < SimTime::zero() ||
      p.idle_dch_promotion < SimTime::zero() || p.fach_dch_promotion < SimTime::zero())
    return "durations must be >= 0";
  if (p.rlc_up_threshold < 0 || p.rlc_down_threshold < 0) return "RLC thresholds must be >= 0";
  if (p.dch_timer_reset_size < 0 || p.dch_timer_reset_window < SimTime::zero())
    return "dch_timer_reset_size and dch_timer_reset_window must be >= 0";
  return {};
}

UmtsRadio::UmtsRadio(Simulator& sim, const UmtsParams& p)
    : Radio(sim, "umts", {"idle", "promotion_idle_dch", "promotion_fach_dch", "dch", "fach"}), p_(p) {
  switch_to(SimTime::zero(), false, constant(kIdle, Bucket::kIdle, p_.idle_w));
}

void UmtsRadio::promote(SimTime t, bool from_fach, Cause cause) {
  switch_to(t, false,
            constant(from_fach ? kPromoFachDch : kPromoIdleDch, promotion_bucket(cause),
                     from_fach ? p_.fach_dch_promotion_w : p_.idle_dch_promotion_w));
  count_promotion();
  phase_ = Phase::kPromotion;
  set_ready_at(t + (from_fach ? p_.fach_dch_promotion : p_.idle_dch_promotion));
  arm(t + (from_fach ? p_.fach_dch_promotion : p_.idle_dch_promotion));
}

void UmtsRadio::enter_dch(SimTime t, bool by_timeout) {
  Segment s = constant(kDch, flowing() ? Bucket::kData : activity_bucket(last_cause_), p_.dch_w);
  if (!flowing()) s.bucket_timeout = tail_bucket(last_cause_);
  switch_to(t, by_timeout, s);
  if (flowing()) {
    disarm();
    phase_ = Phase::kNone;
  } else {
    phase_ = Phase::kDch;
    arm(t + p_.dch_fach_timer);
  }
}

bool UmtsRadio::rlc_exceeds(SimTime t, std::int64_t bytes, Direction dir) {
  const bool up = dir == Direction::kUp;
  Rlc& r = rlc_[up ? 0 : 1];
  const double q = static_cast<double>(r.queue);
  const double drain_ms = up ? (q * q * p_.rlc_up_p2 + q * p_.rlc_up_p1 + p_.rlc_up_p0)
                             : (q * q * p_.rlc_down_p2 + q * p_.rlc_down_p1 + p_.rlc_down_p0);
  if (!r.seen || (t - r.last).seconds() > drain_ms / 1000.0) r.queue = 0;
  r.queue += bytes;
  r.last = t;
  r.seen = true;
  return rlc_[0].queue > p_.rlc_up_threshold || rlc_[1].queue > p_.rlc_down_threshold;
}

void UmtsRadio::dch_reset_init(SimTime t, std::int64_t bytes, Direction dir) {
  const int d = dir == Direction::kUp ? 0 : 1;
  burst_[d] = DchBurst{bytes, t, true};
  burst_[1 - d] = DchBurst{};
}

bool UmtsRadio::dch_resets(SimTime t, std::int64_t bytes, Direction dir) {
  const int d = dir == Direction::kUp ? 0 : 1;
  const SimTime win = p_.dch_timer_reset_window;
  DchBurst& b = burst_[d];
  if (!b.seen || t - b.last > win) b.bytes = bytes;
  else b.bytes += bytes;
  b.last = t;
  b.seen = true;
  DchBurst& o = burst_[1 - d];
  if (!o.seen || t - o.last > win) o.bytes = 0;
  return b.bytes >= p_.dch_timer_reset_size || o.bytes >= p_.dch_timer_reset_size;
}

void UmtsRadio::on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) {
  if (flowing()) return;
  if (state_ == kDch && !dch_resets(t, bytes, dir)) return;  // the DCH timer runs on
  last_cause_ = cause;
  switch (state_) {
    case kIdle:
      promo_bytes_ = bytes;
      promo_dir_ = dir;
      promote(t, false, cause);
      break;
    case kPromoIdleDch:
    case kPromoFachDch:
      if (dir == promo_dir_) promo_bytes_ += bytes;  // sent together when the promotion ends
      break;
    case kDch: enter_dch(t, false); break;
    case kFach:
      if (!p_.fach_small_packets || rlc_exceeds(t, bytes, dir)) {
        promo_bytes_ = bytes;
        promo_dir_ = dir;
        promote(t, true, cause);
      } else {
        Segment s = constant(kFach, activity_bucket(cause), p_.fach_w);
        s.bucket_timeout = tail_bucket(cause);
        switch_to(t, false, s);
        phase_ = Phase::kFach;
        arm(t + p_.fach_idle_timer);
      }
      break;
  }
}

void UmtsRadio::on_flow(SimTime t, double up_bps, double down_bps) {
  const bool was = set_rates(up_bps, down_bps);
  if (!flowing() && !was) return;
  last_cause_ = Cause::kData;
  switch (state_) {
    case kIdle: promote(t, false, Cause::kData); break;
    case kFach: promote(t, true, Cause::kData); break;
    case kDch: enter_dch(t, false); break;
    default: break;
  }
}

void UmtsRadio::on_timer(SimTime t) {
  switch (phase_) {
    case Phase::kPromotion:
      dch_reset_init(t, promo_bytes_, promo_dir_);
      enter_dch(t, false);
      break;
    case Phase::kDch: {
      switch_to(t, true, constant(kFach, tail_bucket(last_cause_), p_.fach_w));
      rlc_[0] = Rlc{};
      rlc_[1] = Rlc{};
      phase_ = Phase::kFach;
      arm(t + p_.fach_idle_timer);
      break;
    }
    case Phase::kFach:
      switch_to(t, true, constant(kIdle, Bucket::kIdle, p_.idle_w));
      phase_ = Phase::kNone;
      break;
    case Phase::kNone: break;
  }
}

}  // namespace p2psim::energy
