// CapacityModel: a user population placing calls over hours, at flow level.
//
// Each call is one arrival event and one departure event; its media are constant-rate
// flows reserved on the relay and SFU servers for the call's duration (no packets).
// Per call: group size, media profile, duration and participants are drawn; a call of
// at most `mesh_max` participants (or any call when there is no SFU fleet) is a mesh:
// Connectivity is asked for every pair, and every relayed pair takes one TURN allocation
// carrying both directions. A larger call goes through an SFU (placed near the caller);
// Connectivity is asked for each participant towards the (public) SFU, and a relayed
// participant takes a TURN allocation carrying its uplink and its downlink.
// If any pair fails to connect the call fails; if a server cannot be found the call is
// blocked, or, with on_full = degrade, retried with every stream at the degraded bitrate.
//
// Calls do not make users busy (the population is large against calls per user), so
// offered traffic is Poisson as in the Erlang loss model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/capacity/capacity_spec.hpp"
#include "models/capacity/connectivity.hpp"

namespace p2psim::capacity {

enum class CallOutcome { kCarried, kDegraded, kBlockedRelay, kBlockedSfu, kFailed };

// Told about every call; implemented by CapacityCollector (and by tests).
class CapacityObserver {
 public:
  virtual ~CapacityObserver() = default;
  // A call offered at `t`, after warm-up only. `relayed_legs` counts pairs (mesh) or
  // participants (SFU) whose path is relayed; `legs` all of them.
  virtual void on_call(SimTime t, int participants, int legs, int relayed_legs, CallOutcome outcome) = 0;
  // The set-up time of one leg, after warm-up only.
  virtual void on_leg_setup(PathKind path, SimTime setup) = 0;
};

struct SeriesData {
  std::string name, unit;
  std::vector<double> t, v;
};

struct ServerReport {
  std::string name;
  bool sfu = false;
  double bw_util_mean = 0, bw_util_max = 0, slot_util_mean = 0, slot_util_max = 0, cpu_util_mean = 0;
};

struct Summary {
  double mean = 0, p95 = 0, p99 = 0, max = 0;
};

// One hour of the run (hour k covers [k h, (k+1) h); the last may end early at the
// horizon), for checking a plan at the busiest interval. Calls by the caller's region; server loads as integrals (value x seconds).
struct RegionHour {
  double offered = 0, blocked_relay = 0, blocked_sfu = 0;
};
struct ServerHour {
  double slots_s = 0, bw_s = 0, cpu_s = 0;  // allocations x s, bit, core x s
};

// What happened around the failures of FailureSpec (all failures together).
struct FailoverReport {
  std::int64_t calls_affected = 0;        // live calls with a leg on a server that failed
  std::int64_t calls_reestablished = 0;   // ... whose legs all found another server
  std::int64_t calls_dropped = 0;         // ... ended by the failure
  std::int64_t calls_ended_restarting = 0;  // ... that ended by themselves during the restart delay
  std::int64_t offered_during = 0, blocked_during = 0;  // calls offered while a server is down
  double blocking_during = 0;             // blocked_during / offered_during
  double survivor_load_before = 0;        // busiest surviving server's load just before the failure
  double survivor_load_after = 0;         // ... once the restarted sessions are placed
};

struct CapacityResult {
  std::int64_t offered = 0, carried = 0, degraded = 0, blocked_relay = 0, blocked_sfu = 0, failed = 0;
  std::int64_t relayed_calls = 0;     // carried or degraded calls with at least one relayed leg
  std::int64_t legs = 0, relayed_legs = 0;
  double blocking = 0;                // (blocked_relay + blocked_sfu) / offered
  double blocking_ci95 = 0;           // half-width, batch means (ratio estimator)
  double relay_blocking = 0, sfu_blocking = 0, degraded_fraction = 0, failed_fraction = 0;
  double relayed_call_fraction = 0;   // relayed_calls / (carried + degraded)
  double relayed_leg_fraction = 0;    // over all legs of offered calls
  Summary relay_sessions;             // concurrent TURN allocations (time-weighted mean)
  Summary relay_bw_bps;               // relay egress
  Summary sfu_bw_bps;
  double relay_bytes = 0, relay_cost = 0, sfu_bytes = 0;
  double setup_mean_s = 0, setup_p95_s = 0;
  double relay_rtt_mean_s = 0;     // round trip through the chosen relay, per relayed leg
  double relay_detour_mean_s = 0;  // that minus the direct round trip between the ends
  std::vector<ServerReport> servers;  // relays, then SFUs
  std::vector<SeriesData> series;     // relay_sessions, relay_bandwidth, sfu_bandwidth, calls_active
  std::vector<std::vector<RegionHour>> region_hours;  // [region][hour], after warm-up
  std::vector<std::vector<ServerHour>> server_hours;  // [relays then SFUs][hour], after warm-up
  FailoverReport failover;            // all zero without failures
  double relay_cpu_cores_mean = 0;    // mean cores busy on relays (cost model only)
  std::uint64_t events = 0;
};

// Runs one replication. Deterministic in `seed`. `extra` (optional) also observes calls.
CapacityResult run_capacity(const CapacitySpec& spec, const Connectivity& connectivity, std::uint64_t seed,
                            CapacityObserver* extra = nullptr);

}  // namespace p2psim::capacity
