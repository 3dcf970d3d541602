// The generic summary: one row per sweep point, its parameter values, then each metric as
// "mean ± 95% CI half-width" across replications. Kinds without their own summary use it
// through the runner; kinds with one may call it for part of theirs.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "app/study/study.hpp"

namespace p2psim::report {

void print_metric_table(const study::RunSetSummary& summary, const std::vector<std::string>& metrics, std::ostream& os);

// A column of a labelled table: its header and the metric it shows.
struct MetricColumn {
  std::string header;
  std::string metric;
};
// One row per sweep point, labelled "path=value ..." (or its index when nothing is
// swept), then the given columns as "mean ± half-width" with `digits` significant digits;
// "-" where a point lacks the metric.
void print_labelled_table(const study::RunSetSummary& summary, const std::vector<MetricColumn>& columns,
                          std::ostream& os, int digits = 3);

}  // namespace p2psim::report
