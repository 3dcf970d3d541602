#include "app/study/group_call_summary_parts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace p2psim::study {

double stat(const PointSummary& p, const std::string& metric) {
  const PointSummary::Stat* s = p.find(metric);
  return s ? s->mean : std::nan("");
}

std::string fmt(const char* f, double v) {
  if (std::isnan(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

PointGroups group_by_sweep_except_size(const RunSetSummary& s) {
  PointGroups g;
  for (const PointSummary& p : s.points) {
    std::string key;
    for (const auto& [path, value] : p.params)
      if (path != "call.group_size") key += (key.empty() ? "" : ", ") + path + "=" + value;
    if (!g.points.count(key)) g.keys.push_back(key);
    g.points[key].push_back(&p);
  }
  for (auto& [key, pts] : g.points)
    std::stable_sort(pts.begin(), pts.end(), [](const PointSummary* a, const PointSummary* b) {
      return stat(*a, "group_size") < stat(*b, "group_size");
    });
  return g;
}

void print_rows(std::ostream& os, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w;
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (w.size() <= c) w.push_back(0);
      w[c] = std::max(w[c], r[c].size());
    }
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const std::string pad(w[c] - r[c].size(), ' ');
      line += c == 0 ? r[c] + pad : "  " + pad + r[c];
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    os << line << '\n';
  }
}

}  // namespace p2psim::study
