#include <catch2/catch.hpp>

#include <array>
#include <cmath>

#include "models/capacity/capacity_model.hpp"

using namespace p2psim;
using namespace p2psim::capacity;

namespace {

struct HourCounter : CapacityObserver {
  std::array<double, 24> per_hour{};
  void on_call(SimTime t, int, int, int, CallOutcome) override {
    per_hour[static_cast<int>(t.seconds() / 3600.0) % 24] += 1;
  }
  void on_leg_setup(PathKind, SimTime) override {}
};

CapacitySpec diurnal_spec(double utc_offset) {
  CapacitySpec s;
  s.population.users = 20000;
  AccessProfile a;
  a.name = "open";
  a.nat_mix = {{{Mapping::kNone, Filtering::kEndpointIndependent, false}, 1}};
  s.population.access = {a};
  s.network.regions = {{"r", 1, utc_offset}};
  s.traffic.calls_per_user_per_day = 3;
  s.traffic.diurnal = true;
  s.traffic.hourly.fill(0);
  for (int h = 8; h < 18; ++h) s.traffic.hourly[h] = (h == 10 || h == 15) ? 2.0 : 1.0;
  s.traffic.horizon = SimTime::h(48);
  s.report.interval = SimTime::h(1);
  return s;
}

}  // namespace

TEST_CASE("diurnal arrivals follow the hourly profile at local time", "[capacity]") {
  for (double offset : {0.0, 5.0}) {
    const CapacitySpec s = diurnal_spec(offset);
    HourCounter c;
    const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, 11, &c);
    // Over two days: users x calls/day x 2 days, split by weight (total weight 12).
    const double total = 20000.0 * 3 * 2;
    CHECK(static_cast<double>(r.offered) == Approx(total).margin(5 * std::sqrt(total)));
    for (int utc = 0; utc < 24; ++utc) {
      const int local = (utc + static_cast<int>(offset)) % 24;
      const double expected = total * s.traffic.hourly[local] / 12.0;
      INFO("offset " << offset << " UTC hour " << utc);
      if (expected == 0) CHECK(c.per_hour[utc] == 0);
      else CHECK(c.per_hour[utc] == Approx(expected).margin(5 * std::sqrt(expected)));
    }
  }
}

TEST_CASE("a run is a deterministic function of its seed", "[capacity]") {
  CapacitySpec s = diurnal_spec(0);
  s.population.users = 5000;
  s.population.access[0].nat_mix = {{{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}, 1},
                                    {{Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false}, 1}};
  s.traffic.group_sizes = {{2, 3}, {4, 1}};
  s.traffic.duration = {DurationKind::kLognormal, 600, 300, 1.2};
  s.relays.servers = {{"r", 0, 50e6, 100, 1e18}};
  const CapacityResult a = run_capacity(s, Rfc4787Connectivity{}, 5);
  const CapacityResult b = run_capacity(s, Rfc4787Connectivity{}, 5);
  const CapacityResult c = run_capacity(s, Rfc4787Connectivity{}, 6);
  CHECK(a.offered == b.offered);
  CHECK(a.blocked_relay == b.blocked_relay);
  CHECK(a.relay_bytes == b.relay_bytes);
  CHECK(a.series[1].v == b.series[1].v);
  CHECK(a.relay_bytes != c.relay_bytes);
}

TEST_CASE("lognormal holding times have the configured mean", "[capacity]") {
  // Mean of a lognormal = median x exp(sigma^2 / 2); Little: sessions = rate x mean.
  CapacitySpec s;
  s.population.users = 10000;
  AccessProfile a;
  a.name = "sym";
  a.nat_mix = {{{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}, 1}};
  s.population.access = {a};
  s.traffic.rate_per_s = 0.2;
  s.traffic.diurnal = false;
  s.traffic.duration = {DurationKind::kLognormal, 0, 120, 0.8};
  s.traffic.horizon = SimTime::h(200);
  s.traffic.warmup = SimTime::h(2);
  s.report.interval = SimTime::h(1);
  s.relays.servers = {{"r", 0, 1e15, 1000000, 1e18}};
  const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, 21);
  const double mean_hold = 120 * std::exp(0.8 * 0.8 / 2);
  CHECK(r.relay_sessions.mean == Approx(0.2 * mean_hold).epsilon(0.04));
}
