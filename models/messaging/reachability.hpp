// Reachability cost: what a user's device does to stay reachable while online under an
// architecture (keepalives on a NAT binding, a long-poll to a home server, polling a DHT).
//
// EXTENSION POINT for battery cost. Radio energy models (LTE/3G/WiFi tails, branch
// `energy`) are not in main yet; when they are, implement ReachabilityEnergyModel with
// them and pass it to run_messaging(): the result then carries energy_j_per_user_day.
// Until then the study reports the wake-up rate only (wakeups_per_online_hour).
#pragma once

#include <cstdint>

#include "sim/time.hpp"

namespace p2psim::messaging {

struct ReachabilityProfile {
  SimTime wakeup_interval = SimTime::s(30);  // one radio wake-up per interval while online
  std::int64_t bytes_per_wakeup = 100;       // bytes exchanged per wake-up (both directions)
};

class ReachabilityEnergyModel {
 public:
  virtual ~ReachabilityEnergyModel() = default;
  // Joules a device spends staying reachable for `online` time with `profile`
  // (excluding the energy of the messages themselves).
  virtual double joules(SimTime online, const ReachabilityProfile& profile) const = 0;
};

}  // namespace p2psim::messaging
