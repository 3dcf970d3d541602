// Validation of the capacity model against the Erlang loss formula (M/M/c/c).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/capacity/capacity_model.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"

using namespace p2psim;
using namespace p2psim::capacity;

namespace {

// Erlang-B by the recursion B(E,0) = 1, B(E,k) = E B(E,k-1) / (k + E B(E,k-1)).
double erlang_b(double erlangs, int c) {
  double b = 1.0;
  for (int k = 1; k <= c; ++k) b = erlangs * b / (k + erlangs * b);
  return b;
}

// Every call is 1:1 between two hosts behind address-and-port-dependent mapping NATs, so
// every call needs exactly one TURN allocation: one server with c allocations and no
// bandwidth limit is c identical slots.
CapacitySpec erlang_spec(double erlangs, int slots, double hold_s) {
  CapacitySpec s;
  s.population.users = 1000;
  AccessProfile a;
  a.name = "symmetric";
  a.uplink_bps = 1e9;
  a.nat_mix = {{{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}, 1.0}};
  s.population.access = {a};
  s.traffic.rate_per_s = erlangs / hold_s;
  s.traffic.diurnal = false;
  s.traffic.duration = {DurationKind::kExponential, hold_s, hold_s, 1.0};
  s.traffic.group_sizes = {{2, 1.0}};
  s.traffic.media = {{"audio", 1.0, 32e3}};
  s.traffic.warmup = SimTime::from_seconds(10 * hold_s);
  s.traffic.horizon = SimTime::from_seconds(260 * hold_s);
  s.relays.servers = {{"r0", 0, 1e15, slots, 1e18}};
  s.report.interval = s.traffic.horizon;
  s.report.per_server_metrics = false;
  return s;
}

}  // namespace

TEST_CASE("Erlang-B recursion matches the closed form", "[capacity]") {
  // B(E, c) = (E^c / c!) / sum_k E^k / k!, evaluated directly for a small case.
  const double e = 3.0;
  double term = 1, sum = 1;
  for (int k = 1; k <= 5; ++k) {
    term *= e / k;
    sum += term;
  }
  CHECK(erlang_b(e, 5) == Approx(term / sum).epsilon(1e-12));
}

TEST_CASE("simulated blocking matches Erlang-B within its confidence interval", "[capacity]") {
  const Rfc4787Connectivity conn;
  struct Load {
    double erlangs;
    int slots;
  };
  for (const Load load : {Load{10, 13}, Load{50, 53}, Load{100, 100}}) {
    const double expected = erlang_b(load.erlangs, load.slots);
    const CapacitySpec spec = erlang_spec(load.erlangs, load.slots, 120.0);
    std::vector<double> b;
    for (int rep = 0; rep < 10; ++rep) {
      const CapacityResult r = run_capacity(spec, conn, derive_seed(42, static_cast<std::uint64_t>(rep)));
      REQUIRE(r.relayed_call_fraction == Approx(1.0));  // every carried call relayed
      b.push_back(r.blocking);
    }
    const Interval ci = mean_ci95(b);
    INFO("E=" << load.erlangs << " c=" << load.slots << " B=" << expected << " sim=" << ci.mean << " +- "
              << ci.half_width);
    CHECK(ci.low() <= expected);
    CHECK(expected <= ci.high());
    CHECK(ci.half_width < 0.25 * expected);  // the check has power
  }
}

