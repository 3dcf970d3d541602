// results.json, results.csv, timeseries.csv and the terminal summary of a run set.
#include <cmath>
#include <cstdio>
#include <ostream>
#include <iomanip>
#include <stdexcept>

#include "app/report/result_set_writer.hpp"
#include "app/report/summary_table.hpp"
#include "app/runner/runner.hpp"

namespace p2psim::runner {
namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string num(double v) {
  if (std::isnan(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

nlohmann::ordered_json json_number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

}  // namespace

nlohmann::ordered_json results_json(const RunSetResult& r) {
  const LoadedScenario& s = *r.scenario;
  nlohmann::ordered_json j;
  j["p2psim_version"] = P2PSIM_VERSION;
  j["scenario"] = {{"name", s.name},
                   {"file", s.file},
                   {"study", s.kind->name},
                   {"description", s.description},
                   {"seed", std::to_string(r.seed)},
                   {"replications", r.replications},
                   {"sweep", s.sweep_paths}};
  j["input"] = s.echo;
  auto points = nlohmann::ordered_json::array();
  for (std::size_t p = 0; p < s.points.size(); ++p) {
    nlohmann::ordered_json pj;
    pj["point"] = p;
    auto params = nlohmann::ordered_json::object();
    const SweepPoint& sp = s.points[p];
    for (std::size_t d = 0; d < sp.params.size(); ++d)
      params[sp.params[d].first] = d < sp.values.size() ? sp.values[d] : nlohmann::ordered_json(sp.params[d].second);
    pj["params"] = params;
    auto summary = nlohmann::ordered_json::object();
    for (const auto& st : r.summary.points[p].stats) {
      summary[st.name] = {{"mean", json_number(st.mean)},
                          {"ci95_half_width", json_number(st.half_width)},
                          {"ci95_low", json_number(st.mean - st.half_width)},
                          {"ci95_high", json_number(st.mean + st.half_width)},
                          {"n", st.n}};
    }
    pj["summary"] = summary;
    auto runs = nlohmann::ordered_json::array();
    for (int k = 0; k < r.replications; ++k) {
      const RunRecord& rec = r.runs[p * static_cast<std::size_t>(r.replications) + static_cast<std::size_t>(k)];
      nlohmann::ordered_json rj;
      rj["replication"] = rec.replication;
      rj["seed"] = std::to_string(rec.seed);  // a decimal string: exact in readers that use doubles
      auto metrics = nlohmann::ordered_json::object();
      for (const auto& m : rec.result.metrics) metrics[m.name] = json_number(m.value);
      rj["metrics"] = metrics;
      runs.push_back(rj);
    }
    pj["runs"] = runs;
    points.push_back(pj);
  }
  j["points"] = points;
  return j;
}

void write_results(const RunSetResult& r, report::ResultSetWriter& out) {
  const LoadedScenario& s = *r.scenario;

  // Tidy CSV: one row per sweep point x metric.
  {
    auto file = out.create("results.csv");
    std::ostream& csv = file.stream();
    csv << "point";
    for (const auto& path : s.sweep_paths) csv << ',' << csv_cell(path);
    csv << ",metric,mean,ci95_half_width,ci95_low,ci95_high,n\n";
    for (std::size_t p = 0; p < s.points.size(); ++p) {
      for (const auto& st : r.summary.points[p].stats) {
        csv << p;
        for (const auto& kv : s.points[p].params) csv << ',' << csv_cell(kv.second);
        csv << ',' << csv_cell(st.name) << ',' << num(st.mean) << ',' << num(st.half_width) << ','
            << num(st.mean - st.half_width) << ',' << num(st.mean + st.half_width) << ',' << st.n << '\n';
      }
    }
    file.close();
  }

  // Time series, long format, only when some run produced one; streamed to disk row by row,
  // and, when the runs' series were left on disk (r.series_of), read back one run at a time.
  bool any_series = r.series_on_disk && r.series_of;
  for (const auto& rec : r.runs) any_series = any_series || !rec.result.series.empty();
  if (any_series) {
    auto file = out.create("timeseries.csv");
    std::ostream& ts = file.stream();
    ts << "point";
    for (const auto& path : s.sweep_paths) ts << ',' << csv_cell(path);
    ts << ",replication,series,unit,t_s,value\n";
    for (std::size_t run = 0; run < r.runs.size() && ts; ++run) {
      const RunRecord& rec = r.runs[run];
      std::vector<study::Series> loaded;
      if (rec.result.series.empty() && r.series_of) loaded = r.series_of(run);
      const std::vector<study::Series>& run_series = loaded.empty() ? rec.result.series : loaded;
      std::string prefix = std::to_string(rec.point);
      for (const auto& kv : s.points[rec.point].params) prefix += ',' + csv_cell(kv.second);
      prefix += ',' + std::to_string(rec.replication) + ',';
      for (const auto& series : run_series) {
        const std::string name_unit = csv_cell(series.name) + ',' + csv_cell(series.unit) + ',';
        for (std::size_t i = 0; i < series.t.size() && i < series.v.size(); ++i)
          ts << prefix << name_unit << num(series.t[i]) << ',' << num(series.v[i]) << '\n';
        if (!ts) break;  // the error is reported by close()
      }
    }
    file.close();
  }

  {
    auto file = out.create("results.json");
    file.stream() << std::setw(2) << results_json(r) << '\n';
    file.close();
  }
}

void write_results(const RunSetResult& r, const std::string& out_dir) {
  report::ResultSetWriter out(out_dir);
  write_results(r, out);
  out.commit();
}

void print_summary(const RunSetResult& r, std::ostream& os) {
  const LoadedScenario& s = *r.scenario;
  os << "p2psim " << P2PSIM_VERSION << " | scenario " << s.name << " (" << s.kind->name << ") | "
     << s.points.size() << " point" << (s.points.size() == 1 ? "" : "s") << " x " << r.replications
     << " replication" << (r.replications == 1 ? "" : "s") << " | seed " << r.seed << '\n';
  if (!s.description.empty()) os << s.description << '\n';
  os << '\n';
  if (s.kind->summarize) {
    s.kind->summarize(r.summary, os);
    return;
  }
  std::vector<std::string> metrics = s.kind->headline;
  if (metrics.empty() && !r.summary.points.empty())
    for (const auto& st : r.summary.points[0].stats) metrics.push_back(st.name);
  report::print_metric_table(r.summary, metrics, os);
}

}  // namespace p2psim::runner
