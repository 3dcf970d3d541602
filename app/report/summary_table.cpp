#include "app/report/summary_table.hpp"

#include <ostream>

#include "app/report/table.hpp"

namespace p2psim::report {

void print_metric_table(const study::RunSetSummary& s, const std::vector<std::string>& metrics, std::ostream& os) {
  std::vector<std::string> header = s.sweep_paths;
  header.insert(header.end(), metrics.begin(), metrics.end());
  Table t(header);
  for (const auto& p : s.points) {
    std::vector<std::string> row;
    for (const auto& kv : p.params) row.push_back(kv.second);
    for (const auto& m : metrics) {
      const auto* st = p.find(m);
      row.push_back(st ? format_mean_ci(st->mean, st->half_width) : "");
    }
    t.add_row(row);
  }
  t.print(os);
  if (!s.points.empty() && !s.points[0].stats.empty() && s.points[0].stats[0].n > 1)
    os << "\n  values: mean ± 95% CI half-width over " << s.points[0].stats[0].n << " replications\n";
}

}  // namespace p2psim::report
