// ResultSet: a finished run set read back from its directory (results.json, results.csv
// and, when present, timeseries.csv; formats in app/report/results.cpp), for the plot and
// report commands. Numbers keep the exact text results.csv holds, so a chart's data file
// can carry the same values, character for character.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace p2psim::report {

// One row of results.csv: a sweep point's summary of one metric.
struct SummaryRow {
  std::size_t point = 0;
  std::string metric;
  std::string mean, half_width, low, high, n;  // as written ("" for NaN)
};

// One sample of timeseries.csv.
struct SeriesSample {
  std::size_t point = 0;
  int replication = 0;
  std::string series, unit;
  double t = 0, value = 0;
};

struct ResultSet {
  std::string dir;
  std::string name, study, description, file, version;
  std::vector<std::string> sweep_paths;
  // Per point, the swept values in sweep_paths order (text as in results.csv).
  std::vector<std::vector<std::string>> point_params;
  std::vector<SummaryRow> rows;
  std::vector<SeriesSample> samples;  // empty without timeseries.csv
  nlohmann::ordered_json json;        // results.json as written

  std::size_t points() const { return point_params.size(); }
  const SummaryRow* find(std::size_t point, const std::string& metric) const;
  // Metric names in first-seen order.
  std::vector<std::string> metrics() const;
  bool has_metric(const std::string& metric) const;
  // The value text of `path` at `point` ("" if `path` is not swept).
  std::string param(std::size_t point, const std::string& path) const;
  // "path=value, path=value" of the swept values at `point` except those in `except`.
  std::string label(std::size_t point, const std::vector<std::string>& except) const;
};

// Reads `dir`. Throws std::invalid_argument when it holds no complete result set
// (results.json missing: runs write it last) or the files do not parse.
ResultSet read_result_set(const std::string& dir);

// Splits one CSV line (RFC 4180 quoting, as results.cpp writes it).
std::vector<std::string> split_csv_line(const std::string& line);

// A number from a cell: plain numbers, or durations ("15s", "2h"), rates ("5Mbps") and
// sizes ("1200B") converted to seconds, bit/s and bytes. nullopt for anything else.
std::optional<double> numeric_value(const std::string& text);

}  // namespace p2psim::report
