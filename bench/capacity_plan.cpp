// Benchmark: `p2psim plan` on scenarios/relay-capacity.yaml plus the plan: section of
// scenarios/relay-capacity.yaml scaled to a population (default 100,000 and 1,000,000
// users; --users N for others, e.g. 10000000). For each population it prints the CPU
// seconds of the planner (pilot + bracketed window simulations), the CPU seconds of ONE
// full-day simulation of all replications at the planned fleet (the unit each size of
// an exhaustive full-day search costs, measured in the same process), their ratio, and
// the answer. Figures: docs/performance.md.
//
//   ./build/bench_capacity_plan [--users N]... [--replications R] [--scenario FILE]
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "app/runner/runner.hpp"
#include "app/study/capacity_study.hpp"
#include "models/capacity/planner.hpp"
#include "sim/random.hpp"

using namespace p2psim;

namespace {

double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file = "scenarios/relay-capacity.yaml";
  std::vector<std::string> users;
  std::string reps_override;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--users") && i + 1 < argc) users.push_back(argv[++i]);
    else if (!std::strcmp(argv[i], "--replications") && i + 1 < argc) reps_override = argv[++i];
    else if (!std::strcmp(argv[i], "--scenario") && i + 1 < argc) file = argv[++i];
    else {
      std::fprintf(stderr, "usage: %s [--users N]... [--replications R] [--scenario FILE]\n", argv[0]);
      return 2;
    }
  }
  if (users.empty()) users = {"100000", "1000000"};
  std::printf("%10s %5s %12s %6s %14s %8s  %s\n", "users", "reps", "plan_cpu_s", "sims", "full_day_cpu_s", "ratio",
              "answer");
  for (const std::string& u : users) {
    std::vector<runner::Override> ov{{"population.users", u}};
    if (!reps_override.empty()) ov.push_back({"replications", reps_override});
    const auto loaded = runner::load_scenario(file, ov);
    const study::CapacityScenario* sc = study::capacity_scenario_of(*loaded.points.at(0).study);
    const int reps = loaded.replications;
    capacity::RunReplications run = [&](const capacity::CapacitySpec& s, int limit) {
      std::vector<capacity::CapacityResult> out;
      for (int r = 0; r < (limit > 0 ? std::min(limit, reps) : reps); ++r)
        out.push_back(study::run_capacity_replication(*sc, s, derive_seed(loaded.seed, static_cast<std::uint64_t>(r))));
      return out;
    };
    const double c0 = cpu_now();
    const capacity::PlanResult plan = capacity::plan_fleet(sc->spec, {}, run, nullptr);
    const double plan_cpu = cpu_now() - c0;
    std::string answer;
    std::vector<int> counts;
    for (const auto& s : plan.sites) {
      answer += (answer.empty() ? "" : " ") + s.name + "=" + std::to_string(s.servers) + "(" + s.binding + ")";
      counts.push_back(s.servers);
    }
    capacity::CapacitySpec day = sc->spec;
    capacity::set_site_counts(day.relays, counts);
    const double c1 = cpu_now();
    run(day, 0);
    const double day_cpu = cpu_now() - c1;
    std::printf("%10s %5d %12.2f %6d %14.2f %8.2f  %s%s\n", u.c_str(), reps, plan_cpu, plan.simulations, day_cpu,
                plan_cpu / day_cpu, answer.c_str(), plan.ok ? "" : " (no plan)");
    std::fflush(stdout);
  }
  return 0;
}
