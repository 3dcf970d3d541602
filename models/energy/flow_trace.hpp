// FlowTrace: replays a step function of a host's wire rates (and coded-stream counts) as
// Simulator events into its HostEnergy. This is how flow-level models feed the battery
// model: the group-call model's per-participant rate trace (media::ParticipantResult::
// trace: {t, uplink_bps, downlink_bps}) maps one-to-one onto RateChange.
#pragma once

#include <vector>

#include "models/energy/host_energy.hpp"

namespace p2psim::energy {

struct RateChange {
  SimTime t;                 // from t on (until the next change)
  double up_bps = 0;         // wire bit/s sent by the host
  double down_bps = 0;       // wire bit/s received by the host
  double encoded = -1;       // streams encoded from t on (may be a time mean); < 0 = unchanged
  double decoded = -1;       // streams decoded from t on; < 0 = unchanged
  double cores = -1;         // physical cores busy coding media from t on; < 0 = unchanged
};

class FlowTrace {
 public:
  // Precondition: changes sorted by t, every t >= sim.now() when start() is called.
  FlowTrace(Simulator& sim, HostEnergy& host, std::vector<RateChange> changes);
  FlowTrace(const FlowTrace&) = delete;
  FlowTrace& operator=(const FlowTrace&) = delete;

  void start();  // schedules one event per change
  const std::vector<RateChange>& changes() const { return changes_; }

 private:
  void apply(std::size_t i);

  Simulator& sim_;
  HostEnergy& host_;
  std::vector<RateChange> changes_;
  double encoded_ = 0, decoded_ = 0;
};

}  // namespace p2psim::energy
