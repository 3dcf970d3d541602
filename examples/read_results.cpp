// Reading results back: a results directory (from `p2psim run` or run_study) through the
// same reader `p2psim plot` uses; prints the swept values and one metric's mean and 95%
// confidence interval per point.
#include <cstdio>
#include <iostream>

#include "app/report/plot/result_set.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: read_results RESULTS_DIR [METRIC]\n";
    return 2;
  }
  const std::string metric = argc > 2 ? argv[2] : "uplink_delivered_mean_bps";
  try {
    const p2psim::report::ResultSet rs = p2psim::report::read_result_set(argv[1]);
    std::printf("%s (%s): %zu points, %zu metrics\n", rs.name.c_str(), rs.study.c_str(), rs.points(), rs.metrics().size());
    for (std::size_t p = 0; p < rs.points(); ++p) {
      const auto* row = rs.find(p, metric);
      std::printf("  %-40s %s = %s  [%s, %s]\n", rs.label(p, {}).c_str(), metric.c_str(), row ? row->mean.c_str() : "-",
                  row ? row->low.c_str() : "-", row ? row->high.c_str() : "-");
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
