#include "app/report/plot/result_set.hpp"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/time.hpp"

namespace p2psim::report {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::vector<std::vector<std::string>> out;
  std::istringstream in(slurp(p));
  std::string line, pending;
  while (std::getline(in, line)) {
    // A quoted cell may hold a newline: join lines until the quotes balance.
    pending += pending.empty() ? line : "\n" + line;
    std::size_t quotes = 0;
    for (char c : pending) quotes += c == '"';
    if (quotes % 2) continue;
    if (!pending.empty()) out.push_back(split_csv_line(pending));
    pending.clear();
  }
  return out;
}

std::size_t to_index(const std::string& s, const fs::path& file) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0') throw std::invalid_argument(file.string() + ": expected a point index, got \"" + s + "\"");
  return static_cast<std::size_t>(v);
}

double to_double(const std::string& s, const fs::path& file) {
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') throw std::invalid_argument(file.string() + ": expected a number, got \"" + s + "\"");
  return v;
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  cells.push_back(cur);
  return cells;
}

std::optional<double> numeric_value(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end == '\0' && std::isfinite(v)) return v;
  if (auto t = parse_time(text)) return t->seconds();
  // Rates and sizes: a number and a unit suffix.
  const std::string unit(end);
  static const std::vector<std::pair<std::string, double>> units = {
      {"bps", 1}, {"kbps", 1e3}, {"Kbps", 1e3}, {"Mbps", 1e6}, {"Gbps", 1e9},
      {"B", 1},   {"kB", 1e3},   {"KB", 1e3},   {"MB", 1e6},   {"GB", 1e9}};
  if (end != text.c_str())
    for (const auto& [u, f] : units)
      if (unit == u) return v * f;
  return std::nullopt;
}

const SummaryRow* ResultSet::find(std::size_t point, const std::string& metric) const {
  for (const SummaryRow& r : rows)
    if (r.point == point && r.metric == metric) return &r;
  return nullptr;
}

std::vector<std::string> ResultSet::metrics() const {
  std::vector<std::string> out;
  for (const SummaryRow& r : rows) {
    bool seen = false;
    for (const auto& m : out) seen = seen || m == r.metric;
    if (!seen) out.push_back(r.metric);
  }
  return out;
}

bool ResultSet::has_metric(const std::string& metric) const {
  for (const SummaryRow& r : rows)
    if (r.metric == metric) return true;
  return false;
}

std::string ResultSet::param(std::size_t point, const std::string& path) const {
  for (std::size_t k = 0; k < sweep_paths.size(); ++k)
    if (sweep_paths[k] == path && point < point_params.size()) return point_params[point][k];
  return {};
}

std::string ResultSet::label(std::size_t point, const std::vector<std::string>& except) const {
  std::string out;
  for (std::size_t k = 0; k < sweep_paths.size(); ++k) {
    bool skip = false;
    for (const auto& e : except) skip = skip || e == sweep_paths[k];
    if (skip || point >= point_params.size()) continue;
    out += (out.empty() ? "" : ", ") + sweep_paths[k] + "=" + point_params[point][k];
  }
  return out;
}

ResultSet read_result_set(const std::string& dir) {
  const fs::path d(dir);
  if (!fs::exists(d / "results.json"))
    throw std::invalid_argument(dir + ": no results.json here (not a finished p2psim run set)");
  ResultSet r;
  r.dir = dir;
  try {
    r.json = nlohmann::ordered_json::parse(slurp(d / "results.json"));
    const auto& sc = r.json.at("scenario");
    r.name = sc.value("name", "");
    r.study = sc.value("study", "");
    r.description = sc.value("description", "");
    r.file = sc.value("file", "");
    r.version = r.json.value("p2psim_version", "");
    for (const auto& p : sc.at("sweep")) r.sweep_paths.push_back(p.get<std::string>());
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(dir + "/results.json: " + e.what());
  }

  const auto csv = read_csv(d / "results.csv");
  if (csv.empty()) throw std::invalid_argument(dir + "/results.csv is empty");
  const std::size_t np = r.sweep_paths.size();
  const std::size_t width = 1 + np + 6;
  if (csv[0].size() != width || csv[0][0] != "point" || csv[0][1 + np] != "metric")
    throw std::invalid_argument(dir + "/results.csv: header does not match results.json's sweep");
  for (std::size_t i = 1; i < csv.size(); ++i) {
    const auto& c = csv[i];
    if (c.size() != width) throw std::invalid_argument(dir + "/results.csv: row " + std::to_string(i + 1) + " has " +
                                                       std::to_string(c.size()) + " cells, expected " + std::to_string(width));
    SummaryRow row;
    row.point = to_index(c[0], d / "results.csv");
    if (row.point > 1000000) throw std::invalid_argument(dir + "/results.csv: point index out of range");
    if (row.point >= r.point_params.size()) r.point_params.resize(row.point + 1);
    if (r.point_params[row.point].empty()) r.point_params[row.point].assign(c.begin() + 1, c.begin() + 1 + np);
    row.metric = c[1 + np];
    row.mean = c[2 + np];
    row.half_width = c[3 + np];
    row.low = c[4 + np];
    row.high = c[5 + np];
    row.n = c[6 + np];
    r.rows.push_back(std::move(row));
  }
  for (auto& p : r.point_params)
    if (p.size() != np) p.assign(np, "");

  if (fs::exists(d / "timeseries.csv")) {
    const auto ts = read_csv(d / "timeseries.csv");
    const std::size_t tw = 1 + np + 5;
    for (std::size_t i = 1; i < ts.size(); ++i) {
      const auto& c = ts[i];
      if (c.size() != tw) throw std::invalid_argument(dir + "/timeseries.csv: row " + std::to_string(i + 1) + " has " +
                                                      std::to_string(c.size()) + " cells");
      SeriesSample s;
      s.point = to_index(c[0], d / "timeseries.csv");
      s.replication = static_cast<int>(to_index(c[1 + np], d / "timeseries.csv"));
      s.series = c[2 + np];
      s.unit = c[3 + np];
      s.t = to_double(c[4 + np], d / "timeseries.csv");
      s.value = c[5 + np].empty() ? NAN : to_double(c[5 + np], d / "timeseries.csv");
      r.samples.push_back(std::move(s));
    }
  }
  return r;
}

}  // namespace p2psim::report
