// Failures in the capacity model: a server stops, its relayed calls drop or re-establish
// elsewhere after the ICE-restart delay; population growth.
#include <catch2/catch.hpp>

#include "models/capacity/capacity_model.hpp"
#include "sim/random.hpp"

using namespace p2psim;
using namespace p2psim::capacity;

namespace {

// 1:1 calls between symmetric NATs (every call relayed), 20 Erlangs, 4 relays.
CapacitySpec failover_spec(std::int64_t slots) {
  CapacitySpec s;
  s.population.users = 1000;
  AccessProfile a;
  a.name = "symmetric";
  a.uplink_bps = 1e9;
  a.nat_mix = {{{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}, 1.0}};
  s.population.access = {a};
  s.traffic.rate_per_s = 20.0 / 60.0;
  s.traffic.diurnal = false;
  s.traffic.duration = {DurationKind::kExponential, 60, 60, 1.0};
  s.traffic.group_sizes = {{2, 1.0}};
  s.traffic.media = {{"audio", 1.0, 32e3}};
  s.traffic.warmup = SimTime::min(10);
  s.traffic.horizon = SimTime::h(4);
  for (int i = 0; i < 4; ++i) s.relays.servers.push_back({"r-" + std::to_string(i), 0, 1e15, slots, 1e18});
  s.relays.placement = Placement::kLeastLoaded;
  s.report.interval = SimTime::min(1);
  return s;
}

}  // namespace

TEST_CASE("a relay failure: calls on it re-establish elsewhere or drop", "[capacity][failover]") {
  CapacitySpec s = failover_spec(1000000);  // room everywhere: every restart finds a server
  FailureSpec f;
  f.servers = {2};
  f.at = SimTime::h(2);
  f.duration = SimTime::h(1);
  f.reestablish = true;
  f.restart_delay = SimTime::s(5);
  s.failures = {f};
  const CapacityResult re = run_capacity(s, Rfc4787Connectivity{}, 11);
  // Least-loaded placement spreads ~20 calls over 4 servers: about 5 on the failed one.
  CHECK(re.failover.calls_affected > 0);
  CHECK(re.failover.calls_reestablished + re.failover.calls_ended_restarting == re.failover.calls_affected);
  CHECK(re.failover.calls_dropped == 0);
  CHECK(re.blocking == 0);
  // Calls offered in the hour it is down: Poisson with mean 1200 (20 calls/min x 60);
  // 5 standard deviations is 173.
  CHECK(std::abs(static_cast<double>(re.failover.offered_during) - 1200) < 173);
  CHECK(re.failover.survivor_load_after > 0);

  s.failures[0].reestablish = false;
  const CapacityResult dr = run_capacity(s, Rfc4787Connectivity{}, 11);
  CHECK(dr.failover.calls_affected == re.failover.calls_affected);  // same calls up to the failure
  CHECK(dr.failover.calls_dropped == dr.failover.calls_affected);
  CHECK(dr.failover.calls_reestablished == 0);
}

TEST_CASE("restarts that find every server full drop the call", "[capacity][failover]") {
  // 4 servers of 6 allocations at 30 Erlangs: all four are nearly always full (B(30, 24)
  // = 27%), so the three left after a failure have little room for the restarts; an
  // affected call is re-established, dropped, or ends by itself during the delay.
  CapacitySpec s = failover_spec(6);
  s.traffic.rate_per_s = 30.0 / 60.0;
  FailureSpec f;
  f.servers = {0};
  f.at = SimTime::h(2);
  f.duration = SimTime::h(1);
  s.failures = {f};
  std::int64_t dropped = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, derive_seed(3, static_cast<std::uint64_t>(rep)));
    INFO("affected " << r.failover.calls_affected << " re-established " << r.failover.calls_reestablished
                      << " dropped " << r.failover.calls_dropped << " ended " << r.failover.calls_ended_restarting);
    CHECK(r.failover.calls_reestablished + r.failover.calls_dropped + r.failover.calls_ended_restarting ==
          r.failover.calls_affected);
    dropped += r.failover.calls_dropped;
    // While one of four is down blocking is higher than over the whole run.
    CHECK(r.failover.blocking_during >= r.blocking);
  }
  CHECK(dropped > 0);
}

TEST_CASE("failures off: a failure after the horizon changes nothing", "[capacity][failover]") {
  CapacitySpec s = failover_spec(8);
  const CapacityResult a = run_capacity(s, Rfc4787Connectivity{}, 5);
  FailureSpec f;
  f.servers = {1};
  f.at = s.traffic.horizon + SimTime::s(1);
  s.failures = {f};
  const CapacityResult b = run_capacity(s, Rfc4787Connectivity{}, 5);
  CHECK(a.offered == b.offered);
  CHECK(a.blocked_relay == b.blocked_relay);
  CHECK(a.relay_sessions.mean == b.relay_sessions.mean);
  CHECK(a.relay_bytes == b.relay_bytes);
  CHECK(a.events == b.events);
  CHECK(b.failover.calls_affected == 0);
}

TEST_CASE("growth scales the population and so the offered calls", "[capacity][growth]") {
  // calls_per_user_per_day x users / 86400 calls/s: 2000 users x 24 calls/day = 48000
  // calls/day; growth 1.5 makes it 3000 users and 72000 (Poisson: 5 sigma ~ 1340).
  CapacitySpec s = failover_spec(1000000);
  s.population.users = 2000;
  s.traffic.rate_per_s = 0;
  s.traffic.calls_per_user_per_day = 24;
  s.traffic.horizon = SimTime::h(24);
  s.traffic.warmup = SimTime::zero();
  s.population.growth = 1.5;
  const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, 9);
  CHECK(std::abs(static_cast<double>(r.offered) - 72000) < 1340);
}
