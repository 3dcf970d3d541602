// results.json, results.csv, timeseries.csv and the terminal summary of a run set.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "app/report/summary_table.hpp"
#include "app/runner/runner.hpp"

namespace p2psim::runner {
namespace {

namespace fs = std::filesystem;

// Writes `content` to `dir/name` through a temporary file and a rename, so a reader never
// sees a half-written file.
void write_atomic(const fs::path& dir, const std::string& name, const std::string& content) {
  const fs::path final_path = dir / name;
  const fs::path tmp = dir / ("." + name + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, final_path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot rename " + tmp.string() + " to " + final_path.string());
  }
}

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
                   {"seed", r.seed},
                   {"replications", r.replications},
                   {"sweep", s.sweep_paths}};
  j["input"] = s.echo;
  auto points = nlohmann::ordered_json::array();
  for (std::size_t p = 0; p < s.points.size(); ++p) {
    nlohmann::ordered_json pj;
    pj["point"] = p;
    auto params = nlohmann::ordered_json::object();
    for (const auto& [path, value] : s.points[p].params) params[path] = value;
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
      rj["seed"] = rec.seed;
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

void write_results(const RunSetResult& r, const std::string& out_dir) {
  const LoadedScenario& s = *r.scenario;
  const fs::path dir(out_dir);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + out_dir + ": " + ec.message());

  // Tidy CSV: one row per sweep point x metric.
  std::ostringstream csv;
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

  // Time series, long format, only when some run produced one.
  bool any_series = false;
  for (const auto& rec : r.runs) any_series = any_series || !rec.result.series.empty();
  std::ostringstream ts;
  if (any_series) {
    ts << "point";
    for (const auto& path : s.sweep_paths) ts << ',' << csv_cell(path);
    ts << ",replication,series,unit,t_s,value\n";
    for (const auto& rec : r.runs) {
      for (const auto& series : rec.result.series) {
        for (std::size_t i = 0; i < series.t.size() && i < series.v.size(); ++i) {
          ts << rec.point;
          for (const auto& kv : s.points[rec.point].params) ts << ',' << csv_cell(kv.second);
          ts << ',' << rec.replication << ',' << csv_cell(series.name) << ',' << csv_cell(series.unit) << ','
             << num(series.t[i]) << ',' << num(series.v[i]) << '\n';
        }
      }
    }
  }

  write_atomic(dir, "results.csv", csv.str());
  if (any_series) write_atomic(dir, "timeseries.csv", ts.str());
  // results.json last: its presence marks a complete result set.
  write_atomic(dir, "results.json", results_json(r).dump(2) + "\n");
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