TEST_CASE("mean concurrent relay sessions follow Little's law", "[capacity]") {
  // No capacity limit; half the users are symmetric (APDM), half port-restricted cones
  // (EIM + APDF): a pair is relayed unless both are cones, P = 1 - 0.5^2 = 0.75.
  CapacitySpec s = erlang_spec(20, 1000000, 60.0);
  s.population.users = 20000;
  s.population.access[0].nat_mix = {
      {{Mapping::kAddressPortDependent, Filtering::kAddressPortDependent, false}, 1.0},
      {{Mapping::kEndpointIndependent, Filtering::kAddressPortDependent, false}, 1.0}};
  s.traffic.horizon = SimTime::from_seconds(60.0 * 1000);
  s.traffic.warmup = SimTime::from_seconds(60.0 * 10);
  const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, 7);
  const double p_relay = 0.75;
  CHECK(r.blocking == 0);
  CHECK(r.relayed_leg_fraction == Approx(p_relay).margin(0.01));
  CHECK(r.relay_sessions.mean == Approx(20 * p_relay).epsilon(0.05));
  // Each relayed pair carries both directions of a 32 kbps stream.
  CHECK(r.relay_bw_bps.mean == Approx(20 * p_relay * 2 * 32e3).epsilon(0.05));
  // Bytes are the integral of that bandwidth over the measured span.
  const double span = (s.traffic.horizon - s.traffic.warmup).seconds();
  CHECK(r.relay_bytes == Approx(r.relay_bw_bps.mean * span / 8).epsilon(1e-9));
  CHECK(r.relay_cost == Approx(r.relay_bytes / 1e9 * 0.09).epsilon(1e-9));
  CHECK(r.relay_sessions.max >= r.relay_sessions.p99);
  CHECK(r.relay_sessions.p99 >= r.relay_sessions.p95);
}

namespace {

// Kaufman-Roberts recursion for a link of `c` units shared by Poisson classes with
// per-call sizes b_k and offered loads a_k (Erlangs): j q(j) = sum_k a_k b_k q(j - b_k);
// class k is blocked in the states j > c - b_k.
std::vector<double> kaufman_roberts(int c, const std::vector<int>& b, const std::vector<double>& a) {
  std::vector<double> q(c + 1, 0.0);
  q[0] = 1;
  for (int j = 1; j <= c; ++j) {
    double s = 0;
    for (std::size_t k = 0; k < b.size(); ++k)
      if (j >= b[k]) s += a[k] * b[k] * q[j - b[k]];
    q[j] = s / j;
  }
  double total = 0;
  for (double x : q) total += x;
  std::vector<double> blocking;
  for (int bk : b) {
    double s = 0;
    for (int j = c - bk + 1; j <= c; ++j) s += q[j];
    blocking.push_back(s / total);
  }
  return blocking;
}

}  // namespace

TEST_CASE("bandwidth-limited relay with two media classes matches Kaufman-Roberts", "[capacity]") {
  // Every call relayed; audio calls take 1 Mbps of relay egress (2 x 0.5 Mbps), video
  // calls 4 Mbps (2 x 2 Mbps); one relay of 60 Mbps and unlimited allocations.
  // 20 Erlangs offered, 60% audio / 40% video.
  const double hold = 60.0, erlangs = 20.0;
  CapacitySpec s = erlang_spec(erlangs, 1000000, hold);
  s.traffic.media = {{"audio", 0.6, 0.5e6}, {"video", 0.4, 2e6}};
  s.relays.servers = {{"r0", 0, 60e6, 1000000, 1e18}};
  const std::vector<double> b = kaufman_roberts(60, {1, 4}, {0.6 * erlangs, 0.4 * erlangs});
  const double expected = 0.6 * b[0] + 0.4 * b[1];  // arrivals see time averages (PASTA)
  std::vector<double> sim;
  for (int rep = 0; rep < 10; ++rep)
    sim.push_back(run_capacity(s, Rfc4787Connectivity{}, derive_seed(77, static_cast<std::uint64_t>(rep))).blocking);
  const Interval ci = mean_ci95(sim);
  INFO("Kaufman-Roberts " << expected << " (audio " << b[0] << ", video " << b[1] << "), sim " << ci.mean << " +- "
                          << ci.half_width);
  CHECK(ci.low() <= expected);
  CHECK(expected <= ci.high());
  CHECK(ci.half_width < 0.25 * expected);
}

