// The capacity study's operations keys (relays.cost_model, failures, plan, growth) and
// the planner behind `p2psim plan`: expected values by hand (Erlang-B, cost arithmetic).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "app/runner/runner.hpp"
#include "app/scenario/scenario_error.hpp"
#include "app/study/capacity_study.hpp"
#include "load_error.hpp"
#include "metric.hpp"
#include "models/capacity/planner.hpp"
#include "sim/random.hpp"

namespace fs = std::filesystem;
using namespace p2psim;
using p2psim::test::metric;

namespace {

const fs::path kSourceDir = P2PSIM_SOURCE_DIR;

const char* kBase = R"(name: t
study: capacity
population:
  users: 2000
traffic:
  horizon: 1h
  arrivals: {rate: 0.5}
relays:
  sites:
    default: {count: 2}
)";

const study::CapacityScenario& scenario_of(const runner::LoadedScenario& l) {
  return *study::capacity_scenario_of(*l.points.at(0).study);
}

std::string error_of(const std::string& text) { return test::load_error(text, "x.yaml"); }

}  // namespace

TEST_CASE("relays.cost_model: values in YAML or a calibration file", "[app][capacity][cost]") {
  const auto inline_model = runner::load_scenario_text(
      std::string(kBase) + "  cost_model: {cpu_s_per_packet: 1.5e-5, cpu_s_per_byte: 0, cpu_s_per_allocation: 2e-3}\n",
      "x.yaml");
  const auto& m = scenario_of(inline_model).spec.relays.cost_model;
  REQUIRE(m);
  CHECK(m->cpu_s_per_packet == 1.5e-5);
  CHECK(m->cpu_s_per_allocation == 2e-3);
  CHECK(m->framing_bytes == 4);

  const fs::path dir = fs::temp_directory_path() / "p2psim_cost_model_test";
  fs::create_directories(dir);
  std::ofstream(dir / "model.yaml") << "turn_cost_model:\n  cpu_s_per_packet: 7e-6\n  machine: \"test box\"\n"
                                       "  measured:\n    - {name: a, cpu_s: 0.1}\n";
  std::ofstream(dir / "bad.yaml") << "turn_cost_model:\n  cpu_s_per_packet: fast\n";
  std::ofstream(dir / "s.yaml") << kBase << "  cost_model: model.yaml\n";
  const auto from_file = runner::load_scenario((dir / "s.yaml").string());
  const auto& f = scenario_of(from_file).spec.relays.cost_model;
  REQUIRE(f);
  CHECK(f->cpu_s_per_packet == 7e-6);
  CHECK(f->machine == "test box");
  std::ofstream(dir / "s2.yaml") << kBase << "  cost_model: bad.yaml\n";
  try {
    runner::load_scenario((dir / "s2.yaml").string());
    FAIL("no error");
  } catch (const scenario::ScenarioError& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("bad.yaml:2:21: turn_cost_model.cpu_s_per_packet: expected"));
  }
  fs::remove_all(dir);
  CHECK_THAT(error_of(std::string(kBase) + "  cost_model: missing.yaml\n"), Catch::Contains("cannot read cost-model file"));
}

