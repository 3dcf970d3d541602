// Fleet: a set of TURN relays or SFUs with finite capacity, a placement policy, and the
// usage record of every server over time.
//
// A server holds `slots` (TURN allocations, or SFU participants), sends at most
// `bandwidth_bps`, and its CPU forwards at most `cpu_bps` (or, with a TURN cost model,
// runs at most `cpu_cores` cores); a demand fits when all three fit and the server is up. Placement (RFC-free, operator practice):
//   round-robin:  the next server in turn that fits;
//   least-loaded: the fitting server with the lowest load, load = max of the three
//                 utilisations;
//   nearest:      among the servers nearest (smallest RTT) to the user's region that
//                 can fit, the least loaded; spills to the next-nearest when all are full.
// With FleetSpec::max_rtt, a user's region is offered only servers within that RTT (and
// always its nearest ones), whatever the policy.
#pragma once

#include <cstdint>
#include <vector>

#include "models/capacity/capacity_spec.hpp"
#include "sim/stats.hpp"

namespace p2psim::capacity {

// What one reservation takes from a server.
struct Demand {
  double bw = 0;           // egress bit/s
  std::int64_t slots = 0;  // allocations or participants
  double cpu = 0;          // cores (used when the fleet has a cost model)
};

class Fleet {
 public:
  Fleet(const FleetSpec& spec, const NetworkSpec& net);

  bool empty() const { return servers_.empty(); }
  std::size_t size() const { return servers_.size(); }
  const FleetSpec& spec() const { return *spec_; }

  // Chooses a server for a user in `region` and reserves (bw, slots) on it. Returns the
  // server index, or -1 when no server fits (nothing is reserved).
  int reserve(int region, const Demand& d);
  // Returns a reservation made by reserve(). Precondition: it is still held.
  void release(int server, const Demand& d);
  // A server that is down takes no new reservation (what it holds is the caller's to move).
  void set_up(int server, bool up) { servers_[server].up = up; }
  bool is_up(int server) const { return servers_[server].up; }
  // Records the usage changed by reserve/release since the last settle as holding from
  // `now`. A call that reserves several legs and rolls back when one does not fit leaves
  // no trace in the time averages or maxima as long as settle() runs after the rollback.
  void settle(SimTime now);

  // Restarts the time averages at `now` (end of warm-up), keeping the current usage.
  void restart_measurement(SimTime now);

  double used_bw() const { return bw_now_; }
  double usage_now_bw(int server) const { return servers_[server].bw; }
  std::int64_t usage_now_slots(int server) const { return servers_[server].slots; }
  double used_slots() const { return slots_now_; }
  const TimeWeighted& total_bw() const { return total_bw_; }
  const TimeWeighted& total_slots() const { return total_slots_; }

  struct Usage {
    double bw_util_mean = 0, bw_util_max = 0;      // fraction of bandwidth_bps
    double slot_util_mean = 0, slot_util_max = 0;  // fraction of slots
    double cpu_util_mean = 0;                      // fraction of cpu_bps (or cpu_cores)
  };
  Usage usage(int server, SimTime until) const;
  // Integrals since the last restart_measurement of one server's slots, egress and cores
  // (value x seconds). Precondition: settle() ran after the last change.
  struct Integrals {
    double slots = 0, bw = 0, cpu = 0;
  };
  Integrals integrals(int server, SimTime until) const;

 private:
  struct Server {
    double bw = 0, cpu = 0;
    std::int64_t slots = 0;
    TimeWeighted bw_tw, slots_tw, cpu_tw;
    bool dirty = false;
    bool up = true;
  };
  bool fits(int s, const Demand& d) const;
  double load(int s) const;

  const FleetSpec* spec_;
  std::vector<Server> servers_;
  std::vector<std::vector<int>> nearest_order_;  // per region: servers by RTT, then index
  std::vector<std::vector<SimTime>> rtt_;        // per region, per server
  std::vector<SimTime> limit_;                   // per region: farthest eligible server
  std::size_t rr_next_ = 0;
  std::vector<int> dirty_;  // servers changed since the last settle()
  double bw_now_ = 0, slots_now_ = 0;
  TimeWeighted total_bw_, total_slots_;
};

}  // namespace p2psim::capacity
