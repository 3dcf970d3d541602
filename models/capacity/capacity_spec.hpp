// Plain specification of a capacity-planning run: a user population, the calls it
// places over a horizon (hours to days), and the TURN relay and SFU fleets that carry
// them. Filled by the app from YAML (app/study/capacity_study.cpp) or directly by tests.
// Units: time SimTime, rates bit/s (double), shares are weights normalised on use.
// Defaults and their sources: docs/models/capacity.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/capacity/connectivity.hpp"
#include "models/turn/turn_cost_model.hpp"
#include "sim/time.hpp"

namespace p2psim::capacity {

struct RegionSpec {
  std::string name;
  double user_share = 1;     // weight of users living in this region
  double utc_offset_h = 0;   // local time = UTC + offset; shifts the diurnal profile
};

struct NatShare {
  NatBehaviour nat;
  double share = 1;  // weight within its access profile
};

struct AccessProfile {
  std::string name;                 // "broadband", "cellular", ...
  double share = 1;                 // weight of users on this access
  double uplink_bps = 10e6;         // caps what a user sends (all copies together)
  std::vector<NatShare> nat_mix;    // never empty
  double udp_blocked = 0;           // probability that a user's UDP is firewalled
};

struct PopulationSpec {
  std::int64_t users = 100000;
  double growth = 1.0;  // multiplies `users` (next year's population: 1.3 = +30%)
  std::vector<AccessProfile> access;  // never empty
};

enum class DurationKind { kExponential, kLognormal };
struct DurationSpec {
  DurationKind kind = DurationKind::kExponential;
  double mean_s = 600;    // exponential: the mean
  double median_s = 600;  // lognormal: e^mu
  double sigma = 1.0;     // lognormal: sigma of the underlying normal
};

struct MediaProfile {
  std::string name;          // "audio", "video-720p"
  double share = 1;          // weight among calls
  double bitrate_bps = 1e6;  // one participant's stream, one direction
  double packets_per_s = 0;  // of that stream; 0 = turn::stream_packet_rate(bitrate_bps)
};

struct TrafficSpec {
  SimTime horizon = SimTime::h(24);
  SimTime warmup = SimTime::zero();  // calls offered before this are not counted
  SimTime start = SimTime::zero();   // no call is offered before this (<= warmup); p2psim plan
                                     // simulates a window around a busy hour this way
  // Either an absolute Poisson rate (calls/s over the whole population, flat in time)
  // when rate_per_s > 0, or calls_per_user_per_day shaped by `hourly` (local time).
  double rate_per_s = 0;
  double calls_per_user_per_day = 2;
  bool diurnal = true;
  std::array<double, 24> hourly{};   // relative weights per local hour; flat if all 0
  DurationSpec duration;
  std::vector<std::pair<int, double>> group_sizes{{2, 1.0}};  // size -> weight
  std::vector<MediaProfile> media{{"video", 1.0, 1.7e6}};  // LiveKit h720 preset
  int mesh_max = 2;             // larger calls use an SFU when the SFU fleet is non-empty
  double local_fraction = 1.0;  // probability that a callee lives in the caller's region
};

enum class Placement { kRoundRobin, kLeastLoaded, kNearest };
enum class OnFull { kBlock, kDegrade };

struct ServerSpec {
  std::string name;            // "eu-0"
  int region = 0;              // index into NetworkSpec::regions
  double bandwidth_bps = 1e9;  // egress the server may send (its NIC or its contract)
  std::int64_t slots = 10000;  // TURN allocations, or SFU participants
  double cpu_bps = 1e18;       // forwarded bit/s the CPU sustains (cores x per-core rate)
  double cpu_cores = 1e18;     // cores, the CPU limit when the fleet has a cost model
};

// A site as written in the scenario: `count` servers like `server`, named <name>-<i>.
struct SiteSpec {
  std::string name;
  ServerSpec server;  // name unset
  std::int64_t count = 0;
};

struct FleetSpec {
  std::vector<ServerSpec> servers;  // may be empty (no relay / no SFU)
  std::vector<SiteSpec> sites;      // what `servers` was expanded from (for p2psim plan)
  // Per region: servers farther (RTT) than this are not offered to its users, except the
  // nearest ones (so a region is never left with none). Empty: no limit. p2psim plan
  // sets it to the latency budget.
  std::vector<SimTime> max_rtt;
  Placement placement = Placement::kNearest;
  OnFull on_full = OnFull::kBlock;
  double degraded_bitrate_bps = 40e3;  // per stream when degrading (audio only)
  // TURN relays only: CPU per packet/byte/allocation (models/turn/turn_cost_model.hpp).
  // When set, a relayed allocation needs cores = cost.cores(packets/s, bytes/s) +
  // cpu_s_per_allocation / duration, and its egress is the wire rate with framing;
  // the CPU limit is `cpu_cores` instead of `cpu_bps`.
  std::optional<turn::TurnCostModel> cost_model;
};

// A server, or every server of a region, stops at `at` for `duration`. The relayed
// sessions it carries are dropped or, with `reestablish`, re-placed on another server
// after `restart_delay` (an ICE restart) and dropped only if none fits then.
struct FailureSpec {
  bool relays = true;            // which fleet
  std::vector<int> servers;      // indices into FleetSpec::servers (never empty)
  SimTime at = SimTime::h(12);
  SimTime duration = SimTime::h(1);
  bool reestablish = true;
  SimTime restart_delay = SimTime::s(5);
};

struct NetworkSpec {
  std::vector<RegionSpec> regions{{"default", 1, 0}};
  std::vector<SimTime> rtt{SimTime::ms(20)};  // regions x regions, row-major, symmetric
  SimTime rtt_of(int a, int b) const { return rtt[static_cast<std::size_t>(a) * regions.size() + b]; }
};

struct ReportSpec {
  SimTime interval = SimTime::min(5);  // time-series sampling period
  double price_per_gb = 0.09;          // USD per GB (1e9 B) of relay egress
  int batches = 20;                    // batch means for the in-run blocking CI
  bool per_server_metrics = true;
  bool hourly_servers = false;         // fill CapacityResult::server_hours (p2psim plan)
};

// Constraints and prices for `p2psim plan` (app/cli/plan_command.cpp, models/capacity/planner.hpp).
struct RegionPrice {
  double instance_per_hour = 0;  // USD per server-hour in this region
  double egress_per_gb = -1;     // USD per GB (1e9 B) of relay egress; < 0: report.price_per_gb
};
struct PlanSpec {
  double blocking_target = 0.01;     // relay (or SFU) blocking at the busiest hour, at most
  double cpu_headroom = 1.0;         // busiest-hour mean CPU utilisation per server, at most
  double bandwidth_headroom = 1.0;   // busiest-hour mean egress utilisation per server, at most
  bool n_plus_one = false;           // the blocking target holds with any one server of a region down
  std::vector<SimTime> latency_budget;  // per region: RTT to its relay's region, at most (empty: none)
  bool require_coverage = true;      // a region with users and no relay within budget fails the plan
  std::vector<RegionPrice> prices;   // per region (empty: all zero / report.price_per_gb)
  double hours_per_month = 730;      // 8760 / 12
};

struct CapacitySpec {
  PopulationSpec population;
  TrafficSpec traffic;
  NetworkSpec network;
  FleetSpec relays;
  FleetSpec sfus;
  InterimIceParams ice;
  ReportSpec report;
  std::vector<FailureSpec> failures;  // none: no server ever fails
  PlanSpec plan;
};

}  // namespace p2psim::capacity
