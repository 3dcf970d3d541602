// plot_results: draws every chart of a result set (app/report/plot/study_charts.hpp) with
// gnuplot into an output directory, and writes plots.json listing them (id, title,
// caption, image, data and script files) plus the charts skipped and why.
#pragma once

#include <string>
#include <vector>

#include "app/report/plot/gnuplot.hpp"
#include "app/report/plot/study_charts.hpp"

namespace p2psim::report {

struct PlotOptions {
  std::string out_dir;  // empty: <results dir>/plots
  ImageFormat format = ImageFormat::kSvg;
  ChartOptions charts;
};

struct PlotFile {
  std::string id, title, caption;
  std::string image, data, script;  // paths
};

struct PlotOutput {
  std::string out_dir;
  std::vector<PlotFile> files;
  std::vector<std::string> skipped;
};

// Throws std::invalid_argument for a directory without a result set, std::runtime_error
// when gnuplot or a write fails. Files are drawn in a temporary directory and moved into
// place only when every chart succeeded.
PlotOutput plot_results(const ResultSet& results, const PlotOptions& options);
PlotOutput plot_results(const std::string& results_dir, const PlotOptions& options);

}  // namespace p2psim::report
