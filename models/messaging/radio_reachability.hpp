// RadioReachabilityEnergy: prices a ReachabilityProfile with a radio model of
// models/energy/: it simulates `online` time of one device whose only traffic is the
// profile's periodic exchange (energy::PeriodicExchange on energy::HostEnergy) and returns
// the energy charged to the exchange's keepalive bucket (the promotions and tails it
// causes, HostReport::keepalive_j).
#pragma once

#include "models/energy/radio_factory.hpp"
#include "models/messaging/reachability.hpp"

namespace p2psim::messaging {

class RadioReachabilityEnergy final : public ReachabilityEnergyModel {
 public:
  // Precondition: the spec validates (energy::make_radio's precondition).
  explicit RadioReachabilityEnergy(energy::RadioSpec spec) : spec_(std::move(spec)) {}
  double joules(SimTime online, const ReachabilityProfile& profile) const override;

 private:
  energy::RadioSpec spec_;
};

}  // namespace p2psim::messaging