namespace {

double erlang_b(double e, int c) {
  double b = 1;
  for (int k = 1; k <= c; ++k) b = e * b / (k + e * b);
  return b;
}

// Every call relayed (both ends symmetric NATs), flat Poisson arrivals, exponential
// holding: `erlangs` offered to servers of `slots` allocations each (no bandwidth or CPU
// limit), least-loaded placement, so n servers are n x slots pooled allocations.
std::string erlang_scenario(double erlangs, int slots, int count, const std::string& extra = "") {
  const double hold_s = 120;
  return "name: e\nstudy: capacity\nseed: 1\nreplications: 3\n"
         "population:\n  users: 1000\n  access:\n    sym:\n      nat: [{type: symmetric}]\n"
         "traffic:\n  horizon: 6h\n  warmup: 20min\n  arrivals: {rate: " +
         std::to_string(erlangs / hold_s) +
         "}\n  duration: {distribution: exponential, mean: 2min}\n  group_size: {2: 1}\n"
         "  media: {audio: {bitrate: 32kbps}}\n"
         "connectivity: {model: interim-rfc4787}\n"
         "relays:\n  placement: least-loaded\n  server: {bandwidth: 1000Gbps, allocations: " +
         std::to_string(slots) + ", cpu_cores: 0}\n  sites:\n    default: {count: " + std::to_string(count) + "}\n" +
         extra;
}

struct Planned {
  runner::LoadedScenario loaded;
  capacity::RunReplications run;
};

Planned load(const std::string& text) {
  Planned p{runner::load_scenario_text(text, "plan.yaml"), {}};
  const study::CapacityScenario* sc = &scenario_of(p.loaded);
  const std::uint64_t seed = p.loaded.seed;
  const int reps = p.loaded.replications;
  p.run = [sc, seed, reps](const capacity::CapacitySpec& s, int limit) {
    std::vector<capacity::CapacityResult> out;
    for (int r = 0; r < (limit > 0 ? std::min(limit, reps) : reps); ++r)
      out.push_back(study::run_capacity_replication(*sc, s, derive_seed(seed, static_cast<std::uint64_t>(r))));
    return out;
  };
  return p;
}

double pooled_blocking(const std::vector<capacity::CapacityResult>& rs) {
  double offered = 0, blocked = 0;
  for (const auto& r : rs) offered += static_cast<double>(r.offered), blocked += static_cast<double>(r.blocked_relay);
  return blocked / offered;
}

}  // namespace

TEST_CASE("plan: the bracketed search gives the exhaustive search's answer", "[app][capacity][plan]") {
  // 30 Erlangs on servers of 4 allocations at a 2% target: Erlang-B brackets near
  // B(30, 4n) <= 2% (n = 10: B(30, 40) = 1.4%); the simulated answer must equal the
  // smallest n whose simulated blocking (same seeds) meets the target, found by trying
  // every n from 1.
  REQUIRE(erlang_b(30, 36) > 0.02);
  REQUIRE(erlang_b(30, 40) < 0.02);
  Planned p = load(erlang_scenario(30, 4, 1, "plan: {blocking_target: 0.02}\n"));
  capacity::CapacitySpec spec = scenario_of(p.loaded).spec;
  int exhaustive = -1;
  for (int n = 1; n <= 30 && exhaustive < 0; ++n) {
    capacity::set_site_counts(spec.relays, {n});
    if (pooled_blocking(p.run(spec, 0)) <= 0.02) exhaustive = n;
  }
  const capacity::PlanResult r = capacity::plan_fleet(scenario_of(p.loaded).spec, {}, p.run, nullptr);
  REQUIRE(r.ok);
  CHECK(r.sites.at(0).servers == exhaustive);
  CHECK(r.sites[0].binding == "blocking");
  CHECK(r.simulations <= 6);  // pilot + a few sizes near the bracket + the plan (exhaustive: 10)
}

TEST_CASE("plan: N+1 holds the blocking target with one server down (Erlang-B on N-1)", "[app][capacity][plan]") {
  // 20 Erlangs, servers of 10 allocations, 1% target: B(20, 20) = 15.9%, B(20, 30) = 0.85%,
  // so blocking needs 3 servers and N+1 makes it 4, binding "n+1".
  const double b3 = erlang_b(20, 30);
  REQUIRE(erlang_b(20, 20) > 0.1);
  REQUIRE(b3 < 0.01);
  Planned p = load(erlang_scenario(20, 10, 1, "plan: {blocking_target: 0.01, redundancy: n+1}\n"));
  const capacity::PlanResult r = capacity::plan_fleet(scenario_of(p.loaded).spec, {}, p.run, nullptr);
  REQUIRE(r.ok);
  CHECK(r.sites.at(0).for_blocking == 3);
  CHECK(r.sites[0].servers == 4);
  CHECK(r.sites[0].binding == "n+1");
  // The plan with one of its 4 servers failed for the whole measured span: the three left
  // are 30 pooled allocations, and the blocking is Erlang-B B(20, 30) again.
  Planned down = load(erlang_scenario(20, 10, 4,
                                      "failures:\n  - {server: default-2, at: 0s, duration: 7h, sessions: drop}\n") +
                      "");
  runner::RunOptions opt;
  opt.replications = 8;
  const auto res = runner::run_scenario(down.loaded, opt);
  const auto* s = res.summary.points.at(0).find("blocking_probability");
  REQUIRE(s);
  INFO("B(20, 30) = " << b3 << ", simulated " << s->mean << " +- " << s->half_width);
  CHECK(s->mean - s->half_width <= b3);
  CHECK(b3 <= s->mean + s->half_width);
  CHECK(s->mean <= 0.01);
}