TEST_CASE("Erlang-B blocking is insensitive to the holding-time distribution", "[capacity]") {
  // M/G/c/c: blocking depends on holding times only through their mean. Lognormal with
  // median m and sigma 1 has mean m e^{1/2}.
  const double mean = 120.0, sigma = 1.0;
  CapacitySpec s = erlang_spec(30, 33, mean);
  s.traffic.duration = {DurationKind::kLognormal, 0, mean / std::exp(sigma * sigma / 2), sigma};
  const double expected = erlang_b(30, 33);
  std::vector<double> sim;
  for (int rep = 0; rep < 10; ++rep)
    sim.push_back(run_capacity(s, Rfc4787Connectivity{}, derive_seed(99, static_cast<std::uint64_t>(rep))).blocking);
  const Interval ci = mean_ci95(sim);
  INFO("B(30, 33) = " << expected << ", sim " << ci.mean << " +- " << ci.half_width);
  CHECK(ci.low() <= expected);
  CHECK(expected <= ci.high());
}

TEST_CASE("relay CPU and wire bandwidth follow the TURN cost model (Little's law)", "[capacity][cost]") {
  // Every call relayed, no limit: each allocation carries two 32 kbps Opus streams at
  // 50 packets/s each. Per allocation, by hand:
  //   packets/s 100, payload bytes/s 2 x 32000 / 8 = 8000,
  //   cores = 100 x 10 us + 8000 x 10 ns = 0.00108, plus 1 ms per allocation,
  //   egress = 64000 + 100 x 4 B x 8 = 67200 bit/s.
  CapacitySpec s = erlang_spec(20, 1000000, 60.0);
  turn::TurnCostModel m;
  m.cpu_s_per_packet = 10e-6;
  m.cpu_s_per_byte = 10e-9;
  m.cpu_s_per_allocation = 1e-3;
  m.framing_bytes = 4;
  s.relays.cost_model = m;
  s.relays.servers[0].cpu_cores = 1e9;
  const CapacityResult r = run_capacity(s, Rfc4787Connectivity{}, 3);
  REQUIRE(r.blocking == 0);
  const double span = (s.traffic.horizon - s.traffic.warmup).seconds();
  CHECK(r.relay_bw_bps.mean == Approx(r.relay_sessions.mean * 67200).epsilon(1e-9));
  // Set-up cost: 1 ms per call spread over its holding time, so lambda x 1 ms on average
  // (calls straddling the ends of the window make the small difference).
  CHECK(r.relay_cpu_cores_mean ==
        Approx(r.relay_sessions.mean * 0.00108 + static_cast<double>(r.carried) / span * 1e-3).epsilon(0.01));
}

TEST_CASE("with a cost model the CPU limit is in cores", "[capacity][cost]") {
  // One server of 1 core; an allocation needs 0.00108 + 1e-3 / 60 s ~ 0.0011 cores, so
  // the core holds floor(1 / 0.0011) ~ 900 allocations: at 20 Erlangs nothing is blocked;
  // with 0.01 cores (9 allocations) Erlang-B B(20, 9) = 0.47 is the blocking to expect.
  CapacitySpec s = erlang_spec(20, 1000000, 60.0);
  turn::TurnCostModel m;
  m.cpu_s_per_packet = 10e-6;
  m.cpu_s_per_byte = 10e-9;
  m.cpu_s_per_allocation = 0;
  s.relays.cost_model = m;
  s.relays.servers[0].cpu_cores = 1;
  CHECK(run_capacity(s, Rfc4787Connectivity{}, 3).blocking == 0);
  s.relays.servers[0].cpu_cores = 9.5 * 0.00108;  // room for 9 allocations, not 10
  std::vector<double> b;
  for (int rep = 0; rep < 6; ++rep) b.push_back(run_capacity(s, Rfc4787Connectivity{}, derive_seed(5, static_cast<std::uint64_t>(rep))).blocking);
  const Interval ci = mean_ci95(b);
  const double expected = erlang_b(20, 9);
  INFO("B(20, 9) = " << expected << " sim " << ci.mean << " +- " << ci.half_width);
  CHECK(ci.low() <= expected);
  CHECK(expected <= ci.high());
}
