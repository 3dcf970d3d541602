// Sweep keys that changed nothing: a key the chosen model ignores (e.g. call.last_n with a
// mesh topology) yields points whose every run has bit-identical metrics, i.e. duplicate
// rows in results.csv. The runner cannot know which keys a study reads, but common random
// numbers make the effect visible in the results: identical inputs give identical runs.
#include <string>
#include <vector>

#include "app/runner/runner.hpp"

namespace p2psim::runner {
namespace {

bool same_runs(const RunSetResult& r, std::size_t p, std::size_t q) {
  const auto reps = static_cast<std::size_t>(r.replications);
  for (std::size_t k = 0; k < reps; ++k) {
    const auto& a = r.runs[p * reps + k].result.metrics;
    const auto& b = r.runs[q * reps + k].result.metrics;
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (a[i].name != b[i].name || !(a[i].value == b[i].value || (a[i].value != a[i].value && b[i].value != b[i].value)))
        return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> ineffective_sweep_warnings(const RunSetResult& r) {
  std::vector<std::string> out;
  const LoadedScenario& s = *r.scenario;
  const auto& sizes = s.sweep_sizes;
  if (sizes.size() != s.sweep_paths.size() || s.points.empty() || r.runs.size() != s.points.size() * r.replications) return out;
  for (std::size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 2) continue;
    std::size_t stride = 1;
    for (std::size_t e = d + 1; e < sizes.size(); ++e) stride *= sizes[e];
    std::size_t groups = 0, flat = 0, example = SIZE_MAX;
    for (std::size_t p = 0; p < s.points.size(); ++p) {
      if ((p / stride) % sizes[d] != 0) continue;  // the first point of each group along d
      ++groups;
      bool all_same = true;
      for (std::size_t k = 1; k < sizes[d] && all_same; ++k) all_same = same_runs(r, p, p + k * stride);
      if (all_same) {
        ++flat;
        if (example == SIZE_MAX) example = p;
      }
    }
    if (flat == 0) continue;
    std::string msg = "sweeping " + s.sweep_paths[d] + " changed no result";
    if (flat == groups) {
      msg += " at any point";
    } else {
      std::string where;
      for (std::size_t e = 0; e < sizes.size(); ++e)
        if (e != d) where += (where.empty() ? "" : ", ") + s.points[example].params[e].first + "=" + s.points[example].params[e].second;
      msg += " at " + std::to_string(flat) + " of " + std::to_string(groups) + " combinations of the other keys (e.g. " + where + ")";
    }
    msg += ": the model ignores it there and those rows of results.csv repeat";
    out.push_back(msg);
  }
  return out;
}

}  // namespace p2psim::runner
