#include <catch2/catch.hpp>

#include "models/capacity/capacity_model.hpp"
#include "models/capacity/fleet.hpp"
#include "models/capacity/sizing.hpp"

using namespace p2psim;
using namespace p2psim::capacity;

namespace {
NetworkSpec two_regions() {
  NetworkSpec n;
  n.regions = {{"eu", 1, 0}, {"us", 1, -6}};
  n.rtt = {SimTime::ms(10), SimTime::ms(90), SimTime::ms(90), SimTime::ms(15)};
  return n;
}
}  // namespace

TEST_CASE("nearest placement prefers the user's region and spills over when full", "[capacity]") {
  const NetworkSpec net = two_regions();
  FleetSpec f;
  f.placement = Placement::kNearest;
  f.servers = {{"eu-0", 0, 1e9, 2, 1e18}, {"us-0", 1, 1e9, 2, 1e18}, {"us-1", 1, 1e9, 2, 1e18}};
  Fleet fleet(f, net);
  CHECK(fleet.reserve(0, {1e6, 1}) == 0);
  CHECK(fleet.reserve(0, {1e6, 1}) == 0);
  CHECK(fleet.reserve(0, {1e6, 1}) == 1);  // eu full: next nearest, least-loaded of the two
  CHECK(fleet.reserve(1, {1e6, 1}) == 2);  // us-1 now less loaded than us-0
  CHECK(fleet.reserve(1, {1e6, 1}) == 1);
  CHECK(fleet.reserve(1, {1e6, 1}) == 2);
  CHECK(fleet.reserve(1, {1e6, 1}) == -1);
  fleet.release(0, {1e6, 1});
  CHECK(fleet.reserve(1, {1e6, 1}) == 0);
  CHECK(fleet.used_slots() == 6);
}

TEST_CASE("round-robin and least-loaded placement, bandwidth and CPU limits", "[capacity]") {
  const NetworkSpec net = two_regions();
  FleetSpec f;
  f.placement = Placement::kRoundRobin;
  f.servers = {{"a", 0, 10e6, 100, 1e18}, {"b", 0, 10e6, 100, 1e18}, {"c", 1, 10e6, 100, 4e6}};
  {
    Fleet fleet(f, net);
    CHECK(fleet.reserve(0, {3e6, 1}) == 0);
    CHECK(fleet.reserve(0, {3e6, 1}) == 1);
    CHECK(fleet.reserve(0, {3e6, 1}) == 2);
    CHECK(fleet.reserve(0, {3e6, 1}) == 0);
    CHECK(fleet.reserve(0, {3e6, 1}) == 1);
    CHECK(fleet.reserve(0, {3e6, 1}) == 0);  // c's CPU (4 Mbps) is full
    CHECK(fleet.reserve(0, {3e6, 1}) == 1);
    CHECK(fleet.reserve(0, {3e6, 1}) == -1);  // bandwidth of a and b exhausted
  }
  f.placement = Placement::kLeastLoaded;
  {
    Fleet fleet(f, net);
    CHECK(fleet.reserve(1, {2e6, 1}) == 0);
    CHECK(fleet.reserve(1, {2e6, 1}) == 1);
    CHECK(fleet.reserve(1, {1e6, 1}) == 2);  // c: 1/4 of its CPU
    CHECK(fleet.reserve(1, {1e6, 1}) == 0);  // a: 0.2 < c: 0.25
  }
}

TEST_CASE("server utilisation is the time average of use over capacity", "[capacity]") {
  const NetworkSpec net = two_regions();
  FleetSpec f;
  f.servers = {{"a", 0, 10e6, 10, 1e18}};
  Fleet fleet(f, net);
  fleet.reserve(0, {5e6, 5});
  fleet.settle(SimTime::s(0));
  fleet.reserve(0, {5e6, 5});  // tentative, rolled back at once: leaves no trace
  fleet.release(0, {5e6, 5});
  fleet.settle(SimTime::s(10));
  fleet.release(0, {5e6, 5});
  fleet.settle(SimTime::s(50));
  const Fleet::Usage u = fleet.usage(0, SimTime::s(100));
  CHECK(u.bw_util_mean == Approx(0.25));
  CHECK(u.bw_util_max == Approx(0.5));
  CHECK(u.slot_util_mean == Approx(0.25));
}

