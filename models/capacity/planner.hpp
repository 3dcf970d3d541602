// Planner: servers per site of a relay (or SFU) fleet under the constraints of PlanSpec,
// checked at each site's busiest hour, with the monthly cost (used by `p2psim plan`).
//
// Method (docs/models/capacity.md, "Sizing: p2psim plan"):
//  1. Coverage: each region with users is served by the site nearest to it (smallest
//     RTT, first written on ties), as `nearest` placement does; its RTT must be within
//     the region's latency budget.
//  2. Pilot: one run of every replication with one unbounded server per site gives each
//     site's offered load per hour (allocations, egress, cores); its busiest hour is the
//     hour with most allocation-seconds.
//  3. Analytic bracket per site at that hour: blocking by Erlang-B on the pooled servers
//     (n x per-server allocations, the binding resource of a server divided by the mean
//     demand per allocation); headroom n >= load / (headroom x capacity); N+1 adds one.
//  4. Simulation near the bracket, all replications, common random numbers: the sizes for
//     blocking move up while a site's busiest-hour blocking misses the target and down
//     while one fewer still meets it, so the answer is the smallest simulated size meeting
//     the target (the exhaustive search's answer when blocking falls with n).
//  5. No further run: the last passing size is the plan (or the plan minus the N+1
//     server), so its blocking is reported; utilisation is the offered busy-hour load
//     over the planned servers; egress for the cost is the pilot's offered egress.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/capacity/capacity_model.hpp"
#include "models/capacity/capacity_spec.hpp"

namespace p2psim::capacity {

// Runs replications 0..n-1 of `spec` (the same seeds on every call; n = all of the
// scenario's when `limit` <= 0, else min(limit, all)) and returns the results.
using RunReplications = std::function<std::vector<CapacityResult>(const CapacitySpec&, int limit)>;
using PlanLog = std::function<void(const std::string&)>;

struct PlanRequest {
  bool relays = true;           // size the relay fleet (else the SFU fleet)
  std::string only_site;        // non-empty: only this site varies, others keep their counts
  int max_per_site = 10000;
  int max_simulations = 40;     // bound on simulation rounds after the pilot
};

struct SitePlan {
  std::string name;
  int region = 0;
  std::vector<int> served_regions;  // user regions whose nearest site this is
  int servers = 0;
  std::string binding;              // blocking, n+1, cpu headroom, bandwidth headroom, coverage, fixed, none
  int for_blocking = 0, for_n_plus_one = 0, for_cpu = 0, for_bandwidth = 0;
  int analytic_blocking = 0;        // step 3's Erlang-B bracket
  int busy_hour = 0;                // hour index of the run (hours from the start); -1: flat
                                    // load, checked over the whole measured span
  double offered_erlangs = 0;       // allocations (or participants) at the busy hour
  double blocking = 0;              // simulated busiest-hour blocking at `servers` (N+1: with one
                                    // server down, i.e. at servers - 1); -1: not simulated (fixed)
  double blocking_below = -1;       // ... at the blocking minimum - 1 (-1: not simulated)
  double cpu_util = 0, bw_util = 0; // busiest-hour offered load per server at `servers`
  double egress_gb_month = 0;
  double instance_usd_month = 0, egress_usd_month = 0;
};

struct RegionCoverage {
  std::string region;
  bool has_users = false;
  int site = -1;          // index into PlanResult::sites, -1: no site at all
  SimTime rtt;            // to that site's region
  SimTime budget = SimTime::max();
  bool ok = true;         // no users, or a site within budget
};

struct PlanResult {
  bool ok = false;                   // every constraint met within max_per_site
  std::string problem;               // why not, when !ok
  std::vector<SitePlan> sites;
  std::vector<RegionCoverage> coverage;
  double monthly_usd = 0;
  int simulations = 0;               // runs of all replications, the pilot included
};

// Precondition: the chosen fleet has at least one site.
PlanResult plan_fleet(const CapacitySpec& spec, const PlanRequest& req, const RunReplications& run,
                      const PlanLog& log);

// The fleet of `spec` with `counts[i]` servers at site i (names <site>-<k>).
void set_site_counts(FleetSpec& fleet, const std::vector<int>& counts);

// Monthly cost of `servers` instances and `egress_bytes_per_day`, in USD.
double monthly_cost(int servers, double instance_per_hour, double egress_bytes_per_day, double egress_per_gb,
                    double hours_per_month);

}  // namespace p2psim::capacity
