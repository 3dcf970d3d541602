#include "models/messaging/radio_reachability.hpp"

#include "models/energy/host_energy.hpp"
#include "sim/simulator.hpp"

namespace p2psim::messaging {

double RadioReachabilityEnergy::joules(SimTime online, const ReachabilityProfile& profile) const {
  if (online <= SimTime::zero()) return 0.0;
  Simulator sim;
  energy::HostEnergy host(energy::make_radio(sim, spec_));
  energy::ExchangeSpec ex = energy::default_exchange(profile.cause);
  ex.interval = profile.wakeup_interval;
  ex.jitter = 0.0;
  ex.only_if_idle = false;  // the device has no other traffic to suppress it
  ex.request_bytes = profile.request_bytes;
  ex.response_bytes = profile.response_bytes;
  energy::PeriodicExchange exchange(sim, host, ex, Rng(1));
  exchange.start();
  sim.run_until(online);
  host.finish(online);
  return host.report().keepalive_j();
}

}  // namespace p2psim::messaging
