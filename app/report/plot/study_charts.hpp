// The charts of a result set: those its study kind defines (group-call, capacity,
// nat-population, energy, messaging) and a generic metric-vs-swept-parameter chart for
// any results. Definitions name metrics; a chart whose metrics (or swept keys) the result
// set lacks is skipped with a note saying why, so renamed or new metrics never break it.
#pragma once

#include <string>
#include <vector>

#include "app/report/plot/chart.hpp"
#include "app/report/plot/result_set.hpp"

namespace p2psim::report {

struct ChartOptions {
  std::vector<std::string> generic_metrics;  // the generic chart's metrics; empty: the kind's headline
  std::string generic_x;                     // its x (a swept path); empty: the first numeric one
};

struct ChartSet {
  std::vector<Chart> charts;
  std::vector<std::string> skipped;  // "chart-id: why"
};

ChartSet study_charts(const ResultSet& results, const ChartOptions& options = {});

// Building blocks (also used by tests): y = `metric` against the swept `x_path`, one line per
// combination of the other swept values. nullopt-like: an empty chart id when not drawable,
// with the reason in `why`.
Chart metric_vs_param(const ResultSet& rs, const std::string& id, const std::string& title, const std::string& x_path,
                      const std::string& metric, const std::string& ylabel, double y_scale, std::string& why);

}  // namespace p2psim::report