TEST_CASE("a call that finds no capacity is degraded when the scenario says so", "[capacity]") {
  CapacitySpec s;
  s.population.users = 1000;
  AccessProfile a;
  a.name = "sym";
  a.nat_mix = {{{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}, 1}};
  s.population.access = {a};
  s.traffic.rate_per_s = 0.5;
  s.traffic.diurnal = false;
  s.traffic.horizon = SimTime::h(4);
  s.traffic.duration.mean_s = 600;  // 300 Erlangs of 2 x 1 Mbps on a 100 Mbps relay
  s.traffic.media = {{"video", 1, 1e6}};
  s.relays.servers = {{"r", 0, 101e6, 100000, 1e18}};  // 50 full calls + 1 Mbps spare
  s.relays.on_full = OnFull::kBlock;
  const CapacityResult blocked = run_capacity(s, Rfc4787Connectivity{}, 5);
  CHECK(blocked.blocking > 0.5);
  CHECK(blocked.degraded == 0);
  CHECK(blocked.relay_bw_bps.max <= 101e6 * (1 + 1e-9));
  s.relays.on_full = OnFull::kDegrade;
  s.relays.degraded_bitrate_bps = 40e3;
  const CapacityResult degraded = run_capacity(s, Rfc4787Connectivity{}, 5);
  CHECK(degraded.degraded > 0);
  CHECK(degraded.blocking < blocked.blocking);
  CHECK(degraded.offered == blocked.offered);  // same arrivals: common random numbers
}

TEST_CASE("SFU calls: per-participant connectivity and server bandwidth N(N-1)b", "[capacity]") {
  CapacitySpec s;
  s.population.users = 5000;
  AccessProfile a;
  a.name = "blocked";
  a.uplink_bps = 1e9;
  a.nat_mix = {{{Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false}, 1}};
  a.udp_blocked = 0.5;
  s.population.access = {a};
  s.traffic.rate_per_s = 0.1;
  s.traffic.diurnal = false;
  s.traffic.horizon = SimTime::h(10);
  s.traffic.duration.mean_s = 300;
  s.traffic.group_sizes = {{5, 1}};
  s.traffic.media = {{"video", 1, 1e6}};
  s.relays.servers = {{"r", 0, 1e12, 1000000, 1e18}};
  s.sfus.servers = {{"sfu", 0, 1e12, 1000000, 1e18}};
  const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, 9);
  // Half the participants are UDP-blocked and reach the SFU through TURN.
  CHECK(r.relayed_leg_fraction == Approx(0.5).margin(0.03));
  // Mean SFU egress = Erlangs x N (N-1) b = 30 x 20 Mbps; relay = 30 x 2.5 legs x N b.
  CHECK(r.sfu_bw_bps.mean == Approx(30 * 20e6).epsilon(0.1));
  CHECK(r.relay_bw_bps.mean == Approx(30 * 2.5 * 5e6).epsilon(0.1));
}

TEST_CASE("sizing search finds the smallest fleet meeting the target", "[capacity]") {
  // A monotone blocking curve: 1 / n^2. Target 1%: n = 10 gives exactly 0.01.
  int calls = 0;
  auto f = [&](int n) {
    ++calls;
    return n == 0 ? 1.0 : 1.0 / (static_cast<double>(n) * n);
  };
  const SizingResult r = find_min_servers(f, 0.01, 1, 1000);
  CHECK(r.found);
  CHECK(r.servers == 10);
  CHECK(r.blocking == Approx(0.01));
  CHECK(r.has_below);
  CHECK(r.blocking_below == Approx(1.0 / 81));
  CHECK(calls < 12);
  const SizingResult none = find_min_servers(f, 1e-9, 1, 50);
  CHECK_FALSE(none.found);
  CHECK(none.servers == 50);
  const SizingResult first = find_min_servers(f, 2.0, 1, 50);
  CHECK(first.servers == 1);
  CHECK_FALSE(first.has_below);
}

TEST_CASE("nearest placement keeps relayed paths short, round-robin detours", "[capacity]") {
  CapacitySpec s;
  s.network.regions = {{"eu", 1, 0}, {"us", 1, 0}};
  s.network.rtt = {SimTime::ms(10), SimTime::ms(100), SimTime::ms(100), SimTime::ms(10)};
  s.population.users = 4000;
  AccessProfile a;
  a.name = "sym";
  a.nat_mix = {{{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}, 1}};
  s.population.access = {a};
  s.traffic.rate_per_s = 0.2;
  s.traffic.diurnal = false;
  s.traffic.horizon = SimTime::h(2);
  s.traffic.local_fraction = 1.0;  // callers and callees in one region
  s.relays.servers = {{"eu-0", 0, 1e12, 100000, 1e18}, {"us-0", 1, 1e12, 100000, 1e18}};
  s.relays.placement = Placement::kNearest;
  const CapacityResult near = run_capacity(s, Rfc4787Connectivity{}, 4);
  // Both ends and the relay in one region: 10 ms to the relay and 10 ms on.
  CHECK(near.relay_rtt_mean_s == Approx(0.020));
  CHECK(near.relay_detour_mean_s == Approx(0.010));
  s.relays.placement = Placement::kRoundRobin;
  const CapacityResult rr = run_capacity(s, Rfc4787Connectivity{}, 4);
  // Round-robin sends about half the legs across the ocean: 200 ms instead of 20 ms.
  CHECK(rr.relay_rtt_mean_s == Approx(0.5 * 0.020 + 0.5 * 0.200).margin(0.02));
}
