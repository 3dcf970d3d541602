// The state of one replication of the capacity model (models/capacity/capacity_model.hpp):
// the population, arrivals, calls in progress, fleets and measurements, and the events
// that change them. Internal to models/capacity (capacity_model.cpp, capacity_failover.cpp);
// use run_capacity().
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "models/capacity/capacity_model.hpp"
#include "models/capacity/fleet.hpp"
#include "sim/random.hpp"
#include "sim/simulator.hpp"
#include "sim/stats.hpp"

namespace p2psim::capacity::detail {

struct User {
  std::int32_t region = 0;
  std::int32_t access = 0;
  NatBehaviour nat;
};

struct Hold {
  std::int32_t server = 0;
  bool sfu = false;
  std::int32_t region = 0;  // the region the reservation was made for (re-placement)
  Demand d;
};

struct ActiveCall {
  std::vector<Hold> holds;
  std::vector<Hold> pending;  // legs waiting for an ICE restart after a failure
  bool live = false;
  std::uint32_t gen = 0;      // bumped when the call ends, so stale events are ignored
};

// A relayed leg: the TURN allocation's owner and the egress it needs per unit of cap.
struct Leg {
  std::int32_t owner = 0;  // user index
  std::int32_t a = 0, b = 0;  // participant positions (b = -1: the SFU)
};

class Run {
 public:
  Run(const CapacitySpec& spec, const Connectivity& conn, std::uint64_t seed, CapacityObserver* extra)
      : spec_(spec),
        conn_(conn),
        extra_(extra),
        relays_(spec.relays, spec.network),
        sfus_(spec.sfus, spec.network),
        call_rng_(Rng::stream(seed, "capacity/calls")),
        ice_rng_(Rng::stream(seed, "capacity/connectivity")) {
    build_population(seed);
    build_arrivals(seed);
  }

  CapacityResult run();

 private:
  void build_population(std::uint64_t seed);
  void build_arrivals(std::uint64_t seed);
  double rate(int region, SimTime t) const;
  void schedule_next_candidate(int region);
  void arrival_candidate(int region);
  void new_call();
  void end_call(std::uint32_t idx);
  void sample();
  void end_warmup();
  bool try_place(ActiveCall& call, double cap, CallOutcome& reason);
  void rollback(ActiveCall& call);
  double stream_rate(int pos, double cap) const;
  double packet_rate(double rate) const;
  Demand relay_demand(double payload_bps, double pps) const;
  void hour_tick();
  void fail(std::size_t f);
  void recover(std::size_t f);
  void restart(std::uint32_t idx, std::uint32_t gen);
  void drop(std::uint32_t idx);
  double survivor_load() const;
  bool in_outage() const { return outages_ > 0; }

  const CapacitySpec& spec_;
  const Connectivity& conn_;
  CapacityObserver* extra_;
  Simulator sim_;
  Fleet relays_, sfus_;
  Rng call_rng_, ice_rng_;
  std::vector<User> users_;
  std::vector<std::vector<std::int32_t>> region_users_;
  std::vector<double> access_uplink_;
  std::vector<SimTime> nearest_relay_rtt_;  // per region
  // Arrival processes (thinning of a piecewise-constant rate, per region).
  std::vector<Rng> arrival_rng_;
  std::vector<double> base_rate_, max_rate_;
  std::array<double, 24> shape_{};  // hourly weights normalised to mean 1
  std::vector<double> cum_group_, cum_media_;
  double log_median_ = 0;  // mu of the lognormal duration
  int arriving_region_ = 0;
  // Calls in progress.
  std::vector<ActiveCall> calls_;
  std::vector<std::uint32_t> free_;
  std::int64_t active_ = 0;
  // Scratch of the call being placed.
  std::vector<std::int32_t> parts_;
  std::vector<Leg> relayed_;
  std::vector<double> leg_rtt_s_, leg_detour_s_;  // per placed relayed leg of this call
  int sfu_region_ = 0;
  Tally relay_rtt_, relay_detour_;
  double bitrate_ = 0, media_pps_ = 0, dur_s_ = 0;
  bool sfu_call_ = false;
  // Failures and hourly records.
  int outages_ = 0;
  std::vector<Fleet::Integrals> last_integrals_;
  SimTime last_hour_;
  // Measurement.
  bool measuring_ = false;
  CapacityResult res_;
  std::vector<double> batch_offered_, batch_blocked_;
  Samples setup_s_, sess_samples_, bw_samples_, sfu_samples_;
  SeriesData s_sessions_{"relay_sessions", "allocations", {}, {}};
  SeriesData s_bw_{"relay_bandwidth", "bps", {}, {}};
  SeriesData s_sfu_{"sfu_bandwidth", "bps", {}, {}};
  SeriesData s_active_{"calls_active", "calls", {}, {}};
};

}  // namespace p2psim::capacity::detail
