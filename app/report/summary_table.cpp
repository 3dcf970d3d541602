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

void print_labelled_table(const study::RunSetSummary& s, const std::vector<MetricColumn>& columns, std::ostream& os,
                          int digits) {
  std::vector<std::string> header{"point"};
  for (const auto& c : columns) header.push_back(c.header);
  Table t(header);
  std::size_t k = 0;
  for (const auto& p : s.points) {
    std::string label;
    for (const auto& [path, val] : p.params) label += (label.empty() ? "" : " ") + path + "=" + val;
    std::vector<std::string> row{label.empty() ? std::to_string(k) : label};
    for (const auto& c : columns) {
      const auto* st = p.find(c.metric);
      row.push_back(st ? format_mean_ci(st->mean, st->half_width, digits) : std::string("-"));
    }
    t.add_row(row);
    ++k;
  }
  t.print(os);
}

}  // namespace p2psim::report