TEST_CASE("plan: monthly cost by hand", "[app][capacity][plan]") {
  // 3 servers at 0.50 USD/h for 730 h = 1095 USD; 1e12 B/day of egress = 1000 GB/day,
  // x 730/24 = 30416.67 GB/month, x 0.09 USD/GB = 2737.50 USD.
  CHECK(capacity::monthly_cost(3, 0.5, 0, 0, 730) == Approx(1095.0));
  CHECK(capacity::monthly_cost(0, 0, 1e12, 0.09, 730) == Approx(2737.5));
  CHECK(capacity::monthly_cost(3, 0.5, 1e12, 0.09, 730) == Approx(3832.5));
  // The planner applies the site region's prices to its servers and its measured egress:
  // 50 Erlangs of 2 x 32 kbps relayed = 3.2 Mbit/s on average = 34.56 GB/day.
  Planned p = load(erlang_scenario(50, 10, 1,
                                   "plan:\n  prices: {default: {instance_per_hour: 0.25, egress_per_gb: 0.05}}\n"));
  const capacity::PlanResult r = capacity::plan_fleet(scenario_of(p.loaded).spec, {}, p.run, nullptr);
  REQUIRE(r.ok);
  const capacity::SitePlan& s = r.sites.at(0);
  CHECK(s.instance_usd_month == Approx(s.servers * 0.25 * 730));
  CHECK(s.egress_usd_month == Approx(s.egress_gb_month * 0.05));
  CHECK(s.egress_gb_month == Approx(50 * 64e3 / 8 * 86400 / 1e9 * 730 / 24).epsilon(0.05));
  CHECK(r.monthly_usd == Approx(s.instance_usd_month + s.egress_usd_month));
}

TEST_CASE("plan: a region with users and no relay within its budget is a violation", "[app][capacity][plan]") {
  const std::string base = R"(name: cov
study: capacity
regions:
  eu: {share: 1, rtt: {us: 90ms}}
  us: {share: 1}
population: {users: 2000}
traffic: {horizon: 2h, arrivals: {rate: 0.2}}
connectivity: {model: interim-rfc4787}
relays:
  sites:
    eu: {count: 1}
)";
  Planned p = load(base + "plan: {latency_budget: 50ms}\n");
  capacity::PlanResult r = capacity::plan_fleet(scenario_of(p.loaded).spec, {}, p.run, nullptr);
  CHECK_FALSE(r.ok);
  REQUIRE(r.coverage.size() == 2);
  CHECK(r.coverage[0].ok);
  CHECK_FALSE(r.coverage[1].ok);
  CHECK(r.coverage[1].rtt == SimTime::ms(90));
  CHECK_THAT(r.problem, Catch::Contains("region us has users"));
  Planned q = load(base + "plan: {latency_budget: {eu: 50ms, us: 100ms}}\n");
  CHECK(capacity::plan_fleet(scenario_of(q.loaded).spec, {}, q.run, nullptr).ok);
  Planned w = load(base + "plan: {latency_budget: 50ms, require_coverage: false}\n");
  r = capacity::plan_fleet(scenario_of(w.loaded).spec, {}, w.run, nullptr);
  CHECK(r.ok);
  CHECK_FALSE(r.coverage[1].ok);
}

