// Test rig shared by the radio energy tests: one HostEnergy on its own simulator, fed
// packets and flows at chosen times, and readers of its report.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <memory>
#include <string>

#include "models/energy/exchange.hpp"
#include "models/energy/host_energy.hpp"
#include "models/energy/radio_factory.hpp"

namespace p2psim::energy::test {

struct Rig {
  Simulator sim;
  std::unique_ptr<HostEnergy> host;
  explicit Rig(const RadioSpec& spec) { host = std::make_unique<HostEnergy>(make_radio(sim, spec)); }
  void packet(SimTime t, std::int64_t bytes, Direction d, Cause c) {
    sim.schedule_at(t, [this, bytes, d, c] { host->on_packet(sim.now(), bytes, d, c); });
  }
  void flow(SimTime t, double up, double down) {
    sim.schedule_at(t, [this, up, down] { host->on_flow(sim.now(), up, down); });
  }
  HostReport run(SimTime end) {
    sim.run_until(end);
    host->finish(end);
    return host->report();
  }
};

inline double bucket(const HostReport& r, Bucket b) { return r.bucket_j[static_cast<std::size_t>(b)]; }

inline double state_s(const HostReport& r, const std::string& name) {
  for (const auto& [n, s] : r.state_time_s)
    if (n == name) return s;
  FAIL("no state " << name);
  return 0;
}

}  // namespace p2psim::energy::test
