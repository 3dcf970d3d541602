#include "models/energy/flow_trace.hpp"

namespace p2psim::energy {

FlowTrace::FlowTrace(Simulator& sim, HostEnergy& host, std::vector<RateChange> changes)
    : sim_(sim), host_(host), changes_(std::move(changes)) {}

void FlowTrace::start() {
  for (std::size_t i = 0; i < changes_.size(); ++i) sim_.schedule_at(changes_[i].t, [this, i] { apply(i); });
}

void FlowTrace::apply(std::size_t i) {
  const RateChange& c = changes_[i];
  host_.on_flow(sim_.now(), c.up_bps, c.down_bps);
  if (c.encoded >= 0 || c.decoded >= 0) {
    if (c.encoded >= 0) encoded_ = c.encoded;
    if (c.decoded >= 0) decoded_ = c.decoded;
    host_.set_streams(sim_.now(), encoded_, decoded_);
  }
  if (c.cores >= 0) host_.set_cores(sim_.now(), c.cores);
}

}  // namespace p2psim::energy
