// WifiRadio: an 802.11 interface in power-save mode (PSM), after AT&T ARO's Wi-Fi
// profile, with a per-Mbps data term from Huang et al. (MobiSys 2012).
//
//   standby (PSM, idle_w) --packet--> active (active_w + alpha_up*U + alpha_down*D while a
//   flow runs; active_w otherwise) --tail_time without traffic--> standby.
// The time after the last packet is "active" if another packet follows within
// tail_time and "tail" if the timer expires. No promotion delay (ARO has none for Wi-Fi).
#pragma once

#include "models/energy/radio.hpp"

namespace p2psim::energy {

struct WifiParams {
  SimTime tail_time = SimTime::ms(250);   // ARO WiFi.conf WIFI_TAIL_TIME 0.25 s
  double active_w = 0.403;                // ARO POWER_WIFI_ACTIVE (also charged in the tail)
  double idle_w = 0.02;                   // ARO POWER_WIFI_STANDBY
  double alpha_up_mw_per_mbps = 283.17;   // Huang et al. 2012, Table 3 (Wi-Fi)
  double alpha_down_mw_per_mbps = 137.01; // Huang et al. 2012, Table 3 (Wi-Fi)
};

std::string validate(const WifiParams& p);

class WifiRadio final : public Radio {
 public:
  enum State : int { kIdle, kActive, kTail };
  WifiRadio(Simulator& sim, const WifiParams& p);

  void on_packet(SimTime t, std::int64_t bytes, Direction dir, Cause cause) override;
  void on_flow(SimTime t, double up_bps, double down_bps) override;

 private:
  void on_timer(SimTime t) override;
  void activity(SimTime t, Cause cause);

  WifiParams p_;
};

// WiredRadio: a wired host; its network interface costs nothing in this model.
class WiredRadio final : public Radio {
 public:
  explicit WiredRadio(Simulator& sim);
  void on_packet(SimTime, std::int64_t, Direction, Cause) override {}
  void on_flow(SimTime, double, double) override {}

 private:
  void on_timer(SimTime) override {}
};

}  // namespace p2psim::energy
