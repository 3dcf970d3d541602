// LteRadio: the LTE RRC/DRX power model of Huang et al. (MobiSys 2012) as configured in
// AT&T ARO's LTE profile. Also used for 5G NR (the same RRC_IDLE / RRC_CONNECTED + DRX
// structure) with the presets of nr_presets.hpp or user-supplied parameters, see
// docs/models/energy.md.
//
//   RRC_IDLE (paging on-duration every idle_paging_cycle)
//     --packet--> promotion (promotion_time at promotion_w)
//     --> continuous reception: P = alpha_up*U + alpha_down*D + beta while data flows;
//         beta for inactivity_timer after the last packet
//     --> short DRX for short_drx_time (on-duration every short_drx_cycle)
//     --> long DRX (on-duration every long_drx_cycle) until tail_time after the last packet
//     --> RRC_IDLE.
// DRX and paging states draw on_w during the on-duration at the start of each cycle and
// the base power (tail_base_w / idle_base_w) for the rest of it.
// Packets are instantaneous: each adds alpha * bits of transfer energy (the linear model
// integrated over its transmission) and restarts continuous reception at its time.
// A packet in RRC_IDLE (either direction; paging delay not modelled) starts a promotion;
// packets during a promotion are sent when it completes.
#pragma once

#include "models/energy/radio.hpp"

namespace p2psim::energy {

struct LteParams {
  SimTime promotion_time = SimTime::ms(260);     // Tpro, ARO lte.conf T_PROMOTION 0.26 s
  double promotion_w = 1.21;                     // ARO P_PROMOTION (Huang: 1210.7 mW)
  SimTime inactivity_timer = SimTime::ms(100);   // Ti, ARO INACTIVITY_TIMER 0.1 s
  SimTime short_drx_time = SimTime::ms(20);      // ARO T_SHORT_DRX 0.02 s
  SimTime tail_time = SimTime::us(11'576'000);   // Ttail from last packet to RRC_IDLE, Huang 11.576 s
  SimTime short_drx_cycle = SimTime::ms(20);     // ARO T_SHORT_DRX_PING_PERIOD
  SimTime long_drx_cycle = SimTime::ms(40);      // ARO T_LONG_DRX_PING_PERIOD
  SimTime drx_on_duration = SimTime::ms(2);      // ARO T_DRX_PING 0.002 s
  double drx_on_w = 1.68;                        // ARO P_SHORT/LONG_DRX_PING (Huang 1680.2 mW)
  double tail_base_w = 1.06;                     // ARO P_TAIL (Huang tail base 1060.0 mW)
  SimTime idle_paging_cycle = SimTime::ms(1280); // ARO T_IDLE_PING_PERIOD
  SimTime idle_paging_on = SimTime::ms(43);      // ARO T_IDLE_PING
  double idle_paging_w = 0.594;                  // ARO P_IDLE_PING (Huang 594.3 mW)
  double idle_base_w = 0.0;                      // ARO P_IDLE
  double alpha_up_mw_per_mbps = 438.39;          // Huang Table 3 / ARO LTE_ALPHA_UP
  double alpha_down_mw_per_mbps = 51.97;         // Huang Table 3 / ARO LTE_ALPHA_DOWN
  double beta_mw = 1288.04;                      // Huang Table 3 (ARO LTE_BETA rounds to 1.2 W)
};

// Returns an empty string if the parameters are consistent, else what is wrong.
std::string validate(const LteParams& p);

class LteRadio final : public Radio {
 public:
  enum State : int { kIdle, kPromotion, kContinuous, kShortDrx, kLongDrx };
  // Precondition: validate(p) is empty. `kind` names the radio in reports ("lte", "nr").
  LteRadio(Simulator& sim, const LteParams& p, std::string kind = "lte");

  void on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) override;
  void on_flow(SimTime t, double up_bps, double down_bps) override;
  const LteParams& params() const { return p_; }

  // Power (W) in continuous reception at the given rates: alpha_u*U + alpha_d*D + beta.
  static double data_power_w(const LteParams& p, double up_bps, double down_bps);

 private:
  enum class Phase { kNone, kPromotion, kInactivity, kShortDrx, kTail };
  void on_timer(SimTime t) override;
  void start_promotion(SimTime t, Cause cause);
  void enter_continuous(SimTime t, bool by_timeout);
  Segment idle_segment() const;

  LteParams p_;
  Phase phase_ = Phase::kNone;
  Cause last_cause_ = Cause::kData;
  SimTime last_activity_ = SimTime::zero();
};

}  // namespace p2psim::energy