TEST_CASE("plan: bandwidth headroom can bind", "[app][capacity][plan]") {
  // 20 Erlangs x 64 kbit/s = 1.28 Mbit/s at the (flat) peak; servers of 0.5 Mbit/s with
  // allocations unbounded by slots: at a 50% blocking target a few servers do (7
  // allocations each, 0.5e6 / 64e3 = 7.8), but headroom 40% needs 1.28 / 0.2 = 6.4 -> 7
  // (the pilot's sampled load would have to be 6% off to change that).
  std::string text = erlang_scenario(20, 100000, 1, "plan: {blocking_target: 0.5, headroom: {bandwidth: 0.4}}\n");
  text.replace(text.find("bandwidth: 1000Gbps"), 19, "bandwidth: 500kbps");
  Planned p = load(text);
  const capacity::PlanResult r = capacity::plan_fleet(scenario_of(p.loaded).spec, {}, p.run, nullptr);
  REQUIRE(r.ok);
  CHECK(r.sites.at(0).for_bandwidth == 7);
  CHECK(r.sites[0].binding == "bandwidth headroom");
  CHECK(r.sites[0].servers == 7);
  CHECK(r.sites[0].bw_util <= 0.4);
}

TEST_CASE("plan: growth scales the load the plan must carry", "[app][capacity][plan]") {
  // 20 Erlangs on servers of 10 allocations need 3 (B(20, 30) = 0.85% <= 1% < B(20, 20));
  // growth 1.5 makes 30 Erlangs: B(30, 40) = 1.4% > 1%, B(30, 50) < 1%, so 5.
  REQUIRE(erlang_b(30, 40) > 0.01);
  REQUIRE(erlang_b(30, 50) < 0.01);
  Planned now = load(erlang_scenario(20, 10, 1));
  CHECK(capacity::plan_fleet(scenario_of(now.loaded).spec, {}, now.run, nullptr).sites.at(0).servers == 3);
  std::string grown = erlang_scenario(20, 10, 1);
  grown.replace(grown.find("  users: 1000\n"), 14, "  users: 1000\n  growth: 1.5\n");
  Planned next = load(grown);
  CHECK(capacity::plan_fleet(scenario_of(next.loaded).spec, {}, next.run, nullptr).sites.at(0).servers == 5);
}

TEST_CASE("plan: a diurnal load is checked at its busiest hour", "[app][capacity][plan]") {
  // One region, weights 1 in every hour but 14:00 (5): shape(14) = 5 x 24 / 28 = 4.286.
  // 2000 users x 24 calls/day = 0.5556 calls/s on average, 2.381 calls/s at 14:00; every
  // call relayed, mean holding 60 s: 142.9 Erlangs at the peak, less the ramp from the
  // 33.3 Erlangs before it (time constant 60 s): 142.9 - 109.5 x 60 / 3600 = 141.1 over
  // the hour.
  const std::string text = R"(name: diurnal
study: capacity
replications: 2
population:
  users: 2000
  access: {sym: {nat: [{type: symmetric}]}}
traffic:
  horizon: 24h
  arrivals: {calls_per_user_per_day: 24, hourly: [1,1,1,1,1,1,1,1,1,1,1,1,1,1,5,1,1,1,1,1,1,1,1,1]}
  duration: {distribution: exponential, mean: 1min}
  media: {audio: {bitrate: 32kbps}}
connectivity: {model: interim-rfc4787}
relays:
  placement: least-loaded
  server: {bandwidth: 1000Gbps, allocations: 1000, cpu_cores: 0}
  sites:
    default: {count: 1}
)";
  Planned p = load(text);
  const capacity::PlanResult r = capacity::plan_fleet(scenario_of(p.loaded).spec, {}, p.run, nullptr);
  REQUIRE(r.ok);
  CHECK(r.sites.at(0).busy_hour == 14);
  CHECK(r.sites[0].offered_erlangs == Approx(141.1).epsilon(0.06));
}
