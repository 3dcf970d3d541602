#include "models/energy/wifi_radio.hpp"

namespace p2psim::energy {

std::string validate(const WifiParams& p) {
  if (p.tail_time < SimTime::zero()) return "tail_time must be >= 0";
  return {};
}

WifiRadio::WifiRadio(Simulator& sim, const WifiParams& p) : Radio(sim, "wifi", {"idle", "active", "tail"}), p_(p) {
  switch_to(SimTime::zero(), false, constant(kIdle, Bucket::kIdle, p_.idle_w));
}

void WifiRadio::activity(SimTime t, Cause cause) {
  Segment s;
  if (flowing()) {
    s = constant(kActive, Bucket::kData,
                 p_.active_w + (p_.alpha_up_mw_per_mbps * up_bps_ + p_.alpha_down_mw_per_mbps * down_bps_) * 1e-9);
    switch_to(t, false, s);
    disarm();
    return;
  }
  s = constant(kActive, activity_bucket(cause), p_.active_w);
  s.state_timeout = kTail;
  s.bucket_timeout = tail_bucket(cause);
  switch_to(t, false, s);
  arm(t + p_.tail_time);
}

void WifiRadio::on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) {
  const double alpha = dir == Direction::kUp ? p_.alpha_up_mw_per_mbps : p_.alpha_down_mw_per_mbps;
  add_energy(activity_bucket(cause), alpha * static_cast<double>(bytes) * 8e-6 * 1e-3);
  if (flowing()) return;
  activity(t, cause);
}

void WifiRadio::on_flow(SimTime t, double up_bps, double down_bps) {
  const bool was = set_rates(up_bps, down_bps);
  if (!flowing() && !was) return;
  activity(t, Cause::kData);
}

void WifiRadio::on_timer(SimTime t) { switch_to(t, true, constant(kIdle, Bucket::kIdle, p_.idle_w)); }

WiredRadio::WiredRadio(Simulator& sim) : Radio(sim, "wired", {"wired"}) {}

}  // namespace p2psim::energy
