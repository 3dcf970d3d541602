#include "models/energy/lte_radio.hpp"

namespace p2psim::energy {

std::string validate(const LteParams& p) {
  if (p.promotion_time < SimTime::zero() || p.inactivity_timer < SimTime::zero() ||
      p.short_drx_time < SimTime::zero())
    return "durations must be >= 0";
  if (p.inactivity_timer + p.short_drx_time > p.tail_time)
    return "inactivity_timer + short_drx_time must not exceed tail_time";
  if (p.short_drx_cycle <= SimTime::zero() || p.long_drx_cycle <= SimTime::zero() ||
      p.idle_paging_cycle <= SimTime::zero())
    return "DRX and paging cycles must be > 0";
  if (p.drx_on_duration > p.short_drx_cycle || p.drx_on_duration > p.long_drx_cycle)
    return "drx_on_duration must not exceed the DRX cycles";
  if (p.idle_paging_on > p.idle_paging_cycle) return "idle_paging_on must not exceed idle_paging_cycle";
  return {};
}

double LteRadio::data_power_w(const LteParams& p, double up_bps, double down_bps) {
  return (p.alpha_up_mw_per_mbps * up_bps * 1e-6 + p.alpha_down_mw_per_mbps * down_bps * 1e-6 + p.beta_mw) * 1e-3;
}

LteRadio::LteRadio(Simulator& sim, const LteParams& p, std::string kind)
    : Radio(sim, std::move(kind), {"idle", "promotion", "continuous_reception", "short_drx", "long_drx"}), p_(p) {
  switch_to(SimTime::zero(), false, idle_segment());
}

Radio::Segment LteRadio::idle_segment() const {
  return periodic(kIdle, Bucket::kIdle, p_.idle_base_w, p_.idle_paging_cycle, p_.idle_paging_on, p_.idle_paging_w);
}

void LteRadio::start_promotion(SimTime t, Cause cause) {
  switch_to(t, false, constant(kPromotion, promotion_bucket(cause), p_.promotion_w));
  count_promotion();
  phase_ = Phase::kPromotion;
  set_ready_at(t + p_.promotion_time);
  arm(t + p_.promotion_time);
}

void LteRadio::enter_continuous(SimTime t, bool by_timeout) {
  Segment s;
  if (flowing()) {
    s = constant(kContinuous, Bucket::kData, data_power_w(p_, up_bps_, down_bps_));
  } else {
    s = constant(kContinuous, activity_bucket(last_cause_), p_.beta_mw * 1e-3);
    s.bucket_timeout = tail_bucket(last_cause_);
  }
  switch_to(t, by_timeout, s);
  last_activity_ = t;
  if (flowing()) {
    disarm();
    phase_ = Phase::kNone;
  } else {
    phase_ = Phase::kInactivity;
    arm(t + p_.inactivity_timer);
  }
}

void LteRadio::on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) {
  const double alpha = dir == Direction::kUp ? p_.alpha_up_mw_per_mbps : p_.alpha_down_mw_per_mbps;
  // mW/Mbps x Mbit = mJ.
  add_energy(activity_bucket(cause), alpha * static_cast<double>(bytes) * 8e-6 * 1e-3);
  if (flowing()) return;  // continuous reception at data power already; a flow owns the state
  last_cause_ = cause;
  switch (state_) {
    case kIdle: start_promotion(t, cause); break;
    case kPromotion: break;
    default: enter_continuous(t, false); break;
  }
}

void LteRadio::on_flow(SimTime t, double up_bps, double down_bps) {
  const bool was = set_rates(up_bps, down_bps);
  if (!flowing() && !was) return;
  last_cause_ = Cause::kData;
  switch (state_) {
    case kIdle: start_promotion(t, Cause::kData); break;
    case kPromotion: break;  // the promotion ends in continuous reception at the then-current rates
    default: enter_continuous(t, false); break;
  }
}

void LteRadio::on_timer(SimTime t) {
  switch (phase_) {
    case Phase::kPromotion:
      enter_continuous(t, false);
      break;
    case Phase::kInactivity: {
      Segment s = periodic(kShortDrx, tail_bucket(last_cause_), p_.tail_base_w, p_.short_drx_cycle,
                           p_.drx_on_duration, p_.drx_on_w);
      switch_to(t, true, s);
      phase_ = Phase::kShortDrx;
      arm(last_activity_ + p_.inactivity_timer + p_.short_drx_time);
      break;
    }
    case Phase::kShortDrx: {
      Segment s = periodic(kLongDrx, tail_bucket(last_cause_), p_.tail_base_w, p_.long_drx_cycle,
                           p_.drx_on_duration, p_.drx_on_w);
      switch_to(t, true, s);
      phase_ = Phase::kTail;
      arm(last_activity_ + p_.tail_time);
      break;
    }
    case Phase::kTail:
      switch_to(t, true, idle_segment());
      phase_ = Phase::kNone;
      break;
    case Phase::kNone: break;
  }
}

}  // namespace p2psim::energy
