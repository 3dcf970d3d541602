#include "app/runner/runner.hpp"

#include <algorithm>

#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace p2psim::runner {

RunSetResult run_scenario(const LoadedScenario& scenario, const RunOptions& options) {
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  const int replications = options.replications.value_or(scenario.replications);
  const std::size_t total = scenario.points.size() * static_cast<std::size_t>(replications);
  std::vector<RunRecord> runs(total);
  std::vector<std::size_t> all(total);
  for (std::size_t i = 0; i < total; ++i) all[i] = i;
  execute_runs(scenario, seed, replications, all, options, [&](RunRecord&& rec) {
    const std::size_t i = rec.point * static_cast<std::size_t>(replications) + static_cast<std::size_t>(rec.replication);
    if (!options.keep_series) rec.result.series.clear();
    runs[i] = std::move(rec);
  });
  return assemble_run_set(scenario, seed, replications, std::move(runs));
}

RunSetResult assemble_run_set(const LoadedScenario& scenario, std::uint64_t seed, int replications,
                              std::vector<RunRecord> runs) {
  if (runs.size() != scenario.points.size() * static_cast<std::size_t>(replications))
    throw std::logic_error("assemble_run_set: the run set is incomplete");
  RunSetResult r;
  r.scenario = &scenario;
  r.seed = seed;
  r.replications = replications;
  r.runs = std::move(runs);
  // Aggregate per sweep point: mean and 95% CI of each metric across replications.
  r.summary.scenario_name = scenario.name;
  r.summary.sweep_paths = scenario.sweep_paths;
  for (std::size_t p = 0; p < scenario.points.size(); ++p) {
    study::PointSummary ps;
    ps.params = scenario.points[p].params;
    const std::size_t first = p * static_cast<std::size_t>(r.replications);
    for (const auto& m : r.runs[first].result.metrics) {
      std::vector<double> xs;
      for (int k = 0; k < r.replications; ++k)
        for (const auto& mm : r.runs[first + static_cast<std::size_t>(k)].result.metrics)
          if (mm.name == m.name) {
            xs.push_back(mm.value);
            break;
          }
      const Interval ci = mean_ci95(xs);
      ps.stats.push_back({m.name, ci.mean, ci.half_width, ci.n});
    }
    r.summary.points.push_back(std::move(ps));
  }
  return r;
}

}  // namespace p2psim::runner
