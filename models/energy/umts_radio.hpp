// UmtsRadio: the 3G UMTS RRC state machine (IDLE / CELL_FACH / CELL_DCH) of Qian et al.
// (IMC 2010), with AT&T ARO's Samsung i997 profile as defaults.
//
//   IDLE --any packet--> promotion IDLE->DCH (idle_dch_promotion at idle_dch_promotion_w)
//   DCH  --dch_fach_timer without traffic--> FACH --fach_idle_timer without traffic--> IDLE
//   FACH --packet--> served in FACH if the RLC buffer of its direction stays at or below
//        the threshold (rlc_up/down_threshold bytes); otherwise promotion FACH->DCH.
// The RLC buffer model is ARO's: a direction's buffer empties if the gap since its last
// packet exceeds the drain time (p2*q^2 + p1*q + p0) ms for q buffered bytes.
// In DCH, a burst smaller than dch_timer_reset_size does not restart the DCH timer
// (ARO's DchDemotionQueue): a lone small keepalive does not prolong a DCH tail.
// Power is flat per state (no per-Mbps term in the ARO 3G profile).
#pragma once

#include "models/energy/radio.hpp"

namespace p2psim::energy {

struct UmtsParams {
  SimTime dch_fach_timer = SimTime::s(4);          // ARO i997 DCH_FACH_TIMER
  SimTime fach_idle_timer = SimTime::s(10);        // ARO i997 FACH_IDLE_TIMER
  SimTime idle_dch_promotion = SimTime::s(2);      // ARO IDLE_DCH_PROMO_AVG 2.0 s
  SimTime fach_dch_promotion = SimTime::ms(1500);  // ARO FACH_DCH_PROMO_AVG 1.5 s
  double idle_dch_promotion_w = 0.65;              // ARO i997 POWER_IDLE_DCH
  double fach_dch_promotion_w = 0.80;              // ARO i997 POWER_FACH_DCH
  double dch_w = 1.30;                             // ARO i997 POWER_DCH
  double fach_w = 0.30;                            // ARO i997 POWER_FACH
  double idle_w = 0.0;                             // ARO i997 POWER_IDLE
  bool fach_small_packets = true;                  // serve small packets in FACH
  std::int64_t rlc_up_threshold = 543;             // bytes, ARO RLC_UL_TH (Qian et al.)
  std::int64_t rlc_down_threshold = 475;           // bytes, ARO RLC_DL_TH
  double rlc_up_p2 = 0.0014, rlc_up_p1 = 1.6, rlc_up_p0 = 20.0;     // ARO RLC_UL_RATE_P2/P1/P0 (ms)
  double rlc_down_p2 = 0.0, rlc_down_p1 = 0.1, rlc_down_p0 = 10.0;  // ARO RLC_DL_RATE_P2/P1/P0 (ms)
  // In DCH, traffic restarts the DCH inactivity timer only once a direction has carried
  // at least dch_timer_reset_size bytes in packets less than dch_timer_reset_window apart
  // (ARO DCH_TIMER_RESET_SIZE 320 B, DCH_TIMER_RESET_WIN 0.3 s). 0 B: every packet resets.
  std::int64_t dch_timer_reset_size = 320;
  SimTime dch_timer_reset_window = SimTime::ms(300);
};

std::string validate(const UmtsParams& p);

class UmtsRadio final : public Radio {
 public:
  enum State : int { kIdle, kPromoIdleDch, kPromoFachDch, kDch, kFach };
  UmtsRadio(Simulator& sim, const UmtsParams& p);

  void on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) override;
  void on_flow(SimTime t, double up_bps, double down_bps) override;
  const UmtsParams& params() const { return p_; }

 private:
  enum class Phase { kNone, kPromotion, kDch, kFach };
  void on_timer(SimTime t) override;
  void promote(SimTime t, bool from_fach, Cause cause);
  void enter_dch(SimTime t, bool by_timeout);
  // Adds the packet to the RLC buffer model; true if it exceeds the threshold.
  bool rlc_exceeds(SimTime t, std::int64_t bytes, Direction dir);
  // Adds a DCH packet to the timer-reset model; true if it restarts the DCH timer.
  bool dch_resets(SimTime t, std::int64_t bytes, Direction dir);
  void dch_reset_init(SimTime t, std::int64_t bytes, Direction dir);

  UmtsParams p_;
  Phase phase_ = Phase::kNone;
  Cause last_cause_ = Cause::kData;
  struct Rlc {
    std::int64_t queue = 0;
    SimTime last = SimTime::zero();
    bool seen = false;
  } rlc_[2];
  struct DchBurst {
    std::int64_t bytes = 0;
    SimTime last = SimTime::zero();
    bool seen = false;
  } burst_[2];
  // The packet that triggered the promotion in progress (it initialises burst_).
  std::int64_t promo_bytes_ = 0;
  Direction promo_dir_ = Direction::kUp;
};

}  // namespace p2psim::energy
