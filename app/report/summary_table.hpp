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

}  // namespace p2psim::report
