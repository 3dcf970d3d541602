#include "app/runner/runner.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>

#include "sim/parallel.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace p2psim::runner {

RunSetResult run_scenario(const LoadedScenario& scenario, const RunOptions& options) {
  RunSetResult r;
  r.scenario = &scenario;
  r.seed = options.seed.value_or(scenario.seed);
  r.replications = options.replications.value_or(scenario.replications);
  const std::size_t total = scenario.points.size() * static_cast<std::size_t>(r.replications);
  r.runs.resize(total);
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  const int threads = std::max(1, options.jobs);
  parallel_for(total, threads, [&](std::size_t i) {
    RunRecord& rec = r.runs[i];
    rec.point = i / static_cast<std::size_t>(r.replications);
    rec.replication = static_cast<int>(i % static_cast<std::size_t>(r.replications));
    rec.seed = derive_seed(r.seed, static_cast<std::uint64_t>(rec.replication));
    rec.result = scenario.points[rec.point].study->run(rec.seed);
    const std::size_t n = ++done;
    if (options.progress && (n == total || n % std::max<std::size_t>(1, total / 20) == 0)) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      std::fprintf(stderr, "\r  %zu/%zu runs", n, total);
      if (n == total) std::fprintf(stderr, "\n");
    }
  });

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
